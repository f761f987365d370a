import { minusMonths, parseIsoDate, plusMonths, plusYears, wholeYearsBetween } from './dates';

describe('dates', () => {
  describe('parseIsoDate', () => {
    it.each([
      ['2026-03-01', '2026-03-01'],
      ['2024-02-29', '2024-02-29'],
      ['2023-02-29', null],
      ['2026-13-01', null],
      ['2026-3-1', null],
      ['2026-03-01T00:00:00Z', null],
      [' 2026-03-01', null],
      ['0999-12-31', null],
      ['9000-01-01', null],
      ['', null],
    ])('%j -> %j', (input, expected) => {
      expect(parseIsoDate(input)).toBe(expected);
    });

    it.each([[undefined], [null], [20260301], [{}], [[]], [true]])(
      'non-string %j -> null',
      (input) => {
        expect(parseIsoDate(input)).toBeNull();
      },
    );
  });

  describe('calendar months (luxon, clamped to month end)', () => {
    it.each([
      ['2025-03-01', 3, '2025-06-01'],
      ['2024-08-31', 3, '2024-11-30'],
      ['2023-11-30', 3, '2024-02-29'],
      ['2025-09-01', 6, '2026-03-01'],
    ])('%s + %d months = %s', (date, months, expected) => {
      expect(plusMonths(date, months)).toBe(expected);
    });

    it.each([
      ['2026-03-01', 12, '2025-03-01'],
      ['2024-02-29', 12, '2023-02-28'],
      ['2025-03-31', 1, '2025-02-28'],
    ])('%s - %d months = %s', (date, months, expected) => {
      expect(minusMonths(date, months)).toBe(expected);
    });

    it('adds years', () => {
      expect(plusYears('2016-03-01', 10)).toBe('2026-03-01');
      expect(plusYears('2016-02-29', 10)).toBe('2026-02-28');
    });
  });

  describe('wholeYearsBetween', () => {
    it.each([
      ['2008-03-01', '2026-03-01', 18],
      ['2008-03-02', '2026-03-01', 17],
      ['1975-03-01', '2026-03-01', 51],
      ['1975-03-02', '2026-03-01', 50],
      ['2000-12-31', '2001-01-01', 0],
      ['2000-01-01', '2000-01-01', 0],
    ])('born %s, at %s -> %d', (birth, at, age) => {
      expect(wholeYearsBetween(birth, at, 'feb28')).toBe(age);
      expect(wholeYearsBetween(birth, at, 'mar1')).toBe(age);
    });

    it('a 29 February birthday falls on 28 February in a common year with feb28', () => {
      expect(wholeYearsBetween('2008-02-29', '2026-02-27', 'feb28')).toBe(17);
      expect(wholeYearsBetween('2008-02-29', '2026-02-28', 'feb28')).toBe(18);
    });

    it('a 29 February birthday falls on 1 March in a common year with mar1', () => {
      expect(wholeYearsBetween('2008-02-29', '2026-02-28', 'mar1')).toBe(17);
      expect(wholeYearsBetween('2008-02-29', '2026-03-01', 'mar1')).toBe(18);
    });

    it('a 29 February birthday in a leap year is 29 February for both readings', () => {
      expect(wholeYearsBetween('2006-02-28', '2024-02-28', 'mar1')).toBe(18);
      expect(wholeYearsBetween('2004-02-29', '2024-02-28', 'feb28')).toBe(19);
      expect(wholeYearsBetween('2004-02-29', '2024-02-29', 'mar1')).toBe(20);
    });
  });
});
