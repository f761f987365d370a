import fc from 'fast-check';
import {
  buildArmAVisits,
  buildSchedule,
  type PlannedVisit,
  randomisationAnchorDate,
  reanchorArmA,
  type TrialArm,
} from './visit-calendar';
import { armAWeeklyDays, DEFAULT_VISIT_TEMPLATE, type VisitTemplate } from './visit-template';

const AMS = 'Europe/Amsterdam';

type Row = [string, string, number, string, string, string];

function rows(visits: PlannedVisit[]): Row[] {
  return visits.map((v) => [
    v.code,
    v.anchor,
    v.offsetDays,
    v.targetDate,
    v.windowStart,
    v.windowEnd,
  ]);
}

describe('randomisation anchor', () => {
  it('[REQ-VISIT-001] is the calendar date in the site zone, not the UTC date', () => {
    // Saturday 2026-03-28 23:30 UTC is Sunday 00:30 in Amsterdam (still CET, UTC+1).
    expect(randomisationAnchorDate('2026-03-28T23:30:00Z', AMS)).toBe('2026-03-29');
    expect(randomisationAnchorDate('2026-03-28T22:59:59Z', AMS)).toBe('2026-03-28');
    expect(randomisationAnchorDate('2026-03-28T23:00:00Z', AMS)).toBe('2026-03-29');
    expect(randomisationAnchorDate(new Date('2026-03-28T23:30:00Z'), AMS)).toBe('2026-03-29');
    // The same instant in UTC and in New York.
    expect(randomisationAnchorDate('2026-03-28T23:30:00Z', 'UTC')).toBe('2026-03-28');
    expect(randomisationAnchorDate('2026-03-28T23:30:00Z', 'America/New_York')).toBe('2026-03-28');
    // An offset in the input string does not matter, only the instant.
    expect(randomisationAnchorDate('2026-03-29T01:30:00+02:00', AMS)).toBe('2026-03-29');
  });

  it('refuses instants without an offset and unknown zones', () => {
    expect(() => randomisationAnchorDate('2026-03-28T23:30:00', AMS)).toThrow(RangeError);
    expect(() => randomisationAnchorDate('2026-03-28', AMS)).toThrow(RangeError);
    expect(() => randomisationAnchorDate('2026-03-28T23:30:00Z', 'Europe/Atlantis')).toThrow(
      RangeError,
    );
  });
});

