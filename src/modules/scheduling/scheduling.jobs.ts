/** Jobs of the scheduling queue (QueueName.Scheduling) and the follow-up job this module emits. */
export const SchedulingJob = {
  /** Enqueued by randomisation for an arm-A allocation; dedupe key `scheduling.book-slot:<participantId>`. */
  BookSlot: 'scheduling.book-slot',
  /** In-app messages about a booking to the staff of the participant's site (and centre). */
  Notify: 'scheduling.notify',
} as const;

export type BookSlotJobData = { participantId: string };

export const SCHEDULING_NOTICE_KINDS = ['wait_review', 'moved_up'] as const;
export type SchedulingNoticeKind = (typeof SCHEDULING_NOTICE_KINDS)[number];

/** `ref` makes the notice unique per event (e.g. the quarter moved into and the booking version). */
export type NotifyJobData = { bookingId: string; kind: SchedulingNoticeKind; ref: string };

/** Written for the follow-up module when transplant day 0 is recorded or changes. */
export const FollowUpReanchorJob = 'follow-up.reanchor';
export type FollowUpReanchorJobData = { participantId: string };
