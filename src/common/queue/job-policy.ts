import type { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { RequestContext } from 'src/common/context/request-context';
import { DomainError, type DomainErrorKind } from 'src/common/errors/domain-error';

/**
 * The one failure policy of every job (applied by `@JobHandler`, src/kernel/jobs):
 * - transient (the database or Redis or SMTP unreachable, a serialisation failure, a deadlock, a
 *   lock timeout, a conflict a second try may not meet): thrown, so Bull retries with the
 *   exponential backoff of DEFAULT_JOB_OPTIONS (./queues.ts);
 * - permanent (a bad payload, a domain error a retry cannot fix: not found, invalid state,
 *   forbidden): the job is discarded and fails at once with its code, kept as failed for review;
 * - anything else (a bug, an unknown error) is retried like a transient one.
 * Each failure is logged with the job's id, queue, name, the error code and the attempt: never the
 * payload or the message, which may carry personal data (Bull keeps the message as failedReason).
 */
export type JobFailure = {
  kind: 'transient' | 'permanent' | 'unknown';
  code: string;
};

/** Domain errors a retry cannot fix. */
const PERMANENT_KINDS: ReadonlySet<DomainErrorKind> = new Set([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid_state',
]);

/** PostgreSQL SQLSTATEs worth a retry (besides class 08, connection exceptions). */
export const TRANSIENT_PG_CODES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout, NOWAIT)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/** Socket and SMTP (nodemailer) error codes of a peer that is away or slow. */
const TRANSIENT_NET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNECTION',
  'ESOCKET',
  'EDNS',
]);

/** Messages of connection errors that carry no code (pg, ioredis). */
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection is closed/i,
  /Redis did not answer/i,
  /Client has encountered a connection error/i,
];

type ErrorShape = {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  responseCode?: unknown;
  driverError?: { code?: unknown };
};

export function classifyJobError(error: unknown): JobFailure {
  if (error instanceof DomainError) {
    return { kind: PERMANENT_KINDS.has(error.kind) ? 'permanent' : 'transient', code: error.code };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const raw = e.driverError?.code ?? e.code;
  const code = typeof raw === 'string' ? raw : '';
  if (TRANSIENT_PG_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
    return { kind: 'transient', code };
  }
  if (TRANSIENT_NET_CODES.has(code)) {
    return { kind: 'transient', code };
  }
  // SMTP 4xx: the server asks to try again later.
  if (typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 500) {
    return { kind: 'transient', code: `SMTP_${e.responseCode}` };
  }
  if (e.name === 'MaxRetriesPerRequestError') {
    return { kind: 'transient', code: 'REDIS_UNAVAILABLE' };
  }
  const message = typeof e.message === 'string' ? e.message : '';
  if (TRANSIENT_MESSAGES.some((m) => m.test(message))) {
    return { kind: 'transient', code: code || 'CONNECTION_LOST' };
  }
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : 'ERROR';
  return { kind: 'unknown', code: code || name };
}

/**
 * Runs one job under the policy: in a request context named after the job (the audit rows it
 * writes carry `job:<name>:<id>`), classifying and logging a failure, discarding a permanent one.
 * Always rethrows, so Bull records the failure (and retries unless discarded).
 */
export async function runJob<T>(job: Job, work: () => Promise<T>, logger: Logger): Promise<T> {
  try {
    return await RequestContext.run(`job:${job.name}:${String(job.id)}`, work);
  } catch (error) {
    const failure = classifyJobError(error);
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    const where = `job ${job.queue?.name ?? '?'}/${job.name}#${String(job.id)} attempt ${attempt}/${attempts} code ${failure.code}`;
    if (failure.kind === 'permanent') {
      await job.discard();
      logger.error(`${where}: failed permanently, not retried`);
    } else if (attempt >= attempts) {
      logger.error(`${where}: failed (${failure.kind}), no attempts left`);
    } else {
      logger.warn(`${where}: failed (${failure.kind}), retried with backoff`);
    }
    throw error;
  }
}
