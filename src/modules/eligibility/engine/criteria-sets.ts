import type { LeapDayBirthday } from './dates';
import type { MissingTreatmentEnd } from './rules/read';
import {
  ACTIVE_INFECTIONS,
  DRUG_CODES,
  isDrugCode,
  type ActiveInfection,
  type ComorbidityFlag,
  type DiseaseCourse,
  type DrugCode,
  type InfectionTest,
  type IsoDate,
} from './screening-data';

/**
 * Versioned criteria sets, as data (docs/domain/ram-ms.md §2, §9; issue 4).
 *
 * Every reading of an ambiguous criterion that is our choice is a named parameter here, so it can
 * change without code. docs/domain/ram-ms.md §9 lists the open readings. Rules receive `set.params` and nothing else.
 */

// ---------------------------------------------------------------------------------------------
// Drug lists

/** RAM-MS I5: the standard DMTs a qualifying relapse must break through (W2, W17). */
export const RAM_MS_STANDARD_DMTS: readonly DrugCode[] = [
  'interferon_beta',
  'glatiramer_acetate',
  'dimethyl_fumarate',
  'teriflunomide',
  'fingolimod',
  'natalizumab',
];

/** ZIN Z-I1: the high-efficacy second-line DMTs (S004). */
export const ZIN_HIGH_EFFICACY_DMTS: readonly DrugCode[] = [
  'natalizumab',
  'ocrelizumab',
  'rituximab',
  'ofatumumab',
  'cladribine',
  'alemtuzumab',
];

/** ZIN footnote **: induction therapies (S004). */
export const ZIN_INDUCTION_THERAPIES: readonly DrugCode[] = ['cladribine', 'alemtuzumab'];

/** RAM-MS E2: prior comparator or HSCT excludes (W11, S003). */
export const RAM_MS_PRIOR_EXCLUSION_DRUGS: readonly DrugCode[] = [
  'ahsct',
  'alemtuzumab',
  'cladribine',
  'ocrelizumab',
];

/** RAM-MS E3: prior rituximab excludes in v1 only (W11). */
export const RAM_MS_PRIOR_RITUXIMAB_DRUGS: readonly DrugCode[] = ['rituximab'];

/** RAM-MS E8: "already on a second-line drug" (S003). */
export const RAM_MS_CURRENT_EXCLUSION_DRUGS: readonly DrugCode[] = [
  'alemtuzumab',
  'cladribine',
  'ocrelizumab',
];

export interface DrugClassification {
  ramMsStandardDmt: boolean;
  zinHighEfficacy: boolean;
  zinInduction: boolean;
}

/** Every drug code with the lists it is on, derived from the lists above (for display). */
export const DRUG_CLASSIFICATION: Readonly<Record<DrugCode, DrugClassification>> =
  Object.fromEntries(
    DRUG_CODES.map((drug) => [
      drug,
      {
        ramMsStandardDmt: RAM_MS_STANDARD_DMTS.includes(drug),
        zinHighEfficacy: ZIN_HIGH_EFFICACY_DMTS.includes(drug),
        zinInduction: ZIN_INDUCTION_THERAPIES.includes(drug),
      },
    ]),
  ) as Record<DrugCode, DrugClassification>;

// ---------------------------------------------------------------------------------------------
// Parameter types (one slice per rule family; a set's params are the union of its slices)

export interface AgeParams {
  ageMin: number;
  ageMax: number;
  ageMinInclusive: boolean;
  ageMaxInclusive: boolean;
  /** Where a 29 February birthday falls in a common year. */
  leapDayBirthday: LeapDayBirthday;
}

export interface EdssParams {
  edssMin: number;
  edssMax: number;
  edssLowerInclusive: boolean;
  edssUpperInclusive: boolean;
  /** The score must be from a stable phase (ZIN). */
  edssRequiresStablePhase: boolean;
  /** The EDSS must be at most this many months old at the assessment date; null = no limit. */
  edssMaxAgeMonths: number | null;
}

