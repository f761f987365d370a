import type { JobPayload, QueueName } from 'src/common/queue/queues';

/**
 * A job contract: the queue and name of a job, its payload type and its dedupe key (the outbox
 * dedupe key and Bull jobId: the same job asked twice runs once). Declared by the module whose
 * processor handles it, in its `<module>.jobs.ts` (public surface); producers enqueue through it
 * (`uow.enqueue(Contract, payload)`), the processor method declares it (`@JobHandler(Contract)`),
 * and the worker refuses to start while a registered contract has no handler (src/job-contracts.ts).
 *
 * `R` is what the key needs beyond the payload, if anything (e.g. the booking version of a
 * re-anchor job); it is not sent with the job.
 */
export type JobContract<P extends JobPayload = JobPayload, R = void> = {
  readonly queue: QueueName;
  readonly name: string;
  readonly key: (payload: P, ref: R) => string;
  /** Phantom: the payload type. */
  readonly payload?: P;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobContract = JobContract<any, any>;

/** The payload type of a contract (`JobDataOf<typeof BookSlotJob>`). */
export type JobDataOf<C> = C extends JobContract<infer P, infer _R> ? P : never;

export const defineJob = <P extends JobPayload, R = void>(contract: {
  queue: QueueName;
  name: string;
  key: (payload: P, ref: R) => string;
}): JobContract<P, R> => contract;

export const isJobContract = (value: unknown): value is AnyJobContract =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AnyJobContract).queue === 'string' &&
  typeof (value as AnyJobContract).name === 'string' &&
  typeof (value as AnyJobContract).key === 'function';
