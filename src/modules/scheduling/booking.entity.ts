import type { ArmAPhaseCode, ArmAPlanConfig } from './calendar/arm-a-plan';

/**
 * `booked` and `done` hold a place in their quarter; `waitlisted` waits without one; `cancelled`
 * (place given back, e.g. postponed or referred elsewhere) and `not_done` (the transplant will not
 * happen) are ended.
 */
export const BOOKING_STATUSES = ['booked', 'waitlisted', 'done', 'cancelled', 'not_done'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const ACTIVE_BOOKING_STATUSES: readonly BookingStatus[] = ['booked', 'waitlisted', 'done'];

export const REVIEW_STATUSES = [
  'not_required',
  'pending',
  'accepted',
  'referred',
  'second_line',
  'resolved',
] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The one outcome a waiting-time review records (docs/domain/ram-ms.md §6 step 7, §9 Q17). */
export const REVIEW_OUTCOMES = ['accept_wait', 'refer', 'second_line'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export const NOT_RECEIVED_CODES = ['second_line_started', 'transplant_not_done'] as const;
export type NotReceivedCode = (typeof NOT_RECEIVED_CODES)[number];

export const PHASE_CODES: readonly ArmAPhaseCode[] = [
  'evaluation',
  'mobilisation',
  'harvest',
  'conditioning',
  'reinfusion',
  'isolation',
  'discharge',
  'early_follow_up',
];
/**
 * The plan's phases before day 0: a booking is `done` only when the reinfusion (day 0) is recorded
 * AND each of these is recorded, as done or as not done with a reason.
 */
export const MANDATORY_BEFORE_DAY0: readonly ArmAPhaseCode[] = [
  'evaluation',
  'mobilisation',
  'harvest',
  'conditioning',
];
export const PHASE_OUTCOMES = ['done', 'not_done'] as const;
export type PhaseOutcome = (typeof PHASE_OUTCOMES)[number];

/** A booking as the repository returns it, with the labels the responses need. Dates are 'YYYY-MM-DD'. */
export type BookingRow = {
  id: string;
  trialId: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  centreId: string;
  centreLabel: string;
  centreName: string;
  centreTimeZone: string;
  status: BookingStatus;
  quarter: string | null;
  plannedAdmissionDate: string | null;
  randomisedAt: Date;
  randomisationDate: string;
  earliestAdmissionDate: string;
  waitLimitMonths: number;
  reviewStatus: ReviewStatus;
  flaggedAt: Date | null;
  reviewReason: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  referredFromId: string | null;
  referredToId: string | null;
  planConfig: ArmAPlanConfig;
  transplantDay0: string | null;
  notReceivedCode: NotReceivedCode | null;
  notReceivedReason: string | null;
  /** Received the allocated intervention: the participant's receipt (`allocation_directory`). */
  received: boolean | null;
  endedReason: string | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
};

export type PhaseRecordRow = {
  bookingId: string;
  phase: ArmAPhaseCode;
  outcome: PhaseOutcome;
  actualStart: string | null;
  actualEnd: string | null;
  reason: string | null;
  recordedBy: string | null;
  recordedAt: Date;
  version: number;
};

/** A transplant centre as scheduling needs it. */
export type CentreRow = {
  id: string;
  label: string;
  name: string;
  timeZone: string;
  isCentre: boolean;
};

/** What booking needs to know about an allocated participant. */
export type AllocationRow = {
  participantId: string;
  trialId: string;
  siteId: string;
  siteCountry: string;
  siteCentreId: string | null;
  participantStatus: string;
  arm: string;
  environment: string;
  randomisedAt: Date;
  /** The allocated intervention was discontinued (no transplant place any more). */
  discontinued: boolean;
};

export type QuarterUsage = { quarter: string; capacity: number; used: number };