export interface TreatmentReadingParams {
  /** A treatment whose end date was never entered: still on it, or unknown. */
  missingTreatmentEndMeans: MissingTreatmentEnd;
}

export interface RamMsActivityParams extends TreatmentReadingParams {
  /** "In the last year" = events dated on/after assessment date minus this many months. */
  lastYearMonths: number;
  /** Whether an event exactly `lastYearMonths` old is still inside the last year. */
  lastYearInclusive: boolean;
  standardDmts: readonly DrugCode[];
  relapseRequiresSteroids: boolean;
  relapseRequiresClinicallyRelevant: boolean;
  /** Start of the DMT + this many calendar months <= relapse onset. */
  relapseMinMonthsAfterDmtStart: number;
  /** The person was still on that DMT at the relapse onset (end date null or on/after onset). */
  relapseRequiresStillOnDmt: boolean;
  /** Minimum Gd-enhancing T1 lesions on one exam. */
  mriGdMin: number;
  /** Minimum new/enlarging T2 lesions on one exam. */
  mriT2Min: number;
  /** Whether the T2 count only counts when the exam names its reference exam. */
  mriT2RequiresReferenceExam: boolean;
}

export interface DiagnosisParams {
  /** I3: courses that qualify. */
  inclusionCourses: readonly DiseaseCourse[];
  /** I3: the revised McDonald criteria must be met. */
  requireMcDonald: boolean;
  /** E4 / Z-E3: courses that exclude. */
  progressiveCourses: readonly DiseaseCourse[];
}

export interface PriorTreatmentParams extends TreatmentReadingParams {
  /** E2: any recorded use (start on/before the assessment date, or no start date) excludes. */
  priorExclusionDrugs: readonly DrugCode[];
  /** E3: as E2, for the version-specific rituximab rule. */
  priorRituximabExclusionDrugs: readonly DrugCode[];
  /** E8: being on one of these at the assessment date excludes. */
  currentExclusionDrugs: readonly DrugCode[];
}

export interface RamMsInfectionParams {
  /** E5: a positive result on any of these excludes; pending gives unknown. */
  e5PositiveTests: readonly InfectionTest[];
  /** E9: a positive result on any of these excludes. */
  e9PositiveTests: readonly InfectionTest[];
  /** E9: any of these known active infections excludes. */
  e9ActiveInfections: readonly ActiveInfection[];
}

export interface RamMsComorbidityParams {
  /** E10: any of these flags excludes. */
  e10Flags: readonly ComorbidityFlag[];
  /** E11: any of these flags excludes. */
  e11Flags: readonly ComorbidityFlag[];
}

export interface ConsentParams {
  /** I7: consent versions accepted; null = any version. */
  acceptedConsentVersions: readonly string[] | null;
}

export interface ZinActivityParams extends TreatmentReadingParams {
  highEfficacyDmts: readonly DrugCode[];
  /** Months on the HE DMT, counted to its end date or to the assessment date. */
  zinMinMonthsOnHeDmt: number;
  /** Z-I1 "very active RRMS": the course must be RRMS. */
  zinRequiresRrmsCourse: boolean;
  zinRelapseRequiresClinicallyRelevant: boolean;
  /** Relapse must be within this many months before the assessment date; null = no window. */
  zinRelapseWindowMonths: number | null;
  /** The relapse and the active MRI must fall while still on the HE DMT (not after stopping). */
  zinActivityMustBeWhileOnHeDmt: boolean;
  /** Active exam (Gd route) and reference exam (T2 route): >= this many months after HE start. */
  zinMriMinMonthsAfterHeStart: number;
  zinGdMin: number;
  zinT2Min: number;
  /** "Active MRI lesions must be < 1 year old": the active exam's maximum age in months. */
  zinActiveMriMaxAgeMonths: number;
  /** true: strictly younger than the maximum age (an exam exactly 12 months old does not count). */
  zinActiveMriAgeStrict: boolean;
}

