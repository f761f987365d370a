import fc from 'fast-check';
import {
  dueDates,
  findingJobId,
  firstDayOfFinding,
  type SweepFindingKind,
  sweepFindings,
  type SweepVisit,
  todayInZone,
} from './sweep-rules';

// W012 of the participant randomised 2026-03-28T23:30Z in Amsterdam (see visit-calendar.spec).
const w012: SweepVisit = {
  targetDate: '2026-06-21',
  windowStart: '2026-06-07',
  windowEnd: '2026-07-05',
  status: 'scheduled',
};

const on = (today: string, visit: SweepVisit = w012): SweepFindingKind[] =>
  sweepFindings(visit, today);

describe('sweepFindings: each finding on its day and not the day before or after', () => {
  it('window opens in 14 days: 2026-05-24 only', () => {
    expect(on('2026-05-23')).toEqual([]);
    expect(on('2026-05-24')).toEqual(['window_opens_14d']);
    expect(on('2026-05-25')).toEqual([]);
  });

  it('window opens in 3 days: 2026-06-04 only', () => {
    expect(on('2026-06-03')).toEqual([]);
    expect(on('2026-06-04')).toEqual(['window_opens_3d']);
    expect(on('2026-06-05')).toEqual([]);
  });

  it('nothing while the window is open before the target date, nor on the target date', () => {
    expect(on('2026-06-07')).toEqual([]);
    expect(on('2026-06-20')).toEqual([]);
    expect(on('2026-06-21')).toEqual([]);
  });

  it('overdue from the day after the target date up to and including the window end', () => {
    expect(on('2026-06-22')).toEqual(['overdue']);
    expect(on('2026-07-01')).toEqual(['overdue']);
    expect(on('2026-07-05')).toEqual(['overdue']);
  });

  it('window closes in 3 days: 2026-07-02 only (while also overdue)', () => {
    expect(on('2026-07-01')).toEqual(['overdue']);
    expect(on('2026-07-02')).toEqual(['window_closes_3d', 'overdue']);
    expect(on('2026-07-03')).toEqual(['overdue']);
  });

  it('missed from the day after the window closes, not on its last day', () => {
    expect(on('2026-07-05')).toEqual(['overdue']);
    expect(on('2026-07-06')).toEqual(['missed']);
    expect(on('2026-08-01')).toEqual(['missed']);
  });

  it('logged, missed and cancelled visits give no findings', () => {
    for (const status of ['logged', 'missed', 'cancelled'] as const) {
      expect(on('2026-05-24', { ...w012, status })).toEqual([]);
      expect(on('2026-06-22', { ...w012, status })).toEqual([]);
      expect(on('2026-07-06', { ...w012, status })).toEqual([]);
    }
  });

  it('a visit whose target is the last day of its window is never overdue, only missed', () => {
    const v: SweepVisit = {
      targetDate: '2026-05-10',
      windowStart: '2026-05-10',
      windowEnd: '2026-05-10',
      status: 'scheduled',
    };
    expect(on('2026-05-10', v)).toEqual([]);
    expect(on('2026-05-11', v)).toEqual(['missed']);
    expect(on('2026-05-07', v)).toEqual(['window_opens_3d', 'window_closes_3d']);
  });

  it('arm-A weekly visit with a ±2-day window', () => {
    const v: SweepVisit = {
      targetDate: '2026-04-27',
      windowStart: '2026-04-25',
      windowEnd: '2026-04-29',
      status: 'scheduled',
    };
    expect(on('2026-04-11', v)).toEqual(['window_opens_14d']);
    expect(on('2026-04-22', v)).toEqual(['window_opens_3d']);
    expect(on('2026-04-26', v)).toEqual(['window_closes_3d']);
    expect(on('2026-04-28', v)).toEqual(['overdue']);
    expect(on('2026-04-30', v)).toEqual(['missed']);
  });
});

describe('todayInZone', () => {
  it('uses the site calendar: 2026-06-21T22:30Z is already 2026-06-22 in Amsterdam (CEST)', () => {
    expect(todayInZone('2026-06-21T21:59:59Z', 'Europe/Amsterdam')).toBe('2026-06-21');
    expect(todayInZone('2026-06-21T22:00:00Z', 'Europe/Amsterdam')).toBe('2026-06-22');
    expect(todayInZone(new Date('2026-06-21T22:30:00Z'), 'Europe/Amsterdam')).toBe('2026-06-22');
    expect(todayInZone('2026-06-21T22:30:00Z', 'UTC')).toBe('2026-06-21');
    // So the W012 visit is overdue at that instant at the Amsterdam site.
    expect(on(todayInZone('2026-06-21T22:30:00Z', 'Europe/Amsterdam'))).toEqual(['overdue']);
    expect(on(todayInZone('2026-06-21T21:30:00Z', 'Europe/Amsterdam'))).toEqual([]);
  });
});

