import type { SweepFindingKind } from './calendar/sweep-rules';

/** Jobs of the follow-up module. Generate / re-anchor / sweep run on QueueName.FollowUp; notices on QueueName.Notifications. */
export const FollowUpJob = {
  /** Enqueued (outbox) by randomisation: payload { participantId }, dedupe key `follow-up.generate-schedule:<id>`. */
  GenerateSchedule: 'follow-up.generate-schedule',
  /**
   * Enqueued by the transplant-slot module when day 0 is recorded, moves or is cleared:
   * { participantId } (the day 0 is read from that module), optionally { transplantDay0 }.
   */
  Reanchor: 'follow-up.reanchor',
  /** The repeatable sweep (one instance per tick, fixed repeat job id). */
  Sweep: 'follow-up.sweep',
  /** One per sweep finding; the Bull job id is `findingJobId(...)`. */
  NotifyFinding: 'follow-up.notify-finding',
} as const;

export type GenerateScheduleJobData = { participantId: string };
export type ReanchorJobData = { participantId: string; transplantDay0?: string | null };
export type NotifyFindingJobData = { visitId: string; kind: SweepFindingKind; findingId: string };

/** The fixed job id of the repeatable sweep: its repeat key is the same from every worker. */
export const SWEEP_REPEAT_JOB_ID = 'follow-up.sweep';

export const generateScheduleKey = (participantId: string): string =>
  `${FollowUpJob.GenerateSchedule}:${participantId}`;
