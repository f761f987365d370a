import { QueueName } from 'src/common/queue/queues';
import { defineJob } from 'src/kernel/jobs/job-contract';

/** Job contracts of the scheduling module (handled by SchedulingProcessor; registered in src/job-contracts.ts). */

export type BookSlotJobData = { participantId: string };

export const SCHEDULING_NOTICE_KINDS = ['wait_review', 'moved_up'] as const;
export type SchedulingNoticeKind = (typeof SCHEDULING_NOTICE_KINDS)[number];

/** `ref` makes the notice unique per event (e.g. the quarter moved into and the booking version). */
export type NotifyJobData = { bookingId: string; kind: SchedulingNoticeKind; ref: string };

const BOOK_SLOT = 'scheduling.book-slot';
/** Written for an arm-A allocation, in the allocation's transaction; one per participant. */
export const BookSlotJob = defineJob<BookSlotJobData>({
  queue: QueueName.Scheduling,
  name: BOOK_SLOT,
  key: ({ participantId }) => `${BOOK_SLOT}:${participantId}`,
});

export type FillCentreJobData = { centreId: string };

const FILL_CENTRE = 'scheduling.fill-centre';
/**
 * A centre's default capacity changed: its free places go to the longest-waiting participants
 * (written in the change's transaction; the new default and `at` make each change its own job).
 */
export const FillCentreJob = defineJob<FillCentreJobData, { at: string; capacity: number }>({
  queue: QueueName.Scheduling,
  name: FILL_CENTRE,
  key: ({ centreId }, { at, capacity }) => `${FILL_CENTRE}:${centreId}:${capacity}:${at}`,
});

const NOTIFY = 'scheduling.notify';
/** In-app messages about a booking to the staff of the participant's site (and centre). */
export const SchedulingNoticeJob = defineJob<NotifyJobData>({
  queue: QueueName.Scheduling,
  name: NOTIFY,
  key: ({ bookingId, kind, ref }) => `${NOTIFY}:${kind}:${bookingId}:${ref}`,
});
