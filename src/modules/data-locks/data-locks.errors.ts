import { DomainError, fieldError } from 'src/common/errors/domain-error';
import type { CutReadinessProblem } from './cut-readiness.api';

/** What the lock in force is, as a refusal names it. */
export type LockSummary = {
  id: string;
  lockedAt: string;
  reason: string;
  requestedBy: string | null;
  approvedBy: string | null;
};

export const DataLockErrors = {
  databaseLocked: (lock: LockSummary) =>
    new DomainError(
      'DATABASE_LOCKED',
      'conflict',
      `The trial database is locked (lock ${lock.id} since ${lock.lockedAt}): clinical data can no longer change`,
      [fieldError('', 'DATABASE_LOCKED', 'The trial database is locked', { lock })],
    ),
  recordFrozen: (
    record: { entity: string; entityId: string },
    by: { cutId: string | null; cutName: string | null; frozenAt: string; reason: string },
  ) =>
    new DomainError(
      'RECORD_FROZEN',
      'conflict',
      by.cutName
        ? `This record is frozen by the data cut "${by.cutName}": a monitor must unfreeze it (with a reason) before it can change`
        : `This record is frozen (${by.reason}): a monitor must unfreeze it (with a reason) before it can change`,
      [fieldError('', 'RECORD_FROZEN', 'The record is frozen', { record, ...by })],
    ),
  cutNotFound: () => new DomainError('DATA_CUT_NOT_FOUND', 'not_found', 'No such data cut'),
  cutNameTaken: () =>
    new DomainError('DATA_CUT_NAME_TAKEN', 'conflict', 'A data cut of this name exists', [
      fieldError('name', 'DATA_CUT_NAME_TAKEN', 'A data cut of this name exists'),
    ]),
  cutoffInFuture: (today: string) =>
    new DomainError('CUTOFF_IN_FUTURE', 'bad_request', 'The cut-off date is after today', [
      fieldError('cutoffDate', 'CUTOFF_IN_FUTURE', 'cutoffDate must not be after today', {
        today,
      }),
    ]),
  cutAlreadyConfirmed: () =>
    new DomainError('DATA_CUT_CONFIRMED', 'invalid_state', 'This data cut is already confirmed'),
  cutNotConfirmed: () =>
    new DomainError(
      'DATA_CUT_NOT_CONFIRMED',
      'invalid_state',
      'This data cut is not confirmed yet: its data is not frozen',
      [fieldError('dataCutId', 'DATA_CUT_NOT_CONFIRMED', 'The data cut is not confirmed yet')],
    ),
  cutNotReady: (problems: (CutReadinessProblem & { check: string })[]) =>
    new DomainError(
      'DATA_CUT_NOT_READY',
      'invalid_state',
      `The data up to the cut-off is not clean: ${problems.length} problem(s)`,
      problems.map((p) =>
        fieldError('', 'DATA_CUT_NOT_READY', p.problem, {
          check: p.check,
          participantId: p.participantId,
          ...(p.record ? { record: p.record } : {}),
        }),
      ),
    ),
  notFrozen: () =>
    new DomainError(
      'RECORD_NOT_FROZEN',
      'invalid_state',
      'This record is not frozen (or already unfrozen): nothing to unfreeze',
      [fieldError('entityId', 'RECORD_NOT_FROZEN', 'The record is not frozen')],
    ),
  lockRequestNotFound: () =>
    new DomainError('LOCK_REQUEST_NOT_FOUND', 'not_found', 'No such lock or unlock request'),
  lockRequestNotPending: () =>
    new DomainError(
      'LOCK_REQUEST_NOT_PENDING',
      'invalid_state',
      'This request was already approved or superseded',
    ),
  samePerson: () =>
    new DomainError(
      'SECOND_PERSON_REQUIRED',
      'forbidden',
      'The lock and the unlock need two different people: another person must approve this request',
      [fieldError('', 'SECOND_PERSON_REQUIRED', 'The approver must be another person')],
    ),
  sameRole: (role: string) =>
    new DomainError(
      'LOCK_ROLES_REQUIRED',
      'forbidden',
      'The lock and the unlock need a statistician and an admin together: the approver must act in the other role',
      [fieldError('', 'LOCK_ROLES_REQUIRED', 'The approver must act in the other role', { role })],
    ),
  alreadyLocked: () =>
    new DomainError('TRIAL_ALREADY_LOCKED', 'invalid_state', 'The trial is already locked'),
  notLocked: () => new DomainError('TRIAL_NOT_LOCKED', 'invalid_state', 'The trial is not locked'),
  requestPending: () =>
    new DomainError(
      'LOCK_REQUEST_PENDING',
      'invalid_state',
      'A lock or unlock request is already waiting for approval',
    ),
};
