import { RAM_MS_V2, ZIN_2022 } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { ruleI4, ruleZI3 } from './edss.rule';

const AT = '2026-03-01';
const ram = RAM_MS_V2.params;
const zin = ZIN_2022.params;

const edss = (score: unknown, stablePhase: boolean | null = true): ScreeningData =>
  ({ edss: { score, date: '2026-02-01', stablePhase } }) as ScreeningData;

describe('I4 EDSS 0-5.5 inclusive (RAM-MS)', () => {
  it.each([
    [0, 'met'],
    [5.0, 'met'],
    [5.5, 'met'],
    [6.0, 'not_met'],
    [10, 'not_met'],
  ])('EDSS %d -> %s', (score, outcome) => {
    expect(ruleI4(edss(score), AT, ram).outcome).toBe(outcome);
  });

  it('does not need a stable phase', () => {
    expect(ruleI4(edss(4, null), AT, ram).outcome).toBe('met');
    expect(ruleI4(edss(4, false), AT, ram).outcome).toBe('met');
  });

  it('explains the score and the range', () => {
    expect(ruleI4(edss(6), AT, ram).explanation).toBe(
      'EDSS 6.0 (2026-02-01) is above the range >= 0.0 and <= 5.5',
    );
  });

  it.each([
    [{}],
    [{ edss: null }],
    [{ edss: {} }],
    [edss(5.3)],
    [edss(-0.5)],
    [edss(10.5)],
    [edss('4')],
    [edss(NaN)],
  ])('missing or invalid score %j -> unknown', (data) => {
    expect(ruleI4(data as ScreeningData, AT, ram).outcome).toBe('unknown');
  });

  it('edssUpperInclusive: false makes 5.5 fail', () => {
    expect(ruleI4(edss(5.5), AT, { ...ram, edssUpperInclusive: false }).outcome).toBe('not_met');
  });

  it('edssMaxAgeMonths makes an old score unknown', () => {
    const p = { ...ram, edssMaxAgeMonths: 3 };
    expect(ruleI4({ edss: { score: 4, date: '2025-12-01' } }, AT, p).outcome).toBe('met');
    expect(ruleI4({ edss: { score: 4, date: '2025-11-30' } }, AT, p).outcome).toBe('unknown');
    expect(ruleI4({ edss: { score: 4 } }, AT, p).outcome).toBe('unknown');
    // a score out of range fails whatever its date
    expect(ruleI4({ edss: { score: 7 } }, AT, p).outcome).toBe('not_met');
  });
});

describe('Z-I3 EDSS >= 3.0 and < 6.5 in a stable phase (ZIN)', () => {
  it.each([
    [2.5, 'not_met'],
    [3.0, 'met'],
    [6.0, 'met'],
    [6.5, 'not_met'],
  ])('EDSS %d (stable) -> %s', (score, outcome) => {
    expect(ruleZI3(edss(score), AT, zin).outcome).toBe(outcome);
  });

  it('needs the stable phase', () => {
    expect(ruleZI3(edss(4, false), AT, zin)).toEqual({
      id: 'Z-I3',
      outcome: 'not_met',
      explanation: 'EDSS not assessed in a stable phase',
    });
    expect(ruleZI3(edss(4, null), AT, zin).outcome).toBe('unknown');
  });

  it('an out-of-range score fails even if the stable phase is unknown', () => {
    expect(ruleZI3(edss(7, null), AT, zin).outcome).toBe('not_met');
    expect(ruleZI3(edss(2.5, null), AT, zin).outcome).toBe('not_met');
  });

  it('explains the exclusive upper bound', () => {
    expect(ruleZI3(edss(6.5), AT, zin).explanation).toBe(
      'EDSS 6.5 (2026-02-01) is above the range >= 3.0 and < 6.5',
    );
  });
});