describe('buildSchedule: a participant randomised at an Amsterdam site across the March 2026 DST change', () => {
  // Randomised 2026-03-28T23:30Z = 2026-03-29 00:30 CET; at 01:00 UTC that same day the clocks
  // move to CEST. Week 0 is 2026-03-29 and every target is that date + 7 × week calendar days.
  const randomisedAt = '2026-03-28T23:30:00Z';

  it('[REQ-VISIT-001] arm B: the nine scheduled visits, exact dates and windows', () => {
    const visits = buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'B' });
    expect(rows(visits)).toEqual([
      ['W000', 'randomisation', 0, '2026-03-29', '2026-03-29', '2026-04-12'],
      ['W012', 'randomisation', 84, '2026-06-21', '2026-06-07', '2026-07-05'],
      ['W024', 'randomisation', 168, '2026-09-13', '2026-08-30', '2026-09-27'],
      ['W048', 'randomisation', 336, '2027-02-28', '2027-01-31', '2027-03-28'],
      ['W072', 'randomisation', 504, '2027-08-15', '2027-07-18', '2027-09-12'],
      ['W096', 'randomisation', 672, '2028-01-30', '2028-01-02', '2028-02-27'],
      ['W144', 'randomisation', 1008, '2028-12-31', '2028-12-03', '2029-01-28'],
      ['W192', 'randomisation', 1344, '2029-12-02', '2029-11-04', '2029-12-30'],
      ['W240', 'randomisation', 1680, '2030-11-03', '2030-10-06', '2030-12-01'],
    ]);
    expect(visits.every((v) => v.kind === 'scheduled')).toBe(true);
  });

  it('flags the primary endpoint, both NEDA endpoints and the MRI re-baseline, and lists assessments', () => {
    const visits = buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'B' });
    const byCode = new Map(visits.map((v) => [v.code, v]));
    expect(visits.filter((v) => v.primary === true).map((v) => v.code)).toEqual(['W096']);
    expect(visits.filter((v) => v.endpoint === true).map((v) => v.code)).toEqual(['W096', 'W240']);
    expect(visits.filter((v) => v.mriRebaseline === true).map((v) => v.code)).toEqual(['W012']);
    expect(byCode.get('W000')?.assessments).toEqual(['edss_blinded', 'bloods', 'pro']);
    expect(byCode.get('W012')?.assessments).toEqual(['edss_blinded', 'mri', 'bloods']);
    expect(byCode.get('W072')?.assessments).toEqual(['edss_blinded', 'mri', 'bloods']);
    expect(byCode.get('W096')?.assessments).toEqual(['edss_blinded', 'mri', 'bloods', 'pro']);
  });

  it('the same instant at a UTC site is anchored one day earlier', () => {
    const visits = buildSchedule({ randomisedAt, siteTimeZone: 'UTC', arm: 'B' });
    expect(visits[0].targetDate).toBe('2026-03-28');
    expect(visits.find((v) => v.code === 'W096')?.targetDate).toBe('2028-01-29');
  });

  it('arm A without day 0 has only the scheduled visits', () => {
    const visits = buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'A' });
    expect(visits.map((v) => v.code)).toEqual([
      'W000',
      'W012',
      'W024',
      'W048',
      'W072',
      'W096',
      'W144',
      'W192',
      'W240',
    ]);
    expect(
      buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'A', transplantDay0: null }),
    ).toEqual(visits);
  });

  it('[REQ-VISIT-004] arm A with day 0: weekly visits days 7…91 and day 100, merged in date order', () => {
    const visits = buildSchedule({
      randomisedAt,
      siteTimeZone: AMS,
      arm: 'A',
      transplantDay0: '2026-04-20',
    });
    expect(rows(visits)).toEqual([
      ['W000', 'randomisation', 0, '2026-03-29', '2026-03-29', '2026-04-12'],
      ['A-D007', 'transplant', 7, '2026-04-27', '2026-04-25', '2026-04-29'],
      ['A-D014', 'transplant', 14, '2026-05-04', '2026-05-02', '2026-05-06'],
      ['A-D021', 'transplant', 21, '2026-05-11', '2026-05-09', '2026-05-13'],
      ['A-D028', 'transplant', 28, '2026-05-18', '2026-05-16', '2026-05-20'],
      ['A-D035', 'transplant', 35, '2026-05-25', '2026-05-23', '2026-05-27'],
      ['A-D042', 'transplant', 42, '2026-06-01', '2026-05-30', '2026-06-03'],
      ['A-D049', 'transplant', 49, '2026-06-08', '2026-06-06', '2026-06-10'],
      ['A-D056', 'transplant', 56, '2026-06-15', '2026-06-13', '2026-06-17'],
      ['W012', 'randomisation', 84, '2026-06-21', '2026-06-07', '2026-07-05'],
      ['A-D063', 'transplant', 63, '2026-06-22', '2026-06-20', '2026-06-24'],
      ['A-D070', 'transplant', 70, '2026-06-29', '2026-06-27', '2026-07-01'],
      ['A-D077', 'transplant', 77, '2026-07-06', '2026-07-04', '2026-07-08'],
      ['A-D084', 'transplant', 84, '2026-07-13', '2026-07-11', '2026-07-15'],
      ['A-D091', 'transplant', 91, '2026-07-20', '2026-07-18', '2026-07-22'],
      ['A-D100', 'transplant', 100, '2026-07-29', '2026-07-27', '2026-07-31'],
      ['W024', 'randomisation', 168, '2026-09-13', '2026-08-30', '2026-09-27'],
      ['W048', 'randomisation', 336, '2027-02-28', '2027-01-31', '2027-03-28'],
      ['W072', 'randomisation', 504, '2027-08-15', '2027-07-18', '2027-09-12'],
      ['W096', 'randomisation', 672, '2028-01-30', '2028-01-02', '2028-02-27'],
      ['W144', 'randomisation', 1008, '2028-12-31', '2028-12-03', '2029-01-28'],
      ['W192', 'randomisation', 1344, '2029-12-02', '2029-11-04', '2029-12-30'],
      ['W240', 'randomisation', 1680, '2030-11-03', '2030-10-06', '2030-12-01'],
    ]);
    const armA = visits.filter((v) => v.kind === 'arm_a_weekly');
    expect(armA).toHaveLength(14);
    expect(armA.every((v) => v.assessments.join(',') === 'bloods,urine')).toBe(true);
  });

  it('arm-A weekly visits across the October DST change stay on calendar days', () => {
    // Clocks go back on 2026-10-25 in Amsterdam.
    const visits = buildArmAVisits('2026-10-20');
    expect(
      visits.slice(0, 2).map((v) => [v.code, v.targetDate, v.windowStart, v.windowEnd]),
    ).toEqual([
      ['A-D007', '2026-10-27', '2026-10-25', '2026-10-29'],
      ['A-D014', '2026-11-03', '2026-11-01', '2026-11-05'],
    ]);
    expect(visits[visits.length - 1].targetDate).toBe('2027-01-28');
  });

  it('refuses a day 0 for arm B, unknown arms and invalid day 0', () => {
    expect(() =>
      buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'B', transplantDay0: '2026-05-01' }),
    ).toThrow(RangeError);
    expect(() =>
      buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'A', transplantDay0: '2026-02-30' }),
    ).toThrow(RangeError);
    expect(() => buildSchedule({ randomisedAt, siteTimeZone: AMS, arm: 'C' as TrialArm })).toThrow(
      /unknown arm/,
    );
  });

  it('is deterministic (the generation job can run twice)', () => {
    const input = {
      randomisedAt,
      siteTimeZone: AMS,
      arm: 'A' as const,
      transplantDay0: '2026-04-20',
    };
    expect(buildSchedule(input)).toEqual(buildSchedule(input));
  });
});

