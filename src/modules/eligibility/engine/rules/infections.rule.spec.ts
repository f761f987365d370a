import { RAM_MS_V2 } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import {
  ASSESSMENT_DATE,
  ramMsEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { ruleE5, ruleE9 } from './infections.rule';

const AT = ASSESSMENT_DATE;
const p = RAM_MS_V2.params;
const base = ramMsEligibleRecord();
const withInfections = (infections: ScreeningData['infections']): ScreeningData => ({
  ...base,
  infections: { ...base.infections, ...infections },
});

describe('E5 positive TB, hepatitis (HBsAg, HCV PCR) or HIV test excludes', () => {
  it('all negative -> met', () => {
    expect(ruleE5(base, AT, p)).toEqual({
      id: 'E5',
      outcome: 'met',
      explanation: 'TB, HIV, HBsAg, HCV PCR tests negative',
    });
  });

  it.each(['tb', 'hiv', 'hbsag', 'hcvPcr'] as const)('%s positive -> not_met', (test) => {
    expect(ruleE5(withInfections({ [test]: 'positive' }), AT, p).outcome).toBe('not_met');
  });

  it.each(['tb', 'hiv', 'hbsag', 'hcvPcr'] as const)('%s pending -> unknown', (test) => {
    expect(ruleE5(withInfections({ [test]: 'pending' }), AT, p).outcome).toBe('unknown');
  });

  it('a positive result decides even when another is pending', () => {
    expect(ruleE5(withInfections({ tb: 'positive', hiv: 'pending' }), AT, p)).toEqual({
      id: 'E5',
      outcome: 'not_met',
      explanation: 'TB test positive excludes',
    });
  });

  it('syphilis is not part of E5', () => {
    expect(ruleE5(withInfections({ syphilis: 'positive' }), AT, p).outcome).toBe('met');
  });

  it('tests not entered or malformed -> unknown', () => {
    expect(ruleE5({}, AT, p).outcome).toBe('unknown');
    expect(
      ruleE5({ infections: { tb: 'negative', hiv: 'negative', hbsag: 'negative' } }, AT, p)
        .explanation,
    ).toBe('HCV PCR test result not recorded');
    expect(ruleE5(withInfections({ tb: 'POSITIVE' as 'positive' }), AT, p).outcome).toBe('unknown');
  });
});

describe('E9 other infections (unverified)', () => {
  it('all clear -> met', () => {
    expect(ruleE9(base, AT, p).outcome).toBe('met');
  });

  it.each(['cmv', 'ebv', 'hsv', 'vzv', 'toxoplasmosis'] as const)(
    'active %s -> not_met',
    (name) => {
      const data = { ...base, activeInfections: { ...base.activeInfections, [name]: true } };
      expect(ruleE9(data, AT, p).outcome).toBe('not_met');
    },
  );

  it.each(['syphilis', 'hbsag', 'hcvPcr'] as const)('%s positive -> not_met', (test) => {
    expect(ruleE9(withInfections({ [test]: 'positive' }), AT, p).outcome).toBe('not_met');
  });

  it('syphilis pending or an infection status not entered -> unknown', () => {
    expect(ruleE9(withInfections({ syphilis: 'pending' }), AT, p).outcome).toBe('unknown');
    expect(ruleE9({ ...base, activeInfections: { cmv: false } }, AT, p).outcome).toBe('unknown');
  });
});
