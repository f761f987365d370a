import { DateTime } from 'luxon';
import type { IsoDate } from './screening-data';

/**
 * Calendar-date helpers for the criteria engine. Pure: no clock is read here.
 *
 * Dates are `YYYY-MM-DD` strings. Accepted years are 1000..8999, so every date (and every date a
 * few years either side of it) stays a 4-digit-year ISO string and plain string comparison orders
 * them correctly. Month arithmetic is luxon's calendar arithmetic in UTC: adding months keeps the
 * day of month and clamps to the month's last day (2024-08-31 + 3 months = 2024-11-30;
 * 2024-02-29 - 12 months = 2023-02-28).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_YEAR = 1000;
const MAX_YEAR = 8999;

function toDateTime(date: IsoDate): DateTime {
  return DateTime.fromISO(date, { zone: 'utc' });
}

function toIso(dt: DateTime): IsoDate {
  const iso = dt.toISODate();
  if (iso === null) {
    // Unreachable for dates produced by parseIsoDate and small offsets; kept as a guard.
    throw new RangeError('invalid date arithmetic');
  }
  return iso;
}

/** A valid `YYYY-MM-DD` calendar date (years 1000..8999), or null for anything else. */
export function parseIsoDate(value: unknown): IsoDate | null {
  if (typeof value !== 'string') {
    return null;
  }
  const match = ISO_DATE.exec(value);
  if (match === null) {
    return null;
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) {
    return null;
  }
  return day <= daysInMonth(year, month) ? value : null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return isLeapYear(year) ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function plusMonths(date: IsoDate, months: number): IsoDate {
  return toIso(toDateTime(date).plus({ months }));
}

export function minusMonths(date: IsoDate, months: number): IsoDate {
  return toIso(toDateTime(date).minus({ months }));
}

export function plusYears(date: IsoDate, years: number): IsoDate {
  return toIso(toDateTime(date).plus({ years }));
}

/** The earlier of two valid dates (valid ISO dates order as plain strings). */
export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * How a 29 February birthday falls in a common year: on 28 February (the same clamping luxon
 * uses for `+ n years`) or on 1 March.
 */
export type LeapDayBirthday = 'feb28' | 'mar1';

/**
 * Whole years completed between `birthDate` and `atDate` (the age on `atDate`): the age goes up
 * on the birthday itself. Negative if `atDate` is before `birthDate`.
 */
export function wholeYearsBetween(
  birthDate: IsoDate,
  atDate: IsoDate,
  leapDayBirthday: LeapDayBirthday,
): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ay, am, ad] = atDate.split('-').map(Number);
  let anniversaryMonth = bm;
  let anniversaryDay = bd;
  if (bm === 2 && bd === 29 && !isLeapYear(ay)) {
    if (leapDayBirthday === 'feb28') {
      anniversaryDay = 28;
    } else {
      anniversaryMonth = 3;
      anniversaryDay = 1;
    }
  }
  const beforeAnniversary =
    am < anniversaryMonth || (am === anniversaryMonth && ad < anniversaryDay);
  return ay - by - (beforeAnniversary ? 1 : 0);
}
