import type { DateColumn, SweepFindingKind } from './calendar/sweep-rules';

/**
 * Which of a visit's dates each finding is about: the date `findingJobId` puts in the job id. The
 * sweep records it with the finding and skips visits already found for the same date, so an
 * hourly sweep does not re-select every overdue visit; a moved visit (new date) is found again.
 * finding-dates.spec.ts checks this table against findingJobId.
 */
export const FINDING_ABOUT: Readonly<Record<SweepFindingKind, DateColumn>> = {
  window_opens_14d: 'windowStart',
  window_opens_3d: 'windowStart',
  window_closes_3d: 'windowEnd',
  overdue: 'targetDate',
  missed: 'windowEnd',
};
