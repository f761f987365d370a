import { addDays, type IsoDate, parseIsoDate } from 'src/common/time/calendar-date';

/**
 * The arm-A (aHSCT) treatment plan laid out from the planned admission date (docs/domain/ram-ms.md §4).
 *
 * Model (every number is configuration, these are the defaults):
 * - Admission = first day of conditioning = transplant day −5. Conditioning runs days −5…−1,
 *   so transplant day 0 (reinfusion) = admission + 5.
 * - Harvest comes BEFORE admission: harvest = admission − 28 days (allowed 21…42, the "3–6 weeks
 *   after harvest" of §4), one day of apheresis.
 * - Mobilisation starts 10 days before harvest ("harvest ~10 days after mobilisation") and is an
 *   inpatient stay of 3 days (2–3 in §4): mobilisation = [harvest − 10, harvest − 8].
 * - Pre-transplant evaluation: the 14 days before mobilisation = [mobilisation − 14, mobilisation − 1].
 *   With the defaults the whole pre-admission work-up spans 14 + 10 + 28 = 52 days, inside the
 *   default booking lead time of 56 days (8 weeks).
 * - Isolation (aplasia): days +1…+10 after reinfusion.
 * - Discharge: the admission lasts 21 days counted inclusively, so discharge = admission + 20
 *   = day +15 (the "≈ day +15" of §4).
 * - Early follow-up: weekly visits days +7…+100 (the visits themselves come from the follow-up
 *   visit template; here it is one phase spanning day +7 to day +100).
 *
 * All dates are calendar dates in the centre's zone; the arithmetic is on calendar dates only,
 * so a daylight-saving change between two phases cannot move any date.
 */

export type ArmAPhaseCode =
  | 'evaluation'
  | 'mobilisation'
  | 'harvest'
  | 'conditioning'
  | 'reinfusion'
  | 'isolation'
  | 'discharge'
  | 'early_follow_up';

export type ArmAPlanConfig = {
  /** Conditioning days before reinfusion; admission is day −conditioningDays. */
  conditioningDays: number;
  /** Days from harvest to admission. */
  harvestDaysBeforeAdmission: number;
  /** Allowed range for `harvestDaysBeforeAdmission` (3–6 weeks). */
  harvestDaysBeforeAdmissionRange: { min: number; max: number };
  /** Days of apheresis. */
  harvestDurationDays: number;
  /** Days from the start of mobilisation to harvest. */
  mobilisationDaysBeforeHarvest: number;
  /** Inpatient days of mobilisation. */
  mobilisationInpatientDays: number;
  /** The evaluation starts this many days before mobilisation... */
  evaluationStartDaysBeforeMobilisation: number;
  /** ...and ends this many days before mobilisation. */
  evaluationEndDaysBeforeMobilisation: number;
  /** Isolation, in days relative to transplant day 0 (inclusive). */
  isolationFirstDay: number;
  isolationLastDay: number;
  /** Length of the transplant admission, counted inclusively from admission to discharge. */
  admissionLengthDays: number;
  /** Weekly follow-up, in days relative to transplant day 0 (inclusive). */
  followUpFirstDay: number;
  followUpLastDay: number;
};

export const DEFAULT_ARM_A_PLAN_CONFIG: Readonly<ArmAPlanConfig> = Object.freeze({
  conditioningDays: 5,
  harvestDaysBeforeAdmission: 28,
  harvestDaysBeforeAdmissionRange: Object.freeze({ min: 21, max: 42 }),
  harvestDurationDays: 1,
  mobilisationDaysBeforeHarvest: 10,
  mobilisationInpatientDays: 3,
  evaluationStartDaysBeforeMobilisation: 14,
  evaluationEndDaysBeforeMobilisation: 1,
  isolationFirstDay: 1,
  isolationLastDay: 10,
  admissionLengthDays: 21,
  followUpFirstDay: 7,
  followUpLastDay: 100,
});

export const ARM_A_PHASE_NAMES: Readonly<Record<ArmAPhaseCode, string>> = Object.freeze({
  evaluation: 'Pre-transplant evaluation',
  mobilisation: 'Mobilisation (cyclophosphamide + G-CSF, inpatient)',
  harvest: 'Stem-cell harvest (apheresis)',
  conditioning: 'Admission and conditioning (cyclophosphamide + ATG), days −5 to −1',
  reinfusion: 'Stem-cell reinfusion (day 0)',
  isolation: 'Aplasia / isolation',
  discharge: 'Discharge',
  early_follow_up: 'Weekly follow-up to day +100',
});

export type PlannedPhase = {
  code: ArmAPhaseCode;
  name: string;
  plannedStart: IsoDate;
  plannedEnd: IsoDate;
  /** plannedStart/plannedEnd as days relative to transplant day 0 (negative before it). */
  dayFrom: number;
  dayTo: number;
};

export type ArmAPlan = {
  admissionDate: IsoDate;
  transplantDay0: IsoDate;
  dischargeDate: IsoDate;
  phases: PlannedPhase[];
};

