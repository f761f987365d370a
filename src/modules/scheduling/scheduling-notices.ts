// What bookings say to people: the texts of the booking notices and of the readiness warning
// (pure), and the notice jobs a booking change writes into its unit of work.
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import type { QuarterSlot } from './calendar/quarters';
import type { BookingRow } from './booking.entity';
import type { SchedulingSettings } from './scheduling-settings';
import { SchedulingNoticeJob, type SchedulingNoticeKind } from './scheduling.jobs';
import { assessWait, describeWait, quarterLabel, type WaitAssessment } from './slot-rules';
import { BOOKING_ENTITY } from './treatment-plan.service';

const monthsText = (months: number) => `${months} month${months === 1 ? '' : 's'}`;

/** Writes the notice job for a booking change (delivered after commit by the `scheduling.notify` job). */
export function enqueueNotice(
  uow: UnitOfWork,
  bookingId: string,
  kind: SchedulingNoticeKind,
  ref: string,
): void {
  uow.enqueue(SchedulingNoticeJob, { bookingId, kind, ref });
}

/** Flags a booking for the waiting-time review: its audit row and the review notice. */
export function flagForReview(
  uow: UnitOfWork,
  bookingId: string,
  version: number,
  where: Record<string, unknown>,
): void {
  uow.audit({
    action: 'scheduling.wait_flagged',
    entity: BOOKING_ENTITY,
    entityId: bookingId,
    after: { reviewStatus: 'pending', ...where },
  });
  enqueueNotice(uow, bookingId, 'wait_review', `v${version}`);
}

/** The subject and body of a booking notice. */
export function noticeText(
  b: BookingRow,
  kind: SchedulingNoticeKind,
): { subject: string; body: string } {
  const who = b.studyId ?? 'A participant';
  if (kind === 'moved_up') {
    const when = b.quarter
      ? `${b.plannedAdmissionDate} (${quarterLabel(b.quarter)})`
      : 'not yet planned';
    return {
      subject: `${who}: transplant admission moved up`,
      body: `A place became free at ${b.centreName}. The planned aHSCT admission of ${who} is now ${when}.`,
    };
  }
  const limit = monthsText(b.waitLimitMonths);
  const { wait } = assessWait(b.randomisationDate, b.plannedAdmissionDate, b.waitLimitMonths);
  const where =
    b.plannedAdmissionDate && b.quarter && wait
      ? `The earliest aHSCT admission for ${who} at ${b.centreName} is ${b.plannedAdmissionDate} (${quarterLabel(b.quarter)}), ${describeWait(wait)} after randomisation on ${b.randomisationDate}`
      : `No aHSCT place at ${b.centreName} is free within the booking horizon; ${who} is on the waitlist since randomisation on ${b.randomisationDate}`;
  return {
    subject: `${who}: transplant wait beyond ${limit}, review needed`,
    body: `${where}, beyond the waiting-time limit of ${limit}. Record the review: accept the wait, refer to another transplant centre, or start a second-line drug instead.`,
  };
}

/** The readiness warning when no transplant centre serves the site. */
export const NO_CENTRE_WARNING =
  'No transplant centre serves this site: if allocated to aHSCT, no transplant slot could be booked.';

/** The readiness warning for a projected slot beyond the waiting-time limit. */
export function readinessWarningText(
  centreName: string,
  settings: SchedulingSettings,
  slot: QuarterSlot | null,
  assessment: WaitAssessment,
): string {
  const limit = monthsText(settings.waitLimitMonths);
  if (!slot || !assessment.wait) {
    return `If allocated to aHSCT, no transplant slot at ${centreName} is free within the next ${settings.horizonQuarters} quarters: the participant would be waitlisted, beyond the waiting-time limit of ${limit}.`;
  }
  return `If allocated to aHSCT, the earliest slot at ${centreName} is in ${quarterLabel(slot.quarter)} (admission from ${slot.earliestAdmission}, ${describeWait(assessment.wait)} after randomisation today), beyond the waiting-time limit of ${limit}.`;
}
