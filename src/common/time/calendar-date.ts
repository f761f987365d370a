import { DateTime, IANAZone } from 'luxon';

/**
 * Calendar-date and instant helpers shared by the pure scheduling rules.
 *
 * A calendar date is an ISO string 'YYYY-MM-DD' with no time and no zone: it is the date on the
 * wall calendar of the site or centre it belongs to. All arithmetic on calendar dates is done in
 * UTC on midnight values, where every day has 24 hours, so a daylight-saving change can never
 * shift a date. Time zones only matter when an instant (a point in time) is turned into a date.
 *
 * (The same file exists in `scheduling/calendar/`: both folders stay free of parent-relative
 * imports; move it to a common time module once one exists.)
 */

/** 'YYYY-MM-DD' */
export type IsoDate = string;

/** A point in time: a Date, or an ISO-8601 string that carries its offset ('Z' or '+02:00'). */
export type InstantInput = string | Date;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_WITH_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
/** An instant as the API takes it: date, time to the minute or finer, and an offset. */
const ISO_INSTANT =
  /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The years a date entered or queried may carry (issue 15): 1900 to 2100. Year 0000, 9999-12-31,
 * expanded years (+010000) and ISO week or ordinal forms (2026-W49, 2026-337) are not dates of
 * this trial; they are refused as input, never stored, never sent to the database.
 */
export const DATE_YEARS = { min: 1900, max: 2100 } as const;

/** Parses 'YYYY-MM-DD' strictly (2026-02-30 is refused) into a UTC-midnight DateTime. */
export function parseIsoDate(date: IsoDate): DateTime {
  if (typeof date !== 'string' || !ISO_DATE.test(date)) {
    throw new RangeError(`not a calendar date 'YYYY-MM-DD': ${String(date)}`);
  }
  const parsed = DateTime.fromISO(date, { zone: 'utc' });
  if (!parsed.isValid) {
    throw new RangeError(`invalid calendar date: ${date}`);
  }
  return parsed;
}

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) {
    return false;
  }
  return DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

const inYears = (year: number) => year >= DATE_YEARS.min && year <= DATE_YEARS.max;

/** A calendar date the API accepts: 'YYYY-MM-DD' that exists, year 1900–2100. */
export function isPlausibleDate(value: unknown): value is IsoDate {
  return isIsoDate(value) && inYears(Number(value.slice(0, 4)));
}

/**
 * An instant the API accepts: 'YYYY-MM-DDTHH:MM[:SS[.ffffff]]' with 'Z' or '±HH:MM', a real
 * date and time (no 24:00, no 02-30), year 1900–2100.
 */
export function isPlausibleInstant(value: unknown): value is string {
  if (typeof value !== 'string') {
    return false;
  }
  const match = ISO_INSTANT.exec(value);
  if (!match || !inYears(Number(match[1]))) {
    return false;
  }
  const parsed = DateTime.fromISO(value, { setZone: true });
  return (
    parsed.isValid && parsed.toISO({ includeOffset: false })?.slice(0, 16) === value.slice(0, 16)
  );
}

function format(date: DateTime): IsoDate {
  const text = date.toISODate();
  if (text === null) {
    throw new RangeError('date out of range');
  }
  return text;
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) {
    throw new RangeError(`days must be an integer: ${days}`);
  }
  return format(parseIsoDate(date).plus({ days }));
}

/**
 * `date` plus `months` calendar months. When the day does not exist in the target month it is
 * clamped to that month's last day (2026-01-31 + 1 month = 2026-02-28).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) {
    throw new RangeError(`months must be an integer: ${months}`);
  }
  return format(parseIsoDate(date).plus({ months }));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round(parseIsoDate(to).diff(parseIsoDate(from), 'days').days);
}

/** Negative, zero or positive like a sort comparator. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return daysBetween(b, a);
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) >= 0 ? a : b;
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) <= 0 ? a : b;
}

/** Throws unless `zone` is a valid IANA time-zone name. */
export function assertTimeZone(zone: string): void {
  if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
    throw new RangeError(`not an IANA time zone: ${String(zone)}`);
  }
}

/**
 * Parses an instant. Strings must carry an offset: a bare local time ('2026-03-28T23:30') is
 * refused because it does not name a point in time.
 */
export function toInstant(input: InstantInput): DateTime {
  let parsed: DateTime;
  if (input instanceof Date) {
    parsed = DateTime.fromJSDate(input, { zone: 'utc' });
  } else if (typeof input === 'string') {
    if (!input.includes('T') || !ISO_WITH_OFFSET.test(input)) {
      throw new RangeError(`instant must be an ISO date-time with an offset: ${input}`);
    }
    parsed = DateTime.fromISO(input, { zone: 'utc' });
  } else {
    throw new RangeError('instant must be a Date or an ISO string');
  }
  if (!parsed.isValid) {
    throw new RangeError(`invalid instant: ${String(input)}`);
  }
  return parsed;
}

/** The calendar date of `instant` on the wall calendar of `zone`. */
export function dateInZone(instant: InstantInput, zone: string): IsoDate {
  assertTimeZone(zone);
  return format(toInstant(instant).setZone(zone));
}

/** The instant at which calendar date `date` begins in `zone` (ISO, UTC). */
export function startOfDateInZone(date: IsoDate, zone: string): string {
  assertTimeZone(zone);
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  if (!start.isValid || !isIsoDate(date)) {
    throw new RangeError(`invalid calendar date: ${date}`);
  }
  const text = start.toUTC().toISO();
  if (text === null) {
    throw new RangeError('date out of range');
  }
  return text;
}