export interface DiseaseDurationParams {
  maxDiseaseDurationYears: number;
  /** true: duration must be strictly below the maximum ("< 10 years"). */
  diseaseDurationStrict: boolean;
  diseaseDurationAnchor: 'diagnosisDate' | 'symptomOnsetDate';
}

export interface ZinComorbidityParams {
  /** Z-E2(b): a positive result on any of these excludes. */
  zinE2PositiveTests: readonly InfectionTest[];
  /** Z-E2(b): any of these known active infections excludes. */
  zinE2ActiveInfections: readonly ActiveInfection[];
  /** Z-E2(a, c–f): any of these flags excludes. */
  zinE2Flags: readonly ComorbidityFlag[];
}

export type RamMsParams = AgeParams &
  EdssParams &
  RamMsActivityParams &
  DiagnosisParams &
  PriorTreatmentParams &
  RamMsInfectionParams &
  RamMsComorbidityParams &
  ConsentParams;

export type ZinParams = AgeParams &
  EdssParams &
  ZinActivityParams &
  DiagnosisParams &
  DiseaseDurationParams &
  ZinComorbidityParams;

// ---------------------------------------------------------------------------------------------
// Criteria and sets

export const RAM_MS_CRITERION_IDS = [
  'I1',
  'I2',
  'I3',
  'I4',
  'I5',
  'I6',
  'I7',
  'E1',
  'E2',
  'E3',
  'E4',
  'E5',
  'E6',
  'E7',
  'E8',
  'E9',
  'E10',
  'E11',
  'E12',
] as const;
export type RamMsCriterionId = (typeof RAM_MS_CRITERION_IDS)[number];

export const ZIN_CRITERION_IDS = ['Z-I1', 'Z-I2', 'Z-I3', 'Z-I4', 'Z-E1', 'Z-E2', 'Z-E3'] as const;
export type ZinCriterionId = (typeof ZIN_CRITERION_IDS)[number];

export type CriterionId = RamMsCriterionId | ZinCriterionId;

export interface CriterionConfig<Id extends CriterionId> {
  id: Id;
  kind: 'inclusion' | 'exclusion';
  /** Short label, used in summaries. */
  title: string;
  /** Disabled criteria are not evaluated and do not count towards the result. */
  enabled: boolean;
  /** false = not confirmed from a public source (docs/domain/ram-ms.md §2B, §9). */
  verified: boolean;
  /** Source tags from docs/domain/ram-ms.md §0. */
  source: string;
  note?: string;
}

/** A warning shown on the result when the person has a recorded treatment with one of `drugs`. */
export interface PriorDrugWarning {
  kind: 'prior-drug';
  code: string;
  drugs: readonly DrugCode[];
  message: string;
}

export type WarningConfig = PriorDrugWarning;

interface CriteriaSetBase<F extends string, Id extends CriterionId, P> {
  /** Stable id, stored with every assessment. */
  id: string;
  family: F;
  version: string;
  label: string;
  effectiveFrom: IsoDate;
  description: string;
  /** Arm-B comparators of this version (RAM-MS); empty for ZIN. */
  comparators: readonly DrugCode[];
  criteria: ReadonlyArray<CriterionConfig<Id>>;
  params: P;
  warnings: readonly WarningConfig[];
  /** Emit a warning whenever an unverified criterion decides the result (not_met). */
  warnWhenUnverifiedCriterionNotMet: boolean;
}

export type RamMsCriteriaSet = CriteriaSetBase<'ram-ms', RamMsCriterionId, RamMsParams>;
export type ZinCriteriaSet = CriteriaSetBase<'zin', ZinCriterionId, ZinParams>;
export type CriteriaSet = RamMsCriteriaSet | ZinCriteriaSet;