describe('dueDates', () => {
  it('gives one indexable condition per column for a today', () => {
    expect(dueDates('2026-06-04')).toEqual({
      window_opens_14d: [{ column: 'windowStart', op: '=', date: '2026-06-18' }],
      window_opens_3d: [{ column: 'windowStart', op: '=', date: '2026-06-07' }],
      window_closes_3d: [{ column: 'windowEnd', op: '=', date: '2026-06-07' }],
      overdue: [
        { column: 'targetDate', op: '<', date: '2026-06-04' },
        { column: 'windowEnd', op: '>=', date: '2026-06-04' },
      ],
      missed: [{ column: 'windowEnd', op: '<', date: '2026-06-04' }],
    });
  });

  it('crosses month and year ends on calendar days', () => {
    expect(dueDates('2026-12-20').window_opens_14d[0].date).toBe('2027-01-03');
    expect(dueDates('2028-02-27').window_opens_3d[0].date).toBe('2028-03-01');
  });

  it('takes the reminder offsets as configuration', () => {
    const due = dueDates('2026-06-04', {
      opensFirstReminderDays: 7,
      opensSecondReminderDays: 1,
      closesReminderDays: 2,
    });
    expect(due.window_opens_14d[0].date).toBe('2026-06-11');
    expect(due.window_opens_3d[0].date).toBe('2026-06-05');
    expect(due.window_closes_3d[0].date).toBe('2026-06-06');
  });
});

describe('firstDayOfFinding and findingJobId', () => {
  it('first days of W012', () => {
    expect(firstDayOfFinding(w012, 'window_opens_14d')).toBe('2026-05-24');
    expect(firstDayOfFinding(w012, 'window_opens_3d')).toBe('2026-06-04');
    expect(firstDayOfFinding(w012, 'window_closes_3d')).toBe('2026-07-02');
    expect(firstDayOfFinding(w012, 'overdue')).toBe('2026-06-22');
    expect(firstDayOfFinding(w012, 'missed')).toBe('2026-07-06');
  });

  it('job ids are deterministic and change when the visit moves', () => {
    expect(findingJobId('v1', 'window_opens_14d', w012)).toBe(
      'follow-up:window_opens_14d:v1:2026-06-07',
    );
    expect(findingJobId('v1', 'overdue', w012)).toBe('follow-up:overdue:v1:2026-06-21');
    expect(findingJobId('v1', 'missed', w012)).toBe('follow-up:missed:v1:2026-07-05');
    expect(findingJobId('v1', 'window_opens_14d', w012)).toBe(
      findingJobId('v1', 'window_opens_14d', { ...w012 }),
    );
    expect(findingJobId('v1', 'window_opens_14d', { ...w012, windowStart: '2026-06-14' })).not.toBe(
      findingJobId('v1', 'window_opens_14d', w012),
    );
  });
});

describe('property: findings agree with the first-day rules', () => {
  const day = (base: number, n: number): string =>
    new Date(base + n * 86_400_000).toISOString().slice(0, 10);

  it('reminders exactly on their day, overdue from target+1 to window end, missed after', () => {
    const base = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 28 }),
        fc.integer({ min: 0, max: 28 }),
        fc.integer({ min: -60, max: 60 }),
        (t, before, after, rel) => {
          const visit: SweepVisit = {
            targetDate: day(base, t),
            windowStart: day(base, t - before),
            windowEnd: day(base, t + after),
            status: 'scheduled',
          };
          const today = day(base, t + rel);
          const got = new Set(sweepFindings(visit, today));
          expect(got.has('window_opens_14d')).toBe(rel === -before - 14);
          expect(got.has('window_opens_3d')).toBe(rel === -before - 3);
          expect(got.has('window_closes_3d')).toBe(rel === after - 3);
          expect(got.has('overdue')).toBe(rel >= 1 && rel <= after);
          expect(got.has('missed')).toBe(rel > after);
        },
      ),
      { numRuns: 500 },
    );
  });
});
