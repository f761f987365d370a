import { QueueName } from 'src/common/queue/queues';
import { defineJob } from 'src/kernel/jobs/job-contract';
import type { SweepFindingKind } from './calendar/sweep-rules';

/**
 * Job contracts of the follow-up module (handled by FollowUpProcessor and FollowUpNotifyProcessor;
 * registered in src/job-contracts.ts). Generate / re-anchor / sweep run on QueueName.FollowUp;
 * the finding notices on QueueName.Notifications.
 */

export type GenerateScheduleJobData = { participantId: string };
export type ReanchorJobData = { participantId: string; transplantDay0?: string | null };
export type NotifyFindingJobData = { visitId: string; kind: SweepFindingKind; findingId: string };

const GENERATE_SCHEDULE = 'follow-up.generate-schedule';
/** Written (outbox) when a participant is randomised; one per participant. */
export const GenerateScheduleJob = defineJob<GenerateScheduleJobData>({
  queue: QueueName.FollowUp,
  name: GENERATE_SCHEDULE,
  key: ({ participantId }) => `${GENERATE_SCHEDULE}:${participantId}`,
});

const REANCHOR = 'follow-up.reanchor';
/**
 * Written when transplant day 0 is recorded, moves or is cleared: { participantId } (the day 0 is
 * read from the transplant-slot module), optionally { transplantDay0 }. The key carries day 0 and
 * the booking version, so a change back to an earlier date is a new job too.
 */
export const ReanchorJob = defineJob<ReanchorJobData, { day0: string | null; version: number }>({
  queue: QueueName.FollowUp,
  name: REANCHOR,
  key: ({ participantId }, { day0, version }) =>
    `${REANCHOR}:${participantId}:${day0 ?? 'cleared'}:v${version}`,
});

/**
 * What a sweep job returns (Bull keeps it as the job's return value; the metrics read it): the
 * new findings per kind, the notices enqueued and the visits marked missed. Counts only.
 */
export type SweepJobResult = {
  counts: Record<SweepFindingKind | 'enqueued' | 'markedMissed', number>;
};

const SWEEP = 'follow-up.sweep';
/** The repeatable sweep: a fixed job id, so its repeat key is the same from every worker. */
export const SweepJob = defineJob<Record<string, never>>({
  queue: QueueName.FollowUp,
  name: SWEEP,
  key: () => SWEEP,
});

/** One per sweep finding; the key (and Bull job id) is the finding's id, `findingJobId(...)`. */
export const NotifyFindingJob = defineJob<NotifyFindingJobData>({
  queue: QueueName.Notifications,
  name: 'follow-up.notify-finding',
  key: ({ findingId }) => findingId,
});
