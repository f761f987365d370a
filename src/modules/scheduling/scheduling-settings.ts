import type { TrialSettings } from 'src/modules/trials/trial-settings';
import {
  type ArmAPlanConfig,
  DEFAULT_ARM_A_PLAN_CONFIG,
  validateArmAPlanConfig,
} from './calendar/arm-a-plan';
import { DEFAULT_LEAD_TIME_DAYS, DEFAULT_WAIT_LIMIT_MONTHS } from './calendar/quarters';

/** Scheduling configuration with every default applied and checked. */
export type SchedulingSettings = {
  leadTimeDays: number;
  waitLimitMonths: number;
  horizonQuarters: number;
  centreByCountry: Record<string, string>;
  plan: ArmAPlanConfig;
};

export const DEFAULT_HORIZON_QUARTERS = 12;

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Reads `trials.settings.scheduling`; returns the problems instead of settings when unusable. */
export function readSchedulingSettings(
  settings: TrialSettings,
): SchedulingSettings | { problems: string[] } {
  const s: Partial<TrialSettings['scheduling']> = settings.scheduling ?? {};
  const problems: string[] = [];
  const leadTimeDays = s.leadTimeDays ?? DEFAULT_LEAD_TIME_DAYS;
  const waitLimitMonths = s.waitLimitMonths ?? DEFAULT_WAIT_LIMIT_MONTHS;
  const horizonQuarters = s.bookingHorizonQuarters ?? DEFAULT_HORIZON_QUARTERS;
  if (!isInt(leadTimeDays, 0, 365)) {
    problems.push('scheduling.leadTimeDays must be an integer 0..365');
  }
  if (!isInt(waitLimitMonths, 0, 60)) {
    problems.push('scheduling.waitLimitMonths must be an integer 0..60');
  }
  if (!isInt(horizonQuarters, 1, 40)) {
    problems.push('scheduling.bookingHorizonQuarters must be an integer 1..40');
  }
  const plan: ArmAPlanConfig = {
    ...DEFAULT_ARM_A_PLAN_CONFIG,
    ...(s.armAPlan ?? {}),
    harvestDaysBeforeAdmissionRange: {
      ...DEFAULT_ARM_A_PLAN_CONFIG.harvestDaysBeforeAdmissionRange,
      ...(s.armAPlan?.harvestDaysBeforeAdmissionRange ?? {}),
    },
  };
  problems.push(...validateArmAPlanConfig(plan).map((p) => `scheduling.armAPlan: ${p}`));
  if (problems.length > 0) {
    return { problems };
  }
  return {
    leadTimeDays,
    waitLimitMonths,
    horizonQuarters,
    centreByCountry: s.centreByCountry ?? {},
    plan,
  };
}
