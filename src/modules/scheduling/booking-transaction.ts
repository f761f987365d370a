import { DomainError } from 'src/common/errors/domain-error';
import type { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { SchedulingErrors } from './scheduling.errors';

/** Whether `e` is a PostgreSQL error with this SQLSTATE (and, if given, this constraint). */
export const isPgError = (e: unknown, code: string, constraint?: string): boolean => {
  const err = e as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const c = err.driverError?.code ?? err.code;
  const name = err.driverError?.constraint ?? err.constraint;
  return c === code && (constraint === undefined || name === constraint);
};

/**
 * Runs a transaction that writes a centre's places; a capacity-trigger refusal (a race no lock
 * prevented) becomes a 409.
 */
export async function runBookingTransaction<T>(
  tx: TransactionRunner,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  try {
    return await tx.run(work);
  } catch (error) {
    if (error instanceof DomainError) {
      throw error;
    }
    if (isPgError(error, '23514', 'transplant_capacity')) {
      throw SchedulingErrors.capacityRace();
    }
    throw error;
  }
}
