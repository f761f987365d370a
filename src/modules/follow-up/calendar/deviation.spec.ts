import { daysOutsideWindow, visitDeviation } from './deviation';

const w012 = { windowStart: '2026-06-07', windowEnd: '2026-07-05' };

describe('[REQ-VISIT-002] daysOutsideWindow', () => {
  it('null inside the window, bounds included', () => {
    expect(daysOutsideWindow('2026-06-07', w012)).toBeNull();
    expect(daysOutsideWindow('2026-06-21', w012)).toBeNull();
    expect(daysOutsideWindow('2026-07-05', w012)).toBeNull();
  });

  it('negative days before the window opens', () => {
    expect(daysOutsideWindow('2026-06-06', w012)).toBe(-1);
    expect(daysOutsideWindow('2026-05-28', w012)).toBe(-10);
  });

  it('positive days after the window closes, across a month end', () => {
    expect(daysOutsideWindow('2026-07-06', w012)).toBe(1);
    expect(daysOutsideWindow('2026-08-04', w012)).toBe(30);
  });

  it('counts calendar days across the DST change and a leap day', () => {
    expect(
      daysOutsideWindow('2026-03-30', { windowStart: '2026-03-20', windowEnd: '2026-03-28' }),
    ).toBe(2);
    expect(
      daysOutsideWindow('2028-03-01', { windowStart: '2028-02-01', windowEnd: '2028-02-27' }),
    ).toBe(3);
  });

  it('refuses invalid dates and inverted windows', () => {
    expect(() => daysOutsideWindow('2026-13-01', w012)).toThrow(RangeError);
    expect(() =>
      daysOutsideWindow('2026-06-10', { windowStart: '2026-06-10', windowEnd: '2026-06-09' }),
    ).toThrow(RangeError);
  });
});

describe('visitDeviation', () => {
  it('spells out the direction', () => {
    expect(visitDeviation('2026-06-04', w012)).toEqual({ daysOutside: -3, direction: 'early' });
    expect(visitDeviation('2026-07-09', w012)).toEqual({ daysOutside: 4, direction: 'late' });
    expect(visitDeviation('2026-06-30', w012)).toBeNull();
  });
});