const RAM_MS_CRITERIA: ReadonlyArray<CriterionConfig<RamMsCriterionId>> = [
  {
    id: 'I1',
    kind: 'inclusion',
    title: 'age 18-50',
    enabled: true,
    verified: true,
    source: 'W1, W2, W7',
  },
  {
    id: 'I2',
    kind: 'inclusion',
    title: 'highly effective contraception if childbearing potential (self or partner)',
    enabled: true,
    verified: true,
    source: 'W1, W2',
  },
  {
    id: 'I3',
    kind: 'inclusion',
    title: 'RRMS by revised McDonald criteria',
    enabled: true,
    verified: true,
    source: 'W1, W2, W9',
  },
  {
    id: 'I4',
    kind: 'inclusion',
    title: 'EDSS 0-5.5',
    enabled: true,
    verified: true,
    source: 'W1, W2, W7',
  },
  {
    id: 'I5',
    kind: 'inclusion',
    title: 'significant inflammatory activity in the last year despite standard DMT',
    enabled: true,
    verified: true,
    source: 'W2, W7, W9, W17',
  },
  {
    id: 'I6',
    kind: 'inclusion',
    title: 'referred from a neurology department',
    enabled: true,
    verified: true,
    source: 'W2',
  },
  {
    id: 'I7',
    kind: 'inclusion',
    title: 'signed informed consent',
    enabled: true,
    verified: true,
    source: 'W2',
    note: 'If consent is only taken after a signed eligible assessment, disable I7 for that step.',
  },
  {
    id: 'E1',
    kind: 'exclusion',
    title: 'hypersensitivity or serious side effects to study medication',
    enabled: true,
    verified: true,
    source: 'W2',
  },
  {
    id: 'E2',
    kind: 'exclusion',
    title: 'prior HSCT, alemtuzumab, cladribine or ocrelizumab',
    enabled: true,
    verified: true,
    source: 'W11, S003',
  },
  {
    id: 'E3',
    kind: 'exclusion',
    title: 'prior rituximab',
    enabled: true,
    verified: true,
    source: 'W11',
  },
  {
    id: 'E4',
    kind: 'exclusion',
    title: 'progressive MS (PPMS/SPMS)',
    enabled: true,
    verified: true,
    source: 'S003',
  },
  {
    id: 'E5',
    kind: 'exclusion',
    title: 'positive TB, hepatitis (HBsAg, HCV PCR) or HIV test',
    enabled: true,
    verified: true,
    source: 'S003',
  },
  {
    id: 'E6',
    kind: 'exclusion',
    title: 'unwilling to learn screening test results',
    enabled: true,
    verified: true,
    source: 'S003',
  },
  {
    id: 'E7',
    kind: 'exclusion',
    title: 'unwilling to be randomised',
    enabled: true,
    verified: true,
    source: 'S003',
  },
  {
    id: 'E8',
    kind: 'exclusion',
    title: 'currently on a second-line drug',
    enabled: true,
    verified: true,
    source: 'S003',
  },
  {
    id: 'E9',
    kind: 'exclusion',
    title: 'other infections',
    enabled: true,
    verified: false,
    source: 'W25, S004',
  },
  {
    id: 'E10',
    kind: 'exclusion',
    title: 'severe depression, addiction, cardiovascular risk or disease preventing medication',
    enabled: true,
    verified: false,
    source: 'S003, S004',
  },
  {
    id: 'E11',
    kind: 'exclusion',
    title: 'malignancy',
    enabled: true,
    verified: false,
    source: 'S004, W20',
  },
  {
    id: 'E12',
    kind: 'exclusion',
    title: 'pregnancy or breastfeeding',
    enabled: true,
    verified: false,
    source: 'W2 (implied by I2)',
  },
];

