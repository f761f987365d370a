import { RAM_MS_V1, RAM_MS_V2, ZIN_2022, withOverrides } from './criteria-sets';
import { canonicalJson, evaluate, evaluateMany, hashScreeningInput, resultFrom } from './evaluate';
import type { ScreeningData } from './screening-data';
import {
  ASSESSMENT_DATE,
  ramMsEligibleRecord,
  zinEligibleRecord,
} from './testing/screening.builders';

const AT = ASSESSMENT_DATE;

describe('evaluate', () => {
  it('[REQ-ELIG-001] resultFrom: all met -> eligible, any not_met -> ineligible, else incomplete', () => {
    expect(resultFrom(['met', 'met'])).toBe('eligible');
    expect(resultFrom(['met', 'unknown', 'not_met'])).toBe('ineligible');
    expect(resultFrom(['met', 'unknown'])).toBe('incomplete');
    expect(resultFrom([])).toBe('eligible');
  });

  it('a complete, qualifying record is eligible for RAM-MS v2 with every criterion met', () => {
    const r = evaluate(ramMsEligibleRecord(), AT, RAM_MS_V2);
    expect(r).toMatchObject({
      criteriaSetId: 'ram-ms-v2',
      version: 'v2',
      assessmentDate: AT,
      result: 'eligible',
      exclusionCodes: [],
      unknownCodes: [],
      warnings: [],
      disabledCriteria: ['E3'],
    });
    expect(r.criteria.map((c) => [c.id, c.outcome])).toEqual(
      [
        'I1',
        'I2',
        'I3',
        'I4',
        'I5',
        'I6',
        'I7',
        'E1',
        'E2',
        'E4',
        'E5',
        'E6',
        'E7',
        'E8',
        'E9',
        'E10',
        'E11',
        'E12',
      ].map((id) => [id, 'met']),
    );
  });

  it('an empty record is incomplete with every criterion unknown', () => {
    const r = evaluate({}, AT, RAM_MS_V1);
    expect(r.result).toBe('incomplete');
    expect(r.unknownCodes).toEqual(RAM_MS_V1.criteria.map((c) => c.id));
    expect(r.exclusionCodes).toEqual([]);
  });

  it('one failing criterion makes the record ineligible even with others unknown', () => {
    const data: ScreeningData = { birthDate: '1975-03-01' }; // 51
    const r = evaluate(data, AT, RAM_MS_V2);
    expect(r.result).toBe('ineligible');
    expect(r.exclusionCodes).toEqual(['I1']);
  });

  describe('v1 vs v2: prior rituximab', () => {
    const data: ScreeningData = {
      ...ramMsEligibleRecord(),
      treatments: [
        { drug: 'rituximab', startDate: '2020-01-01', endDate: '2021-01-01' },
        { drug: 'interferon_beta', startDate: '2024-01-01', endDate: null },
      ],
    };

    it('excludes under v1 (E3)', () => {
      const r = evaluate(data, AT, RAM_MS_V1);
      expect(r.result).toBe('ineligible');
      expect(r.exclusionCodes).toEqual(['E3']);
      expect(r.criteria.find((c) => c.id === 'E3')?.explanation).toBe(
        'prior rituximab (started 2020-01-01) excludes',
      );
    });

    it('is allowed under v2', () => {
      const r = evaluate(data, AT, RAM_MS_V2);
      expect(r.result).toBe('eligible');
      expect(r.criteria.some((c) => c.id === 'E3')).toBe(false);
    });
  });

  it('the unverified exclusions can be switched off per version', () => {
    const data: ScreeningData = {
      ...ramMsEligibleRecord(),
      activeInfections: { ...ramMsEligibleRecord().activeInfections, ebv: true },
    };
    const on = evaluate(data, AT, RAM_MS_V2);
    expect(on.result).toBe('ineligible');
    expect(on.exclusionCodes).toEqual(['E9']);
    expect(on.warnings).toEqual([
      {
        code: 'UNVERIFIED_CRITERION_NOT_MET',
        criterionId: 'E9',
        message:
          'E9 (other infections) is not confirmed from a public source; verify before relying on it',
      },
    ]);
    const off = evaluate(data, AT, withOverrides(RAM_MS_V2, { enabled: { E9: false } }));
    expect(off.result).toBe('eligible');
    expect(off.disabledCriteria).toEqual(['E3', 'E9']);
  });

  it('rejects an invalid assessment date', () => {
    expect(() => evaluate({}, '2026-02-30', RAM_MS_V2)).toThrow(RangeError);
    expect(() => evaluate({}, '', ZIN_2022)).toThrow(RangeError);
  });

  it('a ZIN-eligible record on ocrelizumab is ineligible for RAM-MS (I5, E2, E8)', () => {
    const r = evaluate(zinEligibleRecord(), AT, RAM_MS_V2);
    expect(r.result).toBe('ineligible');
    expect(r.exclusionCodes).toEqual(['I5', 'E2', 'E8']);
    expect(evaluate(zinEligibleRecord(), AT, ZIN_2022).result).toBe('eligible');
  });
});

