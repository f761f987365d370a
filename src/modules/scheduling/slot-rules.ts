import {
  addDays,
  compareDates,
  daysBetween,
  type IsoDate,
  maxDate,
} from 'src/common/time/calendar-date';
import {
  earliestAdmissionInQuarter,
  exceedsWaitLimit,
  firstEligibleQuarter,
  latestAdmissionWithinLimit,
  nextQuarter,
  parseQuarter,
  quarterOfDate,
  quarterStart,
  type QuarterId,
  type QuarterSlot,
  waitBetween,
  type Wait,
} from './calendar/quarters';
import type { QuarterUsage } from './booking.entity';

/**
 * Pure booking rules on top of the calendar helpers: which quarter a booking gets, whether the
 * waiting-time rule is triggered, and the words used to describe a wait.
 */

/** One quarter a booking could take: its first allowed admission and the wait that would mean. */
export type SlotOption = { quarter: QuarterId; admission: IsoDate; exceedsLimit: boolean };

/**
 * Every quarter of the horizon a booking could take, in order, with the date arithmetic done: the
 * booking itself then only has to pick the first one with a free place (done under the centre
 * lock, so it must be cheap). Equivalent to `chooseSlot` and `exceedsWaitLimit` over the same
 * usage: the first quarter admits from `earliest`, each later one from its first day, and ISO
 * dates compare as strings, so only a handful of calendar computations run per booking.
 */
export function slotOptions(
  randomisationDate: IsoDate,
  earliest: IsoDate,
  horizonQuarters: number,
  limitMonths: number,
): SlotOption[] {
  const limit = latestAdmissionWithinLimit(randomisationDate, limitMonths);
  const options: SlotOption[] = [];
  let quarter = quarterOfDate(earliest);
  for (let i = 0; i < horizonQuarters; i++, quarter = nextQuarter(quarter)) {
    const admission = i === 0 ? earliest : quarterStart(quarter);
    options.push({ quarter, admission, exceedsLimit: admission > limit });
  }
  return options;
}

/** Days from randomisation to the chosen admission (for the audit trail). */
export function waitDays(randomisationDate: IsoDate, admission: IsoDate): number {
  return daysBetween(randomisationDate, admission);
}

/** The first option whose quarter has a free place; null = waitlisted. */
export function firstFree(
  options: readonly SlotOption[],
  usage: ReadonlyMap<QuarterId, QuarterUsage>,
): SlotOption | null {
  return (
    options.find((o) => {
      const u = usage.get(o.quarter);
      return u !== undefined && u.used < u.capacity;
    }) ?? null
  );
}

/** The first quarter with a free place that allows an admission on or after `earliest`. */
export function chooseSlot(
  earliest: IsoDate,
  usage: readonly QuarterUsage[],
  horizonQuarters: number,
): QuarterSlot | null {
  const byQuarter = new Map(usage.map((u) => [u.quarter, u]));
  return firstEligibleQuarter(
    earliest,
    (q) => {
      const u = byQuarter.get(q);
      return u !== undefined && u.used < u.capacity;
    },
    horizonQuarters,
  );
}

export type WaitAssessment = { wait: Wait | null; exceedsLimit: boolean };

/** The wait from randomisation to admission; no admission (waitlisted) always exceeds the limit. */
export function assessWait(
  randomisationDate: IsoDate,
  admission: IsoDate | null,
  limitMonths: number,
): WaitAssessment {
  if (admission === null) {
    return { wait: null, exceedsLimit: true };
  }
  const safeAdmission = maxDate(admission, randomisationDate);
  return {
    wait: waitBetween(randomisationDate, safeAdmission),
    exceedsLimit: exceedsWaitLimit(randomisationDate, safeAdmission, limitMonths),
  };
}

/** The admission date a booking moved into `quarter` gets: the first day allowed in it, never before today. */
export function moveUpAdmission(
  quarter: QuarterId,
  earliest: IsoDate,
  today: IsoDate,
): IsoDate | null {
  return earliestAdmissionInQuarter(quarter, maxDate(earliest, today));
}

/** '2027-Q3' → 'Q3 2027' */
export function quarterLabel(quarter: QuarterId): string {
  const { year, quarter: q } = parseQuarter(quarter);
  return `Q${q} ${year}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** '5 months 21 days' */
export function describeWait(wait: Wait): string {
  if (wait.wholeMonths === 0) {
    return plural(wait.days, 'day');
  }
  return wait.extraDays === 0
    ? plural(wait.wholeMonths, 'month')
    : `${plural(wait.wholeMonths, 'month')} ${plural(wait.extraDays, 'day')}`;
}

/** True when quarter `a` comes before quarter `b`. */
export function quarterBefore(a: QuarterId, b: QuarterId): boolean {
  return a < b;
}

/** The day after `date` (iCal all-day events end exclusively). */
export function dayAfter(date: IsoDate): IsoDate {
  return addDays(date, 1);
}

/** True when `date` is after `today`. */
export function isFuture(date: IsoDate, today: IsoDate): boolean {
  return compareDates(date, today) > 0;
}