const RAM_MS_PARAMS: RamMsParams = {
  ageMin: 18,
  ageMax: 50,
  ageMinInclusive: true,
  ageMaxInclusive: true,
  leapDayBirthday: 'feb28',

  edssMin: 0,
  edssMax: 5.5,
  edssLowerInclusive: true,
  edssUpperInclusive: true,
  edssRequiresStablePhase: false,
  edssMaxAgeMonths: null,

  missingTreatmentEndMeans: 'unknown',
  lastYearMonths: 12,
  lastYearInclusive: true,
  standardDmts: RAM_MS_STANDARD_DMTS,
  relapseRequiresSteroids: true,
  relapseRequiresClinicallyRelevant: false,
  relapseMinMonthsAfterDmtStart: 3,
  relapseRequiresStillOnDmt: true,
  mriGdMin: 1,
  mriT2Min: 3,
  mriT2RequiresReferenceExam: false,

  inclusionCourses: ['RRMS'],
  requireMcDonald: true,
  progressiveCourses: ['PPMS', 'SPMS'],

  priorExclusionDrugs: RAM_MS_PRIOR_EXCLUSION_DRUGS,
  priorRituximabExclusionDrugs: RAM_MS_PRIOR_RITUXIMAB_DRUGS,
  currentExclusionDrugs: RAM_MS_CURRENT_EXCLUSION_DRUGS,

  e5PositiveTests: ['tb', 'hiv', 'hbsag', 'hcvPcr'],
  e9PositiveTests: ['syphilis', 'hbsag', 'hcvPcr'],
  e9ActiveInfections: ACTIVE_INFECTIONS,

  e10Flags: ['severeDepression', 'addiction', 'cardiovascularRisk', 'diseasePreventingMedication'],
  e11Flags: ['activeMalignancy', 'pastMalignancyOtherThanBccOrCin'],

  acceptedConsentVersions: null,
};

/** RAM-MS 2018 original: arm B alemtuzumab only; prior rituximab excludes (E3 on). */
export const RAM_MS_V1: RamMsCriteriaSet = {
  id: 'ram-ms-v1',
  family: 'ram-ms',
  version: 'v1',
  label: 'RAM-MS v1 (2018)',
  effectiveFrom: '2018-03-21',
  description: 'RAM-MS original protocol: arm B alemtuzumab only; prior rituximab excludes.',
  comparators: ['alemtuzumab'],
  criteria: RAM_MS_CRITERIA,
  params: RAM_MS_PARAMS,
  warnings: [],
  warnWhenUnverifiedCriterionNotMet: true,
};

/** RAM-MS after the ~2021 amendment: three comparators; prior rituximab allowed (E3 off). */
export const RAM_MS_V2: RamMsCriteriaSet = {
  id: 'ram-ms-v2',
  family: 'ram-ms',
  version: 'v2',
  label: 'RAM-MS v2 (2021 amendment)',
  // [DEFAULT] the amendment date is only known as "~2021" (W11).
  effectiveFrom: '2021-01-01',
  description:
    'RAM-MS with three comparators (alemtuzumab, cladribine, ocrelizumab); prior rituximab allowed.',
  comparators: ['alemtuzumab', 'cladribine', 'ocrelizumab'],
  criteria: RAM_MS_CRITERIA.map((c) =>
    c.id === 'E3'
      ? { ...c, enabled: false, note: 'Prior rituximab allowed after the ~2021 amendment (W11).' }
      : c,
  ),
  params: RAM_MS_PARAMS,
  warnings: [],
  warnWhenUnverifiedCriterionNotMet: true,
};