describe('template data', () => {
  it('default arm-A days: weekly 7…91, day 98 replaced by the closing day-100 visit', () => {
    expect(armAWeeklyDays(DEFAULT_VISIT_TEMPLATE.armAWeekly)).toEqual([
      7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 100,
    ]);
    // With no merge margin the day-98 visit stays.
    expect(armAWeeklyDays({ ...DEFAULT_VISIT_TEMPLATE.armAWeekly, mergeWithinDays: 0 })).toEqual([
      7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 100,
    ]);
  });

  it('windows follow the template data', () => {
    const template: VisitTemplate = {
      ...DEFAULT_VISIT_TEMPLATE,
      scheduled: [
        {
          code: 'W010',
          label: 'test',
          week: 10,
          window: { beforeDays: 3, afterDays: 5 },
          assessments: ['bloods'],
        },
      ],
    };
    const visits = buildSchedule({
      randomisedAt: '2026-01-01T12:00:00Z',
      siteTimeZone: 'Europe/Oslo',
      arm: 'B',
      template,
    });
    expect(rows(visits)).toEqual([
      ['W010', 'randomisation', 70, '2026-03-12', '2026-03-09', '2026-03-17'],
    ]);
  });

  it('refuses a template with duplicate codes', () => {
    const bad: VisitTemplate = {
      ...DEFAULT_VISIT_TEMPLATE,
      scheduled: [DEFAULT_VISIT_TEMPLATE.scheduled[0], DEFAULT_VISIT_TEMPLATE.scheduled[0]],
    };
    expect(() =>
      buildSchedule({
        randomisedAt: '2026-01-01T12:00:00Z',
        siteTimeZone: AMS,
        arm: 'B',
        template: bad,
      }),
    ).toThrow(/duplicate/);
  });
});