/** Problems with a configuration; empty when it is usable. */
export function validateArmAPlanConfig(config: ArmAPlanConfig): string[] {
  const problems: string[] = [];
  const intFields: (keyof ArmAPlanConfig)[] = [
    'conditioningDays',
    'harvestDaysBeforeAdmission',
    'harvestDurationDays',
    'mobilisationDaysBeforeHarvest',
    'mobilisationInpatientDays',
    'evaluationStartDaysBeforeMobilisation',
    'evaluationEndDaysBeforeMobilisation',
    'isolationFirstDay',
    'isolationLastDay',
    'admissionLengthDays',
    'followUpFirstDay',
    'followUpLastDay',
  ];
  for (const field of intFields) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      problems.push(`${field} must be an integer`);
    }
  }
  if (problems.length > 0) {
    return problems;
  }
  const range = config.harvestDaysBeforeAdmissionRange;
  if (config.conditioningDays < 1) {
    problems.push('conditioningDays must be at least 1');
  }
  if (
    config.harvestDaysBeforeAdmission < range.min ||
    config.harvestDaysBeforeAdmission > range.max
  ) {
    problems.push(
      `harvestDaysBeforeAdmission must be within ${range.min}..${range.max}, got ${config.harvestDaysBeforeAdmission}`,
    );
  }
  if (config.harvestDurationDays < 1) {
    problems.push('harvestDurationDays must be at least 1');
  }
  if (config.harvestDurationDays > config.harvestDaysBeforeAdmission) {
    problems.push('harvest must end before admission');
  }
  if (config.mobilisationInpatientDays < 1) {
    problems.push('mobilisationInpatientDays must be at least 1');
  }
  if (config.mobilisationInpatientDays > config.mobilisationDaysBeforeHarvest) {
    problems.push('mobilisation must end before harvest');
  }
  if (config.evaluationEndDaysBeforeMobilisation < 1) {
    problems.push('evaluation must end before mobilisation');
  }
  if (config.evaluationStartDaysBeforeMobilisation < config.evaluationEndDaysBeforeMobilisation) {
    problems.push('evaluation must start before it ends');
  }
  if (config.isolationFirstDay < 0 || config.isolationLastDay < config.isolationFirstDay) {
    problems.push('isolation must be a non-empty range from day 0 on');
  }
  const dischargeDay = config.admissionLengthDays - 1 - config.conditioningDays;
  if (dischargeDay < 0) {
    problems.push('admissionLengthDays must reach at least day 0');
  }
  if (config.isolationLastDay > dischargeDay) {
    problems.push('isolation must end by discharge');
  }
  if (config.followUpFirstDay < 1 || config.followUpLastDay < config.followUpFirstDay) {
    problems.push('follow-up must be a non-empty range after day 0');
  }
  return problems;
}

function assertValid(config: ArmAPlanConfig): void {
  const problems = validateArmAPlanConfig(config);
  if (problems.length > 0) {
    throw new RangeError(`invalid arm-A plan configuration: ${problems.join('; ')}`);
  }
}

/** Transplant day 0 for a planned admission (admission + conditioningDays). */
export function transplantDay0ForAdmission(
  admissionDate: IsoDate,
  config: ArmAPlanConfig = DEFAULT_ARM_A_PLAN_CONFIG,
): IsoDate {
  return addDays(admissionDate, config.conditioningDays);
}

/** The admission date that leads to transplant day 0 on `day0`. */
export function admissionForTransplantDay0(
  day0: IsoDate,
  config: ArmAPlanConfig = DEFAULT_ARM_A_PLAN_CONFIG,
): IsoDate {
  return addDays(day0, -config.conditioningDays);
}

/** Days from the start of the pre-transplant evaluation to admission (52 with the defaults). */
export function planLeadDays(config: ArmAPlanConfig = DEFAULT_ARM_A_PLAN_CONFIG): number {
  return (
    config.harvestDaysBeforeAdmission +
    config.mobilisationDaysBeforeHarvest +
    config.evaluationStartDaysBeforeMobilisation
  );
}

/** Lays out the arm-A phases from the planned admission date (a calendar date in the centre's zone). */
export function buildPlan(
  admissionDate: IsoDate,
  config: ArmAPlanConfig = DEFAULT_ARM_A_PLAN_CONFIG,
): ArmAPlan {
  parseIsoDate(admissionDate);
  assertValid(config);
  // Everything is computed as an offset in days from transplant day 0.
  const admissionDay = -config.conditioningDays;
  const harvestDay = admissionDay - config.harvestDaysBeforeAdmission;
  const mobilisationDay = harvestDay - config.mobilisationDaysBeforeHarvest;
  const dischargeDay = admissionDay + config.admissionLengthDays - 1;
  const day0 = transplantDay0ForAdmission(admissionDate, config);

  const phase = (code: ArmAPhaseCode, dayFrom: number, dayTo: number): PlannedPhase => ({
    code,
    name: ARM_A_PHASE_NAMES[code],
    plannedStart: addDays(day0, dayFrom),
    plannedEnd: addDays(day0, dayTo),
    dayFrom,
    dayTo,
  });

  const phases: PlannedPhase[] = [
    phase(
      'evaluation',
      mobilisationDay - config.evaluationStartDaysBeforeMobilisation,
      mobilisationDay - config.evaluationEndDaysBeforeMobilisation,
    ),
    phase('mobilisation', mobilisationDay, mobilisationDay + config.mobilisationInpatientDays - 1),
    phase('harvest', harvestDay, harvestDay + config.harvestDurationDays - 1),
    phase('conditioning', admissionDay, -1),
    phase('reinfusion', 0, 0),
    phase('isolation', config.isolationFirstDay, config.isolationLastDay),
    phase('discharge', dischargeDay, dischargeDay),
    phase('early_follow_up', config.followUpFirstDay, config.followUpLastDay),
  ];
  return {
    admissionDate,
    transplantDay0: day0,
    dischargeDate: addDays(day0, dischargeDay),
    phases,
  };
}