const ZIN_CRITERIA: ReadonlyArray<CriterionConfig<ZinCriterionId>> = [
  {
    id: 'Z-I1',
    kind: 'inclusion',
    title: 'very active RRMS despite >= 6 months of high-efficacy DMT',
    enabled: true,
    verified: true,
    source: 'S004',
  },
  {
    id: 'Z-I2',
    kind: 'inclusion',
    title: 'age 18-55',
    enabled: true,
    verified: true,
    source: 'S004',
  },
  {
    id: 'Z-I3',
    kind: 'inclusion',
    title: 'EDSS >= 3 and < 6.5 in a stable phase',
    enabled: true,
    verified: false,
    source: 'S004',
    note: 'Lower bound ">= 3" as the seed writes it; to verify against the ZIN standpoint (§9 Q10).',
  },
  {
    id: 'Z-I4',
    kind: 'inclusion',
    title: 'disease duration < 10 years',
    enabled: true,
    verified: true,
    source: 'S004',
  },
  {
    id: 'Z-E1',
    kind: 'exclusion',
    title: 'contraindication to aHSCT or hypersensitivity to its medication',
    enabled: true,
    verified: true,
    source: 'S004',
  },
  {
    id: 'Z-E2',
    kind: 'exclusion',
    title: 'clinically relevant comorbidity',
    enabled: true,
    verified: true,
    source: 'S004',
  },
  {
    id: 'Z-E3',
    kind: 'exclusion',
    title: 'PPMS or SPMS',
    enabled: true,
    verified: true,
    source: 'S004',
  },
];

const ZIN_PARAMS: ZinParams = {
  ageMin: 18,
  ageMax: 55,
  ageMinInclusive: true,
  ageMaxInclusive: true,
  leapDayBirthday: 'feb28',

  edssMin: 3.0,
  edssMax: 6.5,
  edssLowerInclusive: true,
  edssUpperInclusive: false,
  edssRequiresStablePhase: true,
  edssMaxAgeMonths: null,

  missingTreatmentEndMeans: 'unknown',
  highEfficacyDmts: ZIN_HIGH_EFFICACY_DMTS,
  zinMinMonthsOnHeDmt: 6,
  zinRequiresRrmsCourse: true,
  zinRelapseRequiresClinicallyRelevant: true,
  zinRelapseWindowMonths: null,
  zinActivityMustBeWhileOnHeDmt: false,
  zinMriMinMonthsAfterHeStart: 3,
  zinGdMin: 2,
  zinT2Min: 3,
  zinActiveMriMaxAgeMonths: 12,
  zinActiveMriAgeStrict: true,

  inclusionCourses: ['RRMS'],
  requireMcDonald: false,
  progressiveCourses: ['PPMS', 'SPMS'],

  maxDiseaseDurationYears: 10,
  diseaseDurationStrict: true,
  diseaseDurationAnchor: 'diagnosisDate',

  zinE2PositiveTests: ['tb', 'hiv', 'hbsag', 'hcvPcr', 'syphilis'],
  zinE2ActiveInfections: ACTIVE_INFECTIONS,
  zinE2Flags: [
    'diseasePreventingMedication',
    'severeDepression',
    'addiction',
    'cardiovascularRisk',
    'activeMalignancy',
    'pastMalignancyOtherThanBccOrCin',
  ],
};

/** ZIN 2022: Dutch reimbursed aHSCT (S004), a separate, non-randomised pathway. */
export const ZIN_2022: ZinCriteriaSet = {
  id: 'zin-2022',
  family: 'zin',
  version: '2022',
  label: 'ZIN 2022',
  effectiveFrom: '2022-12-15',
  description: 'Zorginstituut Nederland standpunt: aHSCT for very active RRMS despite HE DMT.',
  comparators: [],
  criteria: ZIN_CRITERIA,
  params: ZIN_PARAMS,
  warnings: [
    {
      kind: 'prior-drug',
      code: 'ZIN_INDUCTION_THERAPY',
      drugs: ZIN_INDUCTION_THERAPIES,
      message:
        'Induction therapy (cladribine/alemtuzumab): activity some years after completing both courses ' +
        'is not by definition treatment failure; repeating a course or a horizontal switch may be chosen instead.',
    },
  ],
  warnWhenUnverifiedCriterionNotMet: true,
};

export const CRITERIA_SETS: readonly CriteriaSet[] = [RAM_MS_V1, RAM_MS_V2, ZIN_2022];

