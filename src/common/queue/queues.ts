import type { JobOptions } from 'bull';

/** Every Bull queue of the system. Job names are '<module>.<verb-noun>'. */
export const QueueName = {
  Notifications: 'notifications',
  FollowUp: 'follow-up',
  Scheduling: 'scheduling',
  Exports: 'exports',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

/** Default options of every job: retried with backoff, failures kept for review. */
export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: 1000,
  removeOnFail: false,
};

/** Job payloads carry ids, codes and ISO strings only, never entities and never personal data. */
export type JobPayload = Record<string, string | number | boolean | null>;
