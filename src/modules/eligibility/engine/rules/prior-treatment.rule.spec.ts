import { RAM_MS_V1 } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData, Treatment } from 'src/modules/eligibility/engine/screening-data';
import { ruleE2, ruleE3, ruleE8 } from './prior-treatment.rule';

const AT = '2026-03-01';
const p = RAM_MS_V1.params;
const tx = (...treatments: Treatment[]): ScreeningData => ({ treatments });

describe('E2 prior HSCT, alemtuzumab, cladribine or ocrelizumab excludes', () => {
  it.each(['ahsct', 'alemtuzumab', 'cladribine', 'ocrelizumab'] as const)(
    'prior %s -> not_met',
    (drug) => {
      const r = ruleE2(tx({ drug, startDate: '2022-01-10', endDate: '2022-01-15' }), AT, p);
      expect(r).toEqual({
        id: 'E2',
        outcome: 'not_met',
        explanation: `prior ${drug} (started 2022-01-10) excludes`,
      });
    },
  );

  it.each([
    'interferon_beta',
    'natalizumab',
    'rituximab',
    'ofatumumab',
    'fingolimod',
    'other',
  ] as const)('prior %s alone -> met', (drug) => {
    expect(ruleE2(tx({ drug, startDate: '2022-01-10', endDate: null }), AT, p).outcome).toBe('met');
  });

  it('a listed drug with no start date still counts as prior', () => {
    expect(ruleE2(tx({ drug: 'alemtuzumab' }), AT, p).outcome).toBe('not_met');
  });

  it('a listed drug started on the assessment date counts as prior', () => {
    expect(
      ruleE2(tx({ drug: 'ocrelizumab', startDate: '2026-03-01', endDate: null }), AT, p).outcome,
    ).toBe('not_met');
  });

  it('a listed drug starting after the assessment date (planned) is not prior', () => {
    expect(
      ruleE2(tx({ drug: 'ocrelizumab', startDate: '2026-03-02', endDate: null }), AT, p).outcome,
    ).toBe('met');
  });

  it('history not entered -> unknown; empty history -> met', () => {
    expect(ruleE2({}, AT, p).outcome).toBe('unknown');
    expect(ruleE2({ treatments: [] }, AT, p)).toEqual({
      id: 'E2',
      outcome: 'met',
      explanation:
        'no prior ahsct/alemtuzumab/cladribine/ocrelizumab among 0 recorded treatment(s)',
    });
  });

  it('a treatment without a drug keeps it open, unless a listed drug is found', () => {
    expect(ruleE2(tx({ startDate: '2020-01-01' }), AT, p).outcome).toBe('unknown');
    expect(
      ruleE2(
        tx({ startDate: '2020-01-01' }, { drug: 'cladribine', startDate: '2021-01-01' }),
        AT,
        p,
      ).outcome,
    ).toBe('not_met');
  });
});

describe('E3 prior rituximab (v1)', () => {
  it('prior rituximab -> not_met, others -> met', () => {
    expect(
      ruleE3(tx({ drug: 'rituximab', startDate: '2021-05-01', endDate: '2022-05-01' }), AT, p)
        .outcome,
    ).toBe('not_met');
    expect(
      ruleE3(tx({ drug: 'ocrelizumab', startDate: '2021-05-01', endDate: null }), AT, p).outcome,
    ).toBe('met');
  });
});

describe('E8 currently on a second-line drug', () => {
  it.each([
    [{ drug: 'ocrelizumab', startDate: '2025-01-01', endDate: null }, 'not_met'],
    [{ drug: 'ocrelizumab', startDate: '2025-01-01', endDate: '2026-03-01' }, 'not_met'], // ends today
    [{ drug: 'ocrelizumab', startDate: '2025-01-01', endDate: '2026-02-28' }, 'met'],
    [{ drug: 'ocrelizumab', startDate: '2025-01-01' }, 'unknown'], // end not entered
    [{ drug: 'cladribine', startDate: '2026-03-02', endDate: null }, 'met'], // not started yet
    [{ drug: 'natalizumab', startDate: '2025-01-01', endDate: null }, 'met'],
  ] as Array<[Treatment, string]>)('%j -> %s', (t, outcome) => {
    expect(ruleE8(tx(t), AT, p).outcome).toBe(outcome);
  });

  it('explains', () => {
    expect(
      ruleE8(tx({ drug: 'alemtuzumab', startDate: '2026-01-05', endDate: null }), AT, p)
        .explanation,
    ).toBe('on alemtuzumab since 2026-01-05 at 2026-03-01 excludes');
  });
});
