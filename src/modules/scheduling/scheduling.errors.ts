import { DomainError, fieldError } from 'src/common/errors/domain-error';

export type BookingInQuarter = {
  bookingId: string;
  studyId: string | null;
  status: string;
  plannedAdmissionDate: string;
};

export const SchedulingErrors = {
  bookingNotFound: () =>
    new DomainError('BOOKING_NOT_FOUND', 'not_found', 'Transplant booking not found'),
  participantNotFound: () =>
    new DomainError('PARTICIPANT_NOT_FOUND', 'not_found', 'Participant not found'),
  centreNotFound: () =>
    new DomainError('CENTRE_NOT_FOUND', 'not_found', 'Transplant centre not found'),
  siteNotFound: () => new DomainError('SITE_NOT_FOUND', 'not_found', 'Site not found'),
  calendarFeedNotFound: () =>
    new DomainError('CALENDAR_FEED_NOT_FOUND', 'not_found', 'Calendar subscription not found'),
  notAllocated: () =>
    new DomainError(
      'PARTICIPANT_NOT_ALLOCATED',
      'invalid_state',
      'The participant has no allocation yet',
    ),
  notArmA: () =>
    new DomainError(
      'PARTICIPANT_NOT_ARM_A',
      'invalid_state',
      'Only participants allocated to arm A (aHSCT) get a transplant slot',
    ),
  notBookable: (status: string) =>
    new DomainError(
      'PARTICIPANT_NOT_BOOKABLE',
      'invalid_state',
      `A participant with status "${status}" cannot be booked`,
    ),
  discontinued: () =>
    new DomainError(
      'INTERVENTION_DISCONTINUED',
      'invalid_state',
      'The allocated intervention was discontinued: undo the discontinuation before booking again',
    ),
  transplanted: () =>
    new DomainError(
      'BOOKING_NOT_ACTIVE',
      'invalid_state',
      'Transplant day 0 is recorded on this booking; it no longer moves or cancels',
    ),
  noCentre: () =>
    new DomainError(
      'NO_TRANSPLANT_CENTRE',
      'invalid_state',
      "No transplant centre serves the participant's site",
    ),
  notACentre: (field: string) =>
    new DomainError(
      'SITE_NOT_TRANSPLANT_CENTRE',
      'bad_request',
      `${field} is not a transplant centre`,
    ),
  sameCentre: () =>
    new DomainError(
      'REFERRAL_SAME_CENTRE',
      'bad_request',
      'centreId must be another transplant centre than the current one',
    ),
  notActive: (status: string) =>
    new DomainError(
      'BOOKING_NOT_ACTIVE',
      'invalid_state',
      `The booking is ${status}; only a booked or waitlisted booking can change`,
    ),
  notInPlan: (status: string) =>
    new DomainError(
      'BOOKING_HAS_NO_PLAN',
      'invalid_state',
      `The booking is ${status}; phases are recorded on a booked or done booking`,
    ),
  reviewNotPending: (status: string) =>
    new DomainError(
      'REVIEW_NOT_PENDING',
      'invalid_state',
      `No review is pending for this booking (review status: ${status})`,
    ),
  centreOnly: () =>
    new DomainError(
      'CENTRE_STAFF_ONLY',
      'forbidden',
      'Only staff of the transplant centre set or move the planned admission date',
    ),
  quarterFull: (quarter: string) =>
    new DomainError(
      'QUARTER_FULL',
      'conflict',
      `${quarter} has no free transplant place at this centre`,
    ),
  capacityBelowBookings: (quarter: string, capacity: number, bookings: BookingInQuarter[]) =>
    new DomainError(
      'CAPACITY_BELOW_BOOKINGS',
      'conflict',
      `Cannot set ${quarter} to ${capacity}: ${bookings.length} booking(s) hold places (${bookings
        .map((b) => `${b.studyId ?? b.bookingId} ${b.status} ${b.plannedAdmissionDate}`)
        .join(', ')}). Move or cancel bookings first.`,
      bookings.map((b) =>
        fieldError(
          'capacity',
          'CAPACITY_BELOW_BOOKINGS',
          `${b.studyId ?? b.bookingId} holds a place in ${quarter}`,
          {
            quarter,
            capacity,
            ...b,
          },
        ),
      ),
    ),
  capacityRace: () =>
    new DomainError(
      'TRANSPLANT_CAPACITY_EXCEEDED',
      'conflict',
      'The quarter filled up at the same moment; try again',
    ),
  badInput: (message: string) => new DomainError('VALIDATION_FAILED', 'bad_request', message),
  badConfig: (problems: string[]) =>
    new DomainError(
      'SCHEDULING_CONFIG_INVALID',
      'invalid_state',
      `The trial's scheduling settings are invalid: ${problems.join('; ')}`,
    ),
};
