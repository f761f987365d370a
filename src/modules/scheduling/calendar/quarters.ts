import {
  addDays,
  addMonths,
  assertTimeZone,
  compareDates,
  dateInZone,
  daysBetween,
  type InstantInput,
  type IsoDate,
  maxDate,
  parseIsoDate,
  startOfDateInZone,
} from 'src/common/time/calendar-date';

/**
 * Calendar quarters of a transplant centre, in the centre's own time zone, and the waiting-time
 * arithmetic of issue 6 (docs/domain/ram-ms.md §4 capacity, §6 step 7, §9 Q17).
 */

/** '2027-Q3' */
export type QuarterId = string;

export type Quarter = { year: number; quarter: 1 | 2 | 3 | 4 };

/** Default pre-transplant lead time: evaluation, mobilisation, harvest and the weeks after harvest. */
export const DEFAULT_LEAD_TIME_DAYS = 56;

/** Default waiting-time limit between randomisation and admission (docs/domain/ram-ms.md §9 Q17). */
export const DEFAULT_WAIT_LIMIT_MONTHS = 3;

const QUARTER_ID = /^(\d{4})-Q([1-4])$/;

export function parseQuarter(id: QuarterId): Quarter {
  const match = QUARTER_ID.exec(id);
  if (match === null) {
    throw new RangeError(`not a quarter 'YYYY-Qn': ${String(id)}`);
  }
  return { year: Number(match[1]), quarter: Number(match[2]) as Quarter['quarter'] };
}

export function formatQuarter(q: Quarter): QuarterId {
  return `${String(q.year).padStart(4, '0')}-Q${q.quarter}`;
}

/** The quarter a calendar date falls in. */
export function quarterOfDate(date: IsoDate): QuarterId {
  const d = parseIsoDate(date);
  return formatQuarter({ year: d.year, quarter: Math.ceil(d.month / 3) as Quarter['quarter'] });
}

/** The quarter of an instant on the wall calendar of `zone` (2026-12-31T23:30Z in Europe/Oslo is 2027-Q1). */
export function quarterOfInstant(instant: InstantInput, zone: string): QuarterId {
  return quarterOfDate(dateInZone(instant, zone));
}

/** First calendar day of the quarter. */
export function quarterStart(id: QuarterId): IsoDate {
  const { year, quarter } = parseQuarter(id);
  const month = (quarter - 1) * 3 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
}

/** Last calendar day of the quarter (inclusive). */
export function quarterEnd(id: QuarterId): IsoDate {
  return addDays(quarterStart(nextQuarter(id)), -1);
}

/**
 * The quarter as a half-open range of instants [start, endExclusive) in `zone`, e.g. for a
 * `timestamptz` query. Calendar-date columns should use `quarterStart`/`quarterEnd` instead.
 */
export function quarterInstantRange(
  id: QuarterId,
  zone: string,
): { start: string; endExclusive: string } {
  assertTimeZone(zone);
  return {
    start: startOfDateInZone(quarterStart(id), zone),
    endExclusive: startOfDateInZone(quarterStart(nextQuarter(id)), zone),
  };
}

/** The quarter `n` quarters after `id` (`n` may be negative). */
export function nextQuarter(id: QuarterId, n = 1): QuarterId {
  if (!Number.isInteger(n)) {
    throw new RangeError(`n must be an integer: ${n}`);
  }
  const { year, quarter } = parseQuarter(id);
  const index = year * 4 + (quarter - 1) + n;
  return formatQuarter({
    year: Math.floor(index / 4),
    quarter: ((((index % 4) + 4) % 4) + 1) as Quarter['quarter'],
  });
}

/** `id`, then each following quarter, without end (take what you need). */
export function* quartersFrom(id: QuarterId): Generator<QuarterId, never, undefined> {
  let current = id;
  parseQuarter(current);
  for (;;) {
    yield current;
    current = nextQuarter(current);
  }
}