export function findCriteriaSet(id: string): CriteriaSet | undefined {
  return CRITERIA_SETS.find((s) => s.id === id);
}

// ---------------------------------------------------------------------------------------------
// Per-version switches

export type CriterionIdOf<S extends CriteriaSet> = S['criteria'][number]['id'];

export interface CriteriaSetOverrides<S extends CriteriaSet> {
  /** Switch criteria on or off (e.g. the unverified E9-E12). */
  enabled?: Partial<Record<CriterionIdOf<S>, boolean>>;
  params?: Partial<S['params']>;
}

/** A copy of `set` with criteria switched and/or params changed. The input is not modified. */
export function withOverrides<S extends CriteriaSet>(
  set: S,
  overrides: CriteriaSetOverrides<S>,
): S {
  const enabled: Partial<Record<string, boolean>> = overrides.enabled ?? {};
  return {
    ...set,
    criteria: set.criteria.map((c) => {
      const flag = enabled[c.id];
      return flag === undefined ? c : { ...c, enabled: flag };
    }),
    params: { ...set.params, ...overrides.params },
  };
}

// ---------------------------------------------------------------------------------------------
// Validation (for sets loaded from configuration or the database)

/** Problems with a criteria set; empty when it is usable. */
export function validateCriteriaSet(set: CriteriaSet): string[] {
  const problems: string[] = [];
  const known: readonly string[] =
    set.family === 'ram-ms' ? RAM_MS_CRITERION_IDS : ZIN_CRITERION_IDS;
  const ids = set.criteria.map((c) => c.id as string);
  for (const id of ids) {
    if (!known.includes(id)) {
      problems.push(`unknown criterion id ${id} for family ${set.family}`);
    }
  }
  for (const id of known) {
    if (!ids.includes(id)) {
      problems.push(`criterion ${id} is not listed (list it with enabled: false to switch it off)`);
    }
  }
  if (new Set(ids).size !== ids.length) {
    problems.push('duplicate criterion ids');
  }
  const p = set.params;
  if (!(p.ageMin <= p.ageMax)) {
    problems.push('ageMin must be <= ageMax');
  }
  if (!(p.edssMin <= p.edssMax)) {
    problems.push('edssMin must be <= edssMax');
  }
  const drugLists: Array<readonly unknown[]> =
    set.family === 'ram-ms'
      ? [
          set.params.standardDmts,
          set.params.priorExclusionDrugs,
          set.params.priorRituximabExclusionDrugs,
          set.params.currentExclusionDrugs,
        ]
      : [set.params.highEfficacyDmts];
  for (const list of [...drugLists, set.comparators, ...set.warnings.map((w) => w.drugs)]) {
    for (const drug of list) {
      if (!isDrugCode(drug)) {
        problems.push(`unknown drug code ${String(drug)}`);
      }
    }
  }
  const months: Array<[string, number | null]> =
    set.family === 'ram-ms'
      ? [
          ['lastYearMonths', set.params.lastYearMonths],
          ['relapseMinMonthsAfterDmtStart', set.params.relapseMinMonthsAfterDmtStart],
          ['edssMaxAgeMonths', set.params.edssMaxAgeMonths],
        ]
      : [
          ['zinMinMonthsOnHeDmt', set.params.zinMinMonthsOnHeDmt],
          ['zinMriMinMonthsAfterHeStart', set.params.zinMriMinMonthsAfterHeStart],
          ['zinActiveMriMaxAgeMonths', set.params.zinActiveMriMaxAgeMonths],
          ['zinRelapseWindowMonths', set.params.zinRelapseWindowMonths],
          ['maxDiseaseDurationYears', set.params.maxDiseaseDurationYears],
          ['edssMaxAgeMonths', set.params.edssMaxAgeMonths],
        ];
  for (const [name, value] of months) {
    if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= 1200)) {
      problems.push(`${name} must be a whole number of months/years between 0 and 1200`);
    }
  }
  return problems;
}
