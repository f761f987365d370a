import {
  DEFAULT_LEAD_TIME_DAYS,
  earliestAdmissionDate,
  earliestAdmissionInQuarter,
  exceedsWaitLimit,
  firstEligibleQuarter,
  latestAdmissionWithinLimit,
  nextQuarter,
  parseQuarter,
  quarterEnd,
  quarterInstantRange,
  quarterOfDate,
  quarterOfInstant,
  quarterRange,
  quartersFrom,
  quarterStart,
  waitBetween,
} from './quarters';

describe('quarter of a date in a zone', () => {
  it('2026-12-31T23:30Z is 2027-Q1 in Europe/Oslo, 2026-Q4 in UTC and New York', () => {
    expect(quarterOfInstant('2026-12-31T23:30:00Z', 'Europe/Oslo')).toBe('2027-Q1');
    expect(quarterOfInstant('2026-12-31T23:30:00Z', 'UTC')).toBe('2026-Q4');
    expect(quarterOfInstant('2026-12-31T23:30:00Z', 'America/New_York')).toBe('2026-Q4');
    expect(quarterOfInstant('2026-12-31T22:59:59Z', 'Europe/Oslo')).toBe('2026-Q4');
    expect(quarterOfInstant(new Date('2026-12-31T23:00:00Z'), 'Europe/Oslo')).toBe('2027-Q1');
  });

  it('at the Q1/Q2 boundary in summer time (Oslo is UTC+2 on 2027-03-31)', () => {
    expect(quarterOfInstant('2027-03-31T21:59:59Z', 'Europe/Oslo')).toBe('2027-Q1');
    expect(quarterOfInstant('2027-03-31T22:00:00Z', 'Europe/Oslo')).toBe('2027-Q2');
  });

  it('quarter of calendar dates', () => {
    expect(quarterOfDate('2027-01-01')).toBe('2027-Q1');
    expect(quarterOfDate('2027-03-31')).toBe('2027-Q1');
    expect(quarterOfDate('2027-04-01')).toBe('2027-Q2');
    expect(quarterOfDate('2027-09-30')).toBe('2027-Q3');
    expect(quarterOfDate('2027-10-01')).toBe('2027-Q4');
  });
});

describe('quarter bounds and iteration', () => {
  it('start and end dates', () => {
    expect([quarterStart('2027-Q1'), quarterEnd('2027-Q1')]).toEqual(['2027-01-01', '2027-03-31']);
    expect([quarterStart('2027-Q2'), quarterEnd('2027-Q2')]).toEqual(['2027-04-01', '2027-06-30']);
    expect([quarterStart('2027-Q3'), quarterEnd('2027-Q3')]).toEqual(['2027-07-01', '2027-09-30']);
    expect([quarterStart('2026-Q4'), quarterEnd('2026-Q4')]).toEqual(['2026-10-01', '2026-12-31']);
  });

  it('instant range in the centre zone', () => {
    expect(quarterInstantRange('2027-Q1', 'Europe/Oslo')).toEqual({
      start: '2026-12-31T23:00:00.000Z',
      endExclusive: '2027-03-31T22:00:00.000Z',
    });
  });

  it('next quarters', () => {
    expect(nextQuarter('2026-Q4')).toBe('2027-Q1');
    expect(nextQuarter('2027-Q1', -1)).toBe('2026-Q4');
    expect(nextQuarter('2026-Q3', 6)).toBe('2028-Q1');
    expect(quarterRange('2026-Q3', 4)).toEqual(['2026-Q3', '2026-Q4', '2027-Q1', '2027-Q2']);
    const it = quartersFrom('2026-Q4');
    expect([it.next().value, it.next().value, it.next().value]).toEqual([
      '2026-Q4',
      '2027-Q1',
      '2027-Q2',
    ]);
  });

  it('refuses malformed quarters', () => {
    expect(() => parseQuarter('2027-Q5')).toThrow(RangeError);
    expect(() => quarterStart('2027Q1')).toThrow(RangeError);
  });
});

