import {
  type ArmAPlanConfig,
  DEFAULT_ARM_A_PLAN_CONFIG,
} from 'src/modules/scheduling/calendar/arm-a-plan';

/**
 * Trial configuration kept as data (trials.settings). Every value marked UNVERIFIED or DEFAULT in
 * docs/domain/ram-ms.md lives here, not in code; later modules add their sections.
 */
export type TrialSettings = {
  scheduling: {
    /** aHSCT slots per centre per calendar quarter (RAM-MS NL: 1–2 per 3 months, S003). */
    defaultQuarterlyCapacity: number;
    /** Evaluation, mobilisation, harvest and 3–6 weeks after harvest (DEFAULT 8 weeks). */
    leadTimeDays: number;
    /** Waiting-time rule, docs/domain/ram-ms.md §6 step 7 / Q17 (DEFAULT 3 months). */
    waitLimitMonths: number;
    /** Which transplant centre (site code) serves which country. */
    centreByCountry: Record<string, string>;
    /** How many quarters ahead a booking looks for a free slot before waitlisting (DEFAULT 12). */
    bookingHorizonQuarters?: number;
    /** Arm-A plan offsets in days (docs/domain/ram-ms.md §4; DEFAULT model in scheduling/calendar/arm-a-plan.ts). */
    armAPlan?: Partial<ArmAPlanConfig>;
  };
  /** Eligibility (issue 4); read through eligibility/criteria-config.ts, which fills in defaults. */
  criteria?: {
    /** The criteria-set version that governs sign-off, consent and randomisation. */
    activeSetId: string;
    /** Criteria not judged at sign-off because the workflow records them later (I7: consent). */
    deferredCriteria: string[];
    /** Re-screenings allowed after a screen failure (docs/domain/ram-ms.md §9 Q14, DEFAULT 1). */
    maxRescreens: number;
  };
  /**
   * Informed consent (issue 15): the consent form version participants must have signed now. A
   * protocol amendment that needs re-consent sets a new version; everyone consented under an
   * older one is listed as pending re-consent until the new version and date are recorded.
   * Unset: no re-consent is pending.
   */
  consent?: { currentVersion: string | null; amendment?: string };
  [section: string]: unknown;
};

export const DEFAULT_TRIAL_SETTINGS: TrialSettings = {
  scheduling: {
    defaultQuarterlyCapacity: 2,
    leadTimeDays: 56,
    waitLimitMonths: 3,
    centreByCountry: { NO: 'BER', SE: 'UPP', DK: 'CPH', NL: 'AMS' },
    bookingHorizonQuarters: 12,
    armAPlan: {
      ...DEFAULT_ARM_A_PLAN_CONFIG,
      harvestDaysBeforeAdmissionRange: {
        ...DEFAULT_ARM_A_PLAN_CONFIG.harvestDaysBeforeAdmissionRange,
      },
    },
  },
  criteria: { activeSetId: 'ram-ms-v2', deferredCriteria: ['I7'], maxRescreens: 1 },
};