describe('reanchorArmA', () => {
  const base = buildSchedule({
    randomisedAt: '2026-03-28T23:30:00Z',
    siteTimeZone: AMS,
    arm: 'A',
    transplantDay0: '2026-04-20',
  });

  it('moves only unlogged arm-A visits, keeps windows, leaves scheduled visits alone', () => {
    const result = reanchorArmA(base, '2026-04-27', ['A-D007', 'A-D014', 'W000']);
    expect(result.keptLogged).toEqual(['A-D007', 'A-D014']);
    expect(result.created).toEqual([]);
    expect(result.moved.map((m) => m.code)).toEqual([
      'A-D021',
      'A-D028',
      'A-D035',
      'A-D042',
      'A-D049',
      'A-D056',
      'A-D063',
      'A-D070',
      'A-D077',
      'A-D084',
      'A-D091',
      'A-D100',
    ]);
    expect(result.moved[0]).toEqual({
      code: 'A-D021',
      from: { targetDate: '2026-05-11', windowStart: '2026-05-09', windowEnd: '2026-05-13' },
      to: { targetDate: '2026-05-18', windowStart: '2026-05-16', windowEnd: '2026-05-20' },
    });
    expect(result.moved[11]).toEqual({
      code: 'A-D100',
      from: { targetDate: '2026-07-29', windowStart: '2026-07-27', windowEnd: '2026-07-31' },
      to: { targetDate: '2026-08-05', windowStart: '2026-08-03', windowEnd: '2026-08-07' },
    });
    const after = new Map(result.visits.map((v) => [v.code, v]));
    // Logged visits keep their old dates.
    expect(after.get('A-D007')?.targetDate).toBe('2026-04-27');
    expect(after.get('A-D014')?.targetDate).toBe('2026-05-04');
    // Randomisation-anchored visits never move.
    for (const v of base.filter((x) => x.anchor === 'randomisation')) {
      expect(after.get(v.code)).toEqual(v);
    }
    expect(result.visits).toHaveLength(base.length);
  });

  it('[REQ-VISIT-004] is idempotent: the same day 0 again moves nothing', () => {
    const once = reanchorArmA(base, '2026-04-27', []);
    const twice = reanchorArmA(once.visits, '2026-04-27', []);
    expect(once.moved).toHaveLength(14);
    expect(twice.moved).toEqual([]);
    expect(twice.visits).toEqual(once.visits);
  });

  it('creates the arm-A visits when day 0 is set for the first time (with a template)', () => {
    const noDay0 = buildSchedule({
      randomisedAt: '2026-03-28T23:30:00Z',
      siteTimeZone: AMS,
      arm: 'A',
    });
    const result = reanchorArmA(noDay0, '2026-04-20', [], DEFAULT_VISIT_TEMPLATE);
    expect(result.moved).toEqual([]);
    expect(result.created.map((v) => v.code)[0]).toBe('A-D007');
    expect(result.created).toHaveLength(14);
    const sorted = [...result.visits].sort((a, b) => (a.code < b.code ? -1 : 1));
    const expected = [...base].sort((a, b) => (a.code < b.code ? -1 : 1));
    expect(sorted).toEqual(expected);
  });

  it('property: every unlogged arm-A visit ends at newDay0 + offset, logged ones stay', () => {
    const armACodes = base.filter((v) => v.kind === 'arm_a_weekly').map((v) => v.code);
    fc.assert(
      fc.property(fc.integer({ min: -60, max: 60 }), fc.subarray(armACodes), (shift, logged) => {
        const day0 = new Date(Date.UTC(2026, 3, 20 + shift)).toISOString().slice(0, 10);
        const result = reanchorArmA(base, day0, logged);
        for (const v of result.visits) {
          const old = base.find((b) => b.code === v.code) as PlannedVisit;
          if (v.anchor === 'randomisation' || logged.includes(v.code)) {
            expect(v).toEqual(old);
          } else {
            const expected = new Date(Date.UTC(2026, 3, 20 + shift + v.offsetDays))
              .toISOString()
              .slice(0, 10);
            expect(v.targetDate).toBe(expected);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('property: schedule offsets are calendar days in any zone', () => {
  it('target = anchor + 7 × week, and each window contains its target', () => {
    const zones = [
      'Europe/Amsterdam',
      'Europe/Oslo',
      'America/Sao_Paulo',
      'Australia/Lord_Howe',
      'Pacific/Apia',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const at = new Date(ms);
          const visits = buildSchedule({ randomisedAt: at, siteTimeZone: zone, arm: 'B' });
          const anchor = visits[0].targetDate;
          const anchorMs = Date.parse(`${anchor}T00:00:00Z`);
          for (const v of visits) {
            expect(Date.parse(`${v.targetDate}T00:00:00Z`) - anchorMs).toBe(
              v.offsetDays * 86_400_000,
            );
            expect(v.windowStart <= v.targetDate && v.targetDate <= v.windowEnd).toBe(true);
          }
          // The anchor is the zone's wall-calendar date of the instant.
          const local = new Intl.DateTimeFormat('en-CA', {
            timeZone: zone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          }).format(at);
          expect(anchor).toBe(local);
        },
      ),
      { numRuns: 200 },
    );
  });
});
