import {
  CRITERIA_SETS,
  DRUG_CLASSIFICATION,
  RAM_MS_CRITERION_IDS,
  RAM_MS_STANDARD_DMTS,
  RAM_MS_V1,
  RAM_MS_V2,
  ZIN_2022,
  ZIN_CRITERION_IDS,
  ZIN_HIGH_EFFICACY_DMTS,
  findCriteriaSet,
  validateCriteriaSet,
  withOverrides,
  type CriteriaSet,
} from './criteria-sets';
import { RAM_MS_RULES, ZIN_RULES } from './rules';
import { DRUG_CODES } from './screening-data';

describe('criteria sets', () => {
  it('[REQ-ELIG-001] has the three versions with stable ids', () => {
    expect(CRITERIA_SETS.map((s) => s.id)).toEqual(['ram-ms-v1', 'ram-ms-v2', 'zin-2022']);
    expect(findCriteriaSet('zin-2022')).toBe(ZIN_2022);
    expect(findCriteriaSet('nope')).toBeUndefined();
  });

  it.each(CRITERIA_SETS.map((s) => [s.id, s] as [string, CriteriaSet]))(
    '%s is valid',
    (_id, set) => {
      expect(validateCriteriaSet(set)).toEqual([]);
    },
  );

  it('lists every criterion id of its family, each with a rule', () => {
    expect(RAM_MS_V1.criteria.map((c) => c.id)).toEqual([...RAM_MS_CRITERION_IDS]);
    expect(RAM_MS_V2.criteria.map((c) => c.id)).toEqual([...RAM_MS_CRITERION_IDS]);
    expect(ZIN_2022.criteria.map((c) => c.id)).toEqual([...ZIN_CRITERION_IDS]);
    expect(Object.keys(RAM_MS_RULES).sort()).toEqual([...RAM_MS_CRITERION_IDS].sort());
    expect(Object.keys(ZIN_RULES).sort()).toEqual([...ZIN_CRITERION_IDS].sort());
  });

  it('v1: arm B alemtuzumab only, prior rituximab excludes; v2: three comparators, rituximab allowed', () => {
    expect(RAM_MS_V1.comparators).toEqual(['alemtuzumab']);
    expect(RAM_MS_V2.comparators).toEqual(['alemtuzumab', 'cladribine', 'ocrelizumab']);
    expect(RAM_MS_V1.criteria.find((c) => c.id === 'E3')?.enabled).toBe(true);
    expect(RAM_MS_V2.criteria.find((c) => c.id === 'E3')?.enabled).toBe(false);
  });

  it('E9-E12 are unverified and enabled by default in both RAM-MS versions', () => {
    for (const set of [RAM_MS_V1, RAM_MS_V2]) {
      const flagged = set.criteria.filter((c) => !c.verified).map((c) => [c.id, c.enabled]);
      expect(flagged).toEqual([
        ['E9', true],
        ['E10', true],
        ['E11', true],
        ['E12', true],
      ]);
    }
  });

  it('keeps the numeric readings as named parameters', () => {
    expect(RAM_MS_V2.params).toMatchObject({
      ageMin: 18,
      ageMax: 50,
      edssMin: 0,
      edssMax: 5.5,
      edssUpperInclusive: true,
      lastYearMonths: 12,
      relapseMinMonthsAfterDmtStart: 3,
      mriGdMin: 1,
      mriT2Min: 3,
    });
    expect(ZIN_2022.params).toMatchObject({
      ageMin: 18,
      ageMax: 55,
      edssMin: 3,
      edssLowerInclusive: true,
      edssMax: 6.5,
      edssUpperInclusive: false,
      edssRequiresStablePhase: true,
      zinMinMonthsOnHeDmt: 6,
      zinMriMinMonthsAfterHeStart: 3,
      zinGdMin: 2,
      zinT2Min: 3,
      zinActiveMriMaxAgeMonths: 12,
      zinActiveMriAgeStrict: true,
      maxDiseaseDurationYears: 10,
      diseaseDurationAnchor: 'diagnosisDate',
    });
  });

  it('drug lists: RAM-MS standard DMTs and ZIN high-efficacy DMTs', () => {
    expect(RAM_MS_STANDARD_DMTS).toEqual([
      'interferon_beta',
      'glatiramer_acetate',
      'dimethyl_fumarate',
      'teriflunomide',
      'fingolimod',
      'natalizumab',
    ]);
    expect(ZIN_HIGH_EFFICACY_DMTS).toEqual([
      'natalizumab',
      'ocrelizumab',
      'rituximab',
      'ofatumumab',
      'cladribine',
      'alemtuzumab',
    ]);
    expect(Object.keys(DRUG_CLASSIFICATION)).toEqual([...DRUG_CODES]);
    expect(DRUG_CLASSIFICATION.natalizumab).toEqual({
      ramMsStandardDmt: true,
      zinHighEfficacy: true,
      zinInduction: false,
    });
    expect(DRUG_CLASSIFICATION.alemtuzumab).toEqual({
      ramMsStandardDmt: false,
      zinHighEfficacy: true,
      zinInduction: true,
    });
    expect(DRUG_CLASSIFICATION.ahsct).toEqual({
      ramMsStandardDmt: false,
      zinHighEfficacy: false,
      zinInduction: false,
    });
  });

  it('ZIN carries the induction-therapy note as a warning, not a criterion', () => {
    expect(ZIN_2022.warnings).toEqual([
      expect.objectContaining({
        kind: 'prior-drug',
        code: 'ZIN_INDUCTION_THERAPY',
        drugs: ['cladribine', 'alemtuzumab'],
      }),
    ]);
  });

  it('withOverrides switches criteria and params without touching the original', () => {
    const noE9 = withOverrides(RAM_MS_V2, { enabled: { E9: false }, params: { ageMax: 55 } });
    expect(noE9.criteria.find((c) => c.id === 'E9')?.enabled).toBe(false);
    expect(noE9.params.ageMax).toBe(55);
    expect(RAM_MS_V2.criteria.find((c) => c.id === 'E9')?.enabled).toBe(true);
    expect(RAM_MS_V2.params.ageMax).toBe(50);
  });

  it('validateCriteriaSet reports broken configuration', () => {
    const broken = {
      ...RAM_MS_V2,
      criteria: RAM_MS_V2.criteria.filter((c) => c.id !== 'E12'),
      params: { ...RAM_MS_V2.params, ageMin: 60, standardDmts: ['aspirin'] },
    } as unknown as CriteriaSet;
    expect(validateCriteriaSet(broken)).toEqual([
      'criterion E12 is not listed (list it with enabled: false to switch it off)',
      'ageMin must be <= ageMax',
      'unknown drug code aspirin',
    ]);
  });
});
