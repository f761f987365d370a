import type { ParticipantStatus, Role } from '../api/client';

export const ROLE_LABELS: Record<Role, string> = {
  coordinator: 'Coordinator',
  investigator: 'Investigator',
  site_staff: 'Site staff',
  blinded_assessor: 'Blinded assessor',
  statistician: 'Statistician',
  monitor: 'Monitor',
  admin: 'Administrator',
};

export const STATUS_LABELS: Record<ParticipantStatus, string> = {
  pre_screened: 'Pre-screened (web form)',
  registered: 'Registered',
  phone_check_done: 'Phone check done',
  records_reviewed: 'Records reviewed',
  screening_visit_planned: 'Screening visit planned',
  screening_visit_done: 'Screening visit done',
  eligible: 'Eligible (signed)',
  ineligible: 'Not eligible',
  consented: 'Consented',
  randomised: 'Randomised',
  in_follow_up: 'In follow-up',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
  lost_to_follow_up: 'Lost to follow-up',
  died: 'Died',
  screen_failed: 'Screen failure',
};

/** What a candidate at each pathway step is waiting for (ram-ms.md §6). */
export const WAITING_FOR: Partial<Record<ParticipantStatus, string>> = {
  pre_screened: 'Team review of the web questionnaire, then registration',
  registered: 'Phone check of the registration data',
  phone_check_done: 'Records from the treating neurologist',
  records_reviewed: 'An invitation to the screening visit',
  screening_visit_planned: 'The screening visit',
  screening_visit_done:
    'Screening data, the eligibility assessment and the investigator’s signature',
  eligible: 'Informed consent',
  consented: 'Randomisation by an investigator',
  ineligible: 'Nothing (screen failure); re-screening is possible',
};

/** The order of the pathway steps on the worklist. */
export const PATHWAY_ORDER: ParticipantStatus[] = [
  'pre_screened',
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
  'eligible',
  'consented',
  'ineligible',
  'screen_failed',
];

/** Button texts for the pathway steps a coordinator records. */
export const STEP_ACTIONS: Partial<Record<ParticipantStatus, string>> = {
  registered: 'Register (assign a study id)',
  phone_check_done: 'Phone check done',
  records_reviewed: 'Records reviewed',
  screening_visit_planned: 'Screening visit planned',
  screening_visit_done: 'Screening visit done',
};

export const DRUG_LABELS: Record<string, string> = {
  interferon_beta: 'Interferon beta',
  glatiramer_acetate: 'Glatiramer acetate',
  dimethyl_fumarate: 'Dimethyl fumarate',
  teriflunomide: 'Teriflunomide',
  fingolimod: 'Fingolimod',
  natalizumab: 'Natalizumab',
  ocrelizumab: 'Ocrelizumab',
  rituximab: 'Rituximab',
  ofatumumab: 'Ofatumumab',
  cladribine: 'Cladribine',
  alemtuzumab: 'Alemtuzumab',
  ahsct: 'Stem-cell transplantation (aHSCT)',
  other: 'Other',
};

export const OUTCOME_LABELS: Record<string, string> = {
  met: 'Met',
  not_met: 'Not met',
  unknown: 'Unknown (data missing)',
};
export const RESULT_LABELS: Record<string, string> = {
  eligible: 'Eligible',
  ineligible: 'Not eligible',
  incomplete: 'Incomplete',
};

export function humanise(code: string): string {
  return code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