describe('[REQ-ELIG-001] evaluateMany: the three sets side by side', () => {
  const afterAlemtuzumab: ScreeningData = {
    ...zinEligibleRecord(),
    treatments: [
      { drug: 'fingolimod', startDate: '2019-01-01', endDate: '2022-12-01' },
      { drug: 'alemtuzumab', startDate: '2023-01-10', endDate: '2024-01-14' },
    ],
  };

  it('"not eligible for the trial (prior alemtuzumab), meets the ZIN 2022 criteria"', () => {
    const many = evaluateMany(afterAlemtuzumab, AT, [RAM_MS_V1, RAM_MS_V2, ZIN_2022]);
    expect(many.results.map((r) => [r.criteriaSetId, r.result, r.exclusionCodes])).toEqual([
      ['ram-ms-v1', 'ineligible', ['I5', 'E2']],
      ['ram-ms-v2', 'ineligible', ['I5', 'E2']],
      ['zin-2022', 'eligible', []],
    ]);
    const zin = many.results[2];
    expect(zin.warnings.map((w) => w.code)).toEqual(['ZIN_INDUCTION_THERAPY']);
    expect(many.summary[1]).toContain('RAM-MS v2 (2021 amendment): not eligible (');
    expect(many.summary[1]).toContain('E2: prior alemtuzumab (started 2023-01-10) excludes');
    expect(many.summary[2]).toBe('ZIN 2022: meets the criteria [warnings: ZIN_INDUCTION_THERAPY]');
  });

  it('a natalizumab breakthrough with EDSS 4 meets both RAM-MS v2 and ZIN', () => {
    const data: ScreeningData = {
      ...ramMsEligibleRecord(),
      edss: { score: 4, date: '2026-02-01', stablePhase: true },
      treatments: [{ drug: 'natalizumab', startDate: '2024-01-01', endDate: null }],
      mriExams: [{ id: 'a', date: '2025-10-01', gdEnhancingT1: 2, newOrEnlargingT2: 0 }],
    };
    const many = evaluateMany(data, AT, [RAM_MS_V2, ZIN_2022]);
    expect(many.results.map((r) => r.result)).toEqual(['eligible', 'eligible']);
    expect(many.results[1].warnings).toEqual([]);
  });

  it('an incomplete record says what is missing', () => {
    const many = evaluateMany({ birthDate: '1990-01-01' }, AT, [ZIN_2022]);
    expect(many.summary).toEqual([
      'ZIN 2022: incomplete, missing data for Z-I1, Z-I3, Z-I4, Z-E1, Z-E2, Z-E3',
    ]);
  });
});

describe('hashScreeningInput', () => {
  it('is a SHA-256 hex digest, stable across key order', () => {
    const a: ScreeningData = { birthDate: '1990-01-01', edss: { score: 3, date: '2026-01-01' } };
    const b: ScreeningData = { edss: { date: '2026-01-01', score: 3 }, birthDate: '1990-01-01' };
    expect(hashScreeningInput(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashScreeningInput(a)).toBe(hashScreeningInput(b));
  });

  it('matches the SHA-256 of the canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: [true, null, undefined], c: undefined })).toBe(
      '{"a":[true,null,null],"b":1}',
    );
    // sha256('{}')
    expect(hashScreeningInput({})).toBe(
      '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });

  it('changes when the data change, and tells null from absent', () => {
    const base = ramMsEligibleRecord();
    const changed = { ...base, edss: { ...base.edss, score: 4 } };
    expect(hashScreeningInput(changed)).not.toBe(hashScreeningInput(base));
    expect(hashScreeningInput({ treatments: [{ drug: 'rituximab', endDate: null }] })).not.toBe(
      hashScreeningInput({ treatments: [{ drug: 'rituximab' }] }),
    );
  });

  it('keeps array order significant', () => {
    expect(
      hashScreeningInput({ relapses: [{ onsetDate: '2025-01-01' }, { onsetDate: '2025-02-01' }] }),
    ).not.toBe(
      hashScreeningInput({ relapses: [{ onsetDate: '2025-02-01' }, { onsetDate: '2025-01-01' }] }),
    );
  });
});