describe('earliest admission and the first eligible quarter', () => {
  it('default lead time is 56 days from the randomisation date in the centre zone', () => {
    expect(DEFAULT_LEAD_TIME_DAYS).toBe(56);
    // 2026-11-05T23:30Z is 2026-11-06 in Amsterdam: +56 days crosses into 2027-Q1.
    expect(earliestAdmissionDate('2026-11-05T23:30:00Z', undefined, 'Europe/Amsterdam')).toBe(
      '2027-01-01',
    );
    expect(earliestAdmissionDate('2026-11-05T23:30:00Z', undefined, 'UTC')).toBe('2026-12-31');
    expect(earliestAdmissionDate('2026-11-05T23:30:00Z', 42, 'Europe/Amsterdam')).toBe(
      '2026-12-18',
    );
  });

  it('the earliest admission in a quarter is max(quarter start, earliest date)', () => {
    expect(earliestAdmissionInQuarter('2027-Q1', '2027-02-10')).toBe('2027-02-10');
    expect(earliestAdmissionInQuarter('2027-Q2', '2027-02-10')).toBe('2027-04-01');
    expect(earliestAdmissionInQuarter('2026-Q4', '2027-02-10')).toBeNull();
    expect(earliestAdmissionInQuarter('2027-Q1', '2027-03-31')).toBe('2027-03-31');
  });

  it('first quarter: the one containing the earliest date, or the first later one with capacity', () => {
    const earliest = earliestAdmissionDate('2026-11-05T23:30:00Z', undefined, 'Europe/Amsterdam');
    expect(firstEligibleQuarter(earliest)).toEqual({
      quarter: '2027-Q1',
      earliestAdmission: '2027-01-01',
    });
    expect(firstEligibleQuarter('2026-11-20')).toEqual({
      quarter: '2026-Q4',
      earliestAdmission: '2026-11-20',
    });
    const full = new Set(['2026-Q4', '2027-Q1']);
    expect(firstEligibleQuarter('2026-11-20', (q) => !full.has(q))).toEqual({
      quarter: '2027-Q2',
      earliestAdmission: '2027-04-01',
    });
    expect(firstEligibleQuarter('2026-11-20', () => false, 8)).toBeNull();
  });
});

describe('waiting time', () => {
  it('exactly 3 months does not exceed the limit; one day more does', () => {
    expect(exceedsWaitLimit('2026-01-15', '2026-04-15', 3)).toBe(false);
    expect(exceedsWaitLimit('2026-01-15', '2026-04-16', 3)).toBe(true);
    expect(exceedsWaitLimit('2026-01-15', '2026-04-15')).toBe(false);
    expect(latestAdmissionWithinLimit('2026-01-15')).toBe('2026-04-15');
  });

  it('month ends clamp: 2026-11-30 + 3 months = 2027-02-28', () => {
    expect(exceedsWaitLimit('2026-11-30', '2027-02-28', 3)).toBe(false);
    expect(exceedsWaitLimit('2026-11-30', '2027-03-01', 3)).toBe(true);
  });

  it('wait in days and months', () => {
    expect(waitBetween('2026-01-15', '2026-04-15')).toEqual({
      days: 90,
      wholeMonths: 3,
      extraDays: 0,
    });
    expect(waitBetween('2026-01-15', '2026-04-16')).toEqual({
      days: 91,
      wholeMonths: 3,
      extraDays: 1,
    });
    expect(waitBetween('2026-01-15', '2026-04-14')).toEqual({
      days: 89,
      wholeMonths: 2,
      extraDays: 30,
    });
    expect(waitBetween('2026-11-30', '2027-02-28')).toEqual({
      days: 90,
      wholeMonths: 3,
      extraDays: 0,
    });
    expect(waitBetween('2026-01-15', '2026-01-15')).toEqual({
      days: 0,
      wholeMonths: 0,
      extraDays: 0,
    });
    expect(() => waitBetween('2026-01-15', '2026-01-14')).toThrow(RangeError);
  });

  it('the issue scenario: next free quarter 5 months away with a 3-month limit is flagged', () => {
    const zone = 'Europe/Amsterdam';
    const randomisedAt = '2026-01-10T09:00:00Z';
    const randomisationDate = '2026-01-10';
    const earliest = earliestAdmissionDate(randomisedAt, undefined, zone);
    expect(earliest).toBe('2026-03-07');
    // Q1 free: admission 2026-03-07, within 3 months.
    const free = firstEligibleQuarter(earliest);
    expect(free).toEqual({ quarter: '2026-Q1', earliestAdmission: '2026-03-07' });
    expect(exceedsWaitLimit(randomisationDate, '2026-03-07', 3)).toBe(false);
    // Q1 and Q2 full: 2026-07-01, 5 months 21 days after randomisation.
    const full = new Set(['2026-Q1', '2026-Q2']);
    const later = firstEligibleQuarter(earliest, (q) => !full.has(q));
    expect(later).toEqual({ quarter: '2026-Q3', earliestAdmission: '2026-07-01' });
    expect(waitBetween(randomisationDate, '2026-07-01')).toEqual({
      days: 172,
      wholeMonths: 5,
      extraDays: 21,
    });
    expect(exceedsWaitLimit(randomisationDate, '2026-07-01', 3)).toBe(true);
  });
});
