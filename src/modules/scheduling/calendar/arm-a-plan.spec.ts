import {
  admissionForTransplantDay0,
  type ArmAPlan,
  buildPlan,
  DEFAULT_ARM_A_PLAN_CONFIG,
  planLeadDays,
  transplantDay0ForAdmission,
  validateArmAPlanConfig,
} from './arm-a-plan';
import { dateInZone } from 'src/common/time/calendar-date';
import { DEFAULT_LEAD_TIME_DAYS } from './quarters';

const table = (plan: ArmAPlan): [string, string, string, number, number][] =>
  plan.phases.map((p) => [p.code, p.plannedStart, p.plannedEnd, p.dayFrom, p.dayTo]);

describe('buildPlan', () => {
  it('admission 2026-03-25 in Amsterdam: conditioning spans the DST change of 2026-03-29', () => {
    const plan = buildPlan('2026-03-25');
    expect(plan.admissionDate).toBe('2026-03-25');
    expect(plan.transplantDay0).toBe('2026-03-30');
    expect(plan.dischargeDate).toBe('2026-04-14');
    expect(table(plan)).toEqual([
      ['evaluation', '2026-02-01', '2026-02-14', -57, -44],
      ['mobilisation', '2026-02-15', '2026-02-17', -43, -41],
      ['harvest', '2026-02-25', '2026-02-25', -33, -33],
      ['conditioning', '2026-03-25', '2026-03-29', -5, -1],
      ['reinfusion', '2026-03-30', '2026-03-30', 0, 0],
      ['isolation', '2026-03-31', '2026-04-09', 1, 10],
      ['discharge', '2026-04-14', '2026-04-14', 15, 15],
      ['early_follow_up', '2026-04-06', '2026-07-08', 7, 100],
    ]);
  });

  it('admission 2026-10-22: day 0 after the October DST change stays admission + 5', () => {
    const plan = buildPlan('2026-10-22');
    expect(table(plan)).toEqual([
      ['evaluation', '2026-08-31', '2026-09-13', -57, -44],
      ['mobilisation', '2026-09-14', '2026-09-16', -43, -41],
      ['harvest', '2026-09-24', '2026-09-24', -33, -33],
      ['conditioning', '2026-10-22', '2026-10-26', -5, -1],
      ['reinfusion', '2026-10-27', '2026-10-27', 0, 0],
      ['isolation', '2026-10-28', '2026-11-06', 1, 10],
      ['discharge', '2026-11-11', '2026-11-11', 15, 15],
      ['early_follow_up', '2026-11-03', '2027-02-04', 7, 100],
    ]);
  });

  it('a planned admission instant is turned into the centre date first', () => {
    // 2026-03-24T23:30Z is 2026-03-25 00:30 in Amsterdam, still 2026-03-24 in UTC.
    const local = dateInZone('2026-03-24T23:30:00Z', 'Europe/Amsterdam');
    expect(local).toBe('2026-03-25');
    expect(buildPlan(local)).toEqual(buildPlan('2026-03-25'));
    expect(buildPlan(dateInZone('2026-03-24T23:30:00Z', 'UTC')).transplantDay0).toBe('2026-03-29');
  });

  it('uses the configuration', () => {
    const plan = buildPlan('2026-03-25', {
      ...DEFAULT_ARM_A_PLAN_CONFIG,
      harvestDaysBeforeAdmission: 42,
      mobilisationInpatientDays: 2,
      admissionLengthDays: 24,
    });
    const byCode = new Map(plan.phases.map((p) => [p.code, p]));
    expect(byCode.get('harvest')?.plannedStart).toBe('2026-02-11');
    expect(byCode.get('mobilisation')?.plannedStart).toBe('2026-02-01');
    expect(byCode.get('mobilisation')?.plannedEnd).toBe('2026-02-02');
    expect(plan.dischargeDate).toBe('2026-04-17');
  });

  it('refuses invalid configuration and dates', () => {
    expect(() =>
      buildPlan('2026-03-25', { ...DEFAULT_ARM_A_PLAN_CONFIG, harvestDaysBeforeAdmission: 20 }),
    ).toThrow(/21\.\.42/);
    expect(() =>
      buildPlan('2026-03-25', { ...DEFAULT_ARM_A_PLAN_CONFIG, harvestDaysBeforeAdmission: 43 }),
    ).toThrow(RangeError);
    expect(() =>
      buildPlan('2026-03-25', { ...DEFAULT_ARM_A_PLAN_CONFIG, isolationLastDay: 16 }),
    ).toThrow(/isolation/);
    expect(() => buildPlan('2026-02-30')).toThrow(RangeError);
    expect(validateArmAPlanConfig(DEFAULT_ARM_A_PLAN_CONFIG)).toEqual([]);
    expect(validateArmAPlanConfig({ ...DEFAULT_ARM_A_PLAN_CONFIG, conditioningDays: 1.5 })).toEqual(
      ['conditioningDays must be an integer'],
    );
  });
});

describe('consistency', () => {
  it('the default pre-admission work-up (52 days) fits in the default booking lead time (56)', () => {
    expect(planLeadDays()).toBe(52);
    expect(planLeadDays()).toBeLessThanOrEqual(DEFAULT_LEAD_TIME_DAYS);
  });

  it('day 0 and admission convert both ways', () => {
    expect(transplantDay0ForAdmission('2026-03-25')).toBe('2026-03-30');
    expect(admissionForTransplantDay0('2026-03-30')).toBe('2026-03-25');
  });

  it('every phase starts on or before it ends, and phases before day 0 are in order', () => {
    const plan = buildPlan('2026-03-25');
    for (const p of plan.phases) {
      expect(p.plannedStart <= p.plannedEnd).toBe(true);
    }
    const order = plan.phases.slice(0, 5).map((p) => p.plannedStart);
    expect([...order].sort()).toEqual(order);
  });
});
