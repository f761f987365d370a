/**
 * Trial configuration kept as data (trials.settings). Every value marked UNVERIFIED or DEFAULT in
 * ../shared/domain/ram-ms.md lives here, not in code; later modules add their sections.
 */
export type TrialSettings = {
  scheduling: {
    /** aHSCT slots per centre per calendar quarter (RAM-MS NL: 1–2 per 3 months, S003). */
    defaultQuarterlyCapacity: number;
    /** Evaluation, mobilisation, harvest and 3–6 weeks after harvest (DEFAULT 8 weeks). */
    leadTimeDays: number;
    /** Waiting-time rule, ram-ms.md §6 step 7 / Q17 (DEFAULT 3 months). */
    waitLimitMonths: number;
    /** Which transplant centre (site code) serves which country. */
    centreByCountry: Record<string, string>;
  };
  [section: string]: unknown;
};

export const DEFAULT_TRIAL_SETTINGS: TrialSettings = {
  scheduling: {
    defaultQuarterlyCapacity: 2,
    leadTimeDays: 56,
    waitLimitMonths: 3,
    centreByCountry: { NO: 'BER', SE: 'UPP', DK: 'CPH', NL: 'AMS' },
  },
};
