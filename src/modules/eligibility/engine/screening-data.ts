/**
 * The screening record the criteria engine judges (issue 4, "Screening data").
 *
 * Every field is optional and nullable: records are entered step by step, and the engine answers
 * `unknown` for missing data instead of throwing. Calendar dates are ISO strings `YYYY-MM-DD`.
 *
 * Convention for "not there" values:
 *  - `undefined` (field absent) = not entered yet.
 *  - `null` = entered as "none"/"not applicable" where that has a meaning (e.g. `Treatment.endDate:
 *    null` = still on the drug); elsewhere it is read the same as absent.
 *
 * Identity (name, national id) lives in the identity vault; the engine only receives the birth date.
 */

/** ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export const DISEASE_COURSES = ['RRMS', 'SPMS', 'PPMS', 'CIS'] as const;
export type DiseaseCourse = (typeof DISEASE_COURSES)[number];

/** The fixed drug list of the issue. `ahsct` = autologous haematopoietic stem-cell transplantation. */
export const DRUG_CODES = [
  'interferon_beta',
  'glatiramer_acetate',
  'dimethyl_fumarate',
  'teriflunomide',
  'fingolimod',
  'natalizumab',
  'ocrelizumab',
  'rituximab',
  'ofatumumab',
  'cladribine',
  'alemtuzumab',
  'ahsct',
  'other',
] as const;
export type DrugCode = (typeof DRUG_CODES)[number];

export const TEST_RESULTS = ['positive', 'negative', 'pending'] as const;
export type TestResult = (typeof TEST_RESULTS)[number];

/** Infection screening tests (positive | negative | pending). */
export const INFECTION_TESTS = ['tb', 'hiv', 'hbsag', 'hcvPcr', 'syphilis'] as const;
export type InfectionTest = (typeof INFECTION_TESTS)[number];

/** Known active infections (yes/no). */
export const ACTIVE_INFECTIONS = ['cmv', 'ebv', 'hsv', 'vzv', 'toxoplasmosis'] as const;
export type ActiveInfection = (typeof ACTIVE_INFECTIONS)[number];

/** Comorbidity flags (yes/no). */
export const COMORBIDITY_FLAGS = [
  'contraindicationOrHypersensitivity',
  'diseasePreventingMedication',
  'severeDepression',
  'addiction',
  'cardiovascularRisk',
  'activeMalignancy',
  'pastMalignancyOtherThanBccOrCin',
] as const;
export type ComorbidityFlag = (typeof COMORBIDITY_FLAGS)[number];

export interface Diagnosis {
  course?: DiseaseCourse | null;
  /** Revised McDonald criteria met (clinically definite MS). */
  mcDonaldMet?: boolean | null;
  symptomOnsetDate?: IsoDate | null;
  diagnosisDate?: IsoDate | null;
}

export interface Edss {
  /** 0 to 10 in steps of 0.5. */
  score?: number | null;
  date?: IsoDate | null;
  /** Assessed in a stable phase of the disease (not during a relapse). */
  stablePhase?: boolean | null;
}

export interface Relapse {
  onsetDate?: IsoDate | null;
  /** Treated with IV or oral high-dose corticosteroids prescribed by a neurologist. */
  steroidTreated?: boolean | null;
  clinicallyRelevant?: boolean | null;
}

export interface MriExam {
  /** Id of the exam, so another exam can name it as its reference. */
  id?: string | null;
  date?: IsoDate | null;
  /** Number of gadolinium-enhancing T1 lesions. */
  gdEnhancingT1?: number | null;
  /** Number of new or enlarging T2 lesions (against the reference exam). */
  newOrEnlargingT2?: number | null;
  /** The exam the T2 count was compared with: its id (preferred) ... */
  comparedWithExamId?: string | null;
  /** ... or its date, when the reference exam is not in the list. */
  comparedWithDate?: IsoDate | null;
}

export interface Treatment {
  drug?: DrugCode | null;
  startDate?: IsoDate | null;
  /** `null` = still on it. Absent = not entered (see `missingTreatmentEndMeans`). */
  endDate?: IsoDate | null;
}

export type InfectionScreening = { [K in InfectionTest]?: TestResult | null };
export type ActiveInfections = { [K in ActiveInfection]?: boolean | null };
export type Comorbidity = { [K in ComorbidityFlag]?: boolean | null };

export interface Consent {
  signed?: boolean | null;
  version?: string | null;
  date?: IsoDate | null;
}

export interface ScreeningData {
  diagnosis?: Diagnosis | null;
  birthDate?: IsoDate | null;
  edss?: Edss | null;
  /** Absent = not entered; `[]` = no relapses. */
  relapses?: ReadonlyArray<Relapse> | null;
  /** Absent = not entered; `[]` = no MRI exams. */
  mriExams?: ReadonlyArray<MriExam> | null;
  /** Absent = not entered; `[]` = never treated. */
  treatments?: ReadonlyArray<Treatment> | null;
  infections?: InfectionScreening | null;
  activeInfections?: ActiveInfections | null;
  comorbidity?: Comorbidity | null;
  pregnantOrBreastfeeding?: boolean | null;
  /** Childbearing potential of the person or of their partner. */
  childbearingPotential?: boolean | null;
  /** Willing and able to use highly effective contraception. */
  agreesToContraception?: boolean | null;
  referredFromNeurology?: boolean | null;
  willingToBeRandomised?: boolean | null;
  willingToLearnInfectionResults?: boolean | null;
  consent?: Consent | null;
}

export function isDrugCode(value: unknown): value is DrugCode {
  return typeof value === 'string' && (DRUG_CODES as readonly string[]).includes(value);
}

export function isDiseaseCourse(value: unknown): value is DiseaseCourse {
  return typeof value === 'string' && (DISEASE_COURSES as readonly string[]).includes(value);
}

export function isTestResult(value: unknown): value is TestResult {
  return typeof value === 'string' && (TEST_RESULTS as readonly string[]).includes(value);
}