/** `count` consecutive quarters starting with `id`. */
export function quarterRange(id: QuarterId, count: number): QuarterId[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer: ${count}`);
  }
  const out: QuarterId[] = [];
  for (let i = 0; i < count; i += 1) {
    out.push(nextQuarter(id, i));
  }
  return out;
}

/**
 * The earliest admission date for an arm-A participant: the randomisation date in the centre's
 * zone plus the pre-transplant lead time (default 56 days = 8 weeks).
 */
export function earliestAdmissionDate(
  randomisedAt: InstantInput,
  leadTimeDays: number = DEFAULT_LEAD_TIME_DAYS,
  zone: string,
): IsoDate {
  if (!Number.isInteger(leadTimeDays) || leadTimeDays < 0) {
    throw new RangeError(`leadTimeDays must be a non-negative integer: ${leadTimeDays}`);
  }
  return addDays(dateInZone(randomisedAt, zone), leadTimeDays);
}

/**
 * The earliest admission date the quarter allows for someone who cannot be admitted before
 * `earliestDate`: max(quarter start, earliestDate), or null when the quarter ends before it.
 */
export function earliestAdmissionInQuarter(id: QuarterId, earliestDate: IsoDate): IsoDate | null {
  if (compareDates(quarterEnd(id), earliestDate) < 0) {
    return null;
  }
  return maxDate(quarterStart(id), earliestDate);
}

export type QuarterSlot = { quarter: QuarterId; earliestAdmission: IsoDate };

/**
 * The first quarter, from the one containing `earliestDate` on, that `hasCapacity` accepts, with
 * the earliest admission it allows. Without a predicate every quarter has capacity, so the answer
 * is the quarter containing `earliestDate`. Returns null if none of `maxQuarters` quarters fits.
 */
export function firstEligibleQuarter(
  earliestDate: IsoDate,
  hasCapacity: (quarter: QuarterId) => boolean = () => true,
  maxQuarters = 40,
): QuarterSlot | null {
  let quarter = quarterOfDate(earliestDate);
  for (let i = 0; i < maxQuarters; i += 1) {
    if (hasCapacity(quarter)) {
      const earliestAdmission = earliestAdmissionInQuarter(quarter, earliestDate);
      if (earliestAdmission !== null) {
        return { quarter, earliestAdmission };
      }
    }
    quarter = nextQuarter(quarter);
  }
  return null;
}

export type Wait = {
  /** Calendar days from randomisation date to admission date. */
  days: number;
  /** Whole calendar months completed (month ends clamp, as in `addMonths`). */
  wholeMonths: number;
  /** Days after the last whole month: from + wholeMonths months + extraDays = to. */
  extraDays: number;
};

/** The wait between two calendar dates; `to` must not be before `from`. */
export function waitBetween(from: IsoDate, to: IsoDate): Wait {
  const days = daysBetween(from, to);
  if (days < 0) {
    throw new RangeError(`admission ${to} is before randomisation ${from}`);
  }
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  while (months > 0 && compareDates(addMonths(from, months), to) > 0) {
    months -= 1;
  }
  while (compareDates(addMonths(from, months + 1), to) <= 0) {
    months += 1;
  }
  return { days, wholeMonths: months, extraDays: daysBetween(addMonths(from, months), to) };
}

/**
 * True when the admission is later than randomisation date + `limitMonths` calendar months.
 * Exactly the limit (2026-01-15 → 2026-04-15 with 3 months) does not exceed it; one day more does.
 */
export function exceedsWaitLimit(
  randomisationDate: IsoDate,
  admissionDate: IsoDate,
  limitMonths: number = DEFAULT_WAIT_LIMIT_MONTHS,
): boolean {
  if (!Number.isInteger(limitMonths) || limitMonths < 0) {
    throw new RangeError(`limitMonths must be a non-negative integer: ${limitMonths}`);
  }
  return compareDates(admissionDate, addMonths(randomisationDate, limitMonths)) > 0;
}

/** The last admission date that stays within the waiting-time limit. */
export function latestAdmissionWithinLimit(
  randomisationDate: IsoDate,
  limitMonths: number = DEFAULT_WAIT_LIMIT_MONTHS,
): IsoDate {
  return addMonths(randomisationDate, limitMonths);
}
