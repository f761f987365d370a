import {
  addDays,
  addMonths,
  compareDates,
  dateInZone,
  daysBetween,
  isIsoDate,
  parseIsoDate,
  startOfDateInZone,
  toInstant,
} from './calendar-date';

describe('calendar-date', () => {
  it('adds calendar days across DST changes, month ends and leap days', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
  });

  it('adds months, clamping to the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('days between and comparison', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-03-30', '2026-03-28')).toBe(-2);
    expect(compareDates('2026-01-02', '2026-01-01')).toBeGreaterThan(0);
  });

  it('parses strictly', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-28')).toBe(false);
    expect(() => parseIsoDate('2026-02-29')).toThrow(RangeError);
    expect(() => toInstant('2026-03-28T10:00:00')).toThrow(RangeError);
    expect(() => toInstant(new Date(Number.NaN))).toThrow(RangeError);
    expect(toInstant('2026-03-28T10:00:00+02:00').toUTC().toISO()).toBe('2026-03-28T08:00:00.000Z');
  });

  it('date of an instant in a zone, and start of a date in a zone', () => {
    expect(dateInZone('2026-03-28T23:30:00Z', 'Europe/Amsterdam')).toBe('2026-03-29');
    expect(startOfDateInZone('2026-03-29', 'Europe/Amsterdam')).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDateInZone('2026-03-30', 'Europe/Amsterdam')).toBe('2026-03-29T22:00:00.000Z');
    expect(() => dateInZone('2026-03-28T23:30:00Z', 'Mars/Olympus')).toThrow(RangeError);
  });
});
