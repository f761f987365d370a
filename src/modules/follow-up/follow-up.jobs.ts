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
 * the booking version, so a change back to an earlier date is a new job too. Every such job has
 * one effect, "the visits follow the current day 0" (read when it runs), which the outbox
 * reconciliation checks on the schedule (FollowUpService.reanchorSettled).
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
/**
 * The repeatable sweep: a fixed job id, so its repeat key is the same from every worker. It has no
 * effect check (./follow-up.processor.ts) because it is never written to the outbox: the worker
 * registers its repeat (FollowUpSweepScheduler), and after Redis lost it the outbox
 * reconciliation's pass registers it again. A tick lost with Redis leaves nothing to repair: the
 * next tick finds the same due visits (findings are keyed by visit, kind and dates) and marks the
 * same missed ones.
 */
export const SweepJob = defineJob<Record<string, never>>({
  queue: QueueName.FollowUp,
  name: SWEEP,
  key: () => SWEEP,
});

/**
 * One per sweep finding; the key (and Bull job id) is the finding's id, `findingJobId(...)`, also
 * the inbox dedupe key of the notice (the effect the outbox reconciliation checks for).
 */
export const NotifyFindingJob = defineJob<NotifyFindingJobData>({
  queue: QueueName.Notifications,
  name: 'follow-up.notify-finding',
  key: ({ findingId }) => findingId,
});
