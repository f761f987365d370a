export const AE_SEVERITIES = ['mild', 'moderate', 'severe'] as const;
export type AeSeverity = (typeof AE_SEVERITIES)[number];

/** ICH E2A seriousness criteria. */
export const SERIOUSNESS_CRITERIA = [
  'death',
  'life_threatening',
  'hospitalisation',
  'disability',
  'congenital_anomaly',
  'other_medically_important',
] as const;
export type SeriousnessCriterion = (typeof SERIOUSNESS_CRITERIA)[number];

export const AE_OUTCOMES = [
  'recovered',
  'recovering',
  'not_recovered',
  'recovered_with_sequelae',
  'fatal',
  'unknown',
] as const;
export type AeOutcome = (typeof AE_OUTCOMES)[number];

/** What an adverse event is assessed against: the interventions of the participant's arm (settings: followUp.safety.interventionsByArm). */
export const AE_INTERVENTIONS = [
  'ahsct',
  'mobilisation',
  'conditioning',
  'reinfusion',
  'arm_b_drug',
] as const;
export type AeIntervention = (typeof AE_INTERVENTIONS)[number];

/** The investigator's causality scale; the first two count as "related" for a SUSAR. */
export const AE_CAUSALITIES = [
  'related',
  'possibly_related',
  'unlikely_related',
  'not_related',
] as const;
export type AeCausality = (typeof AE_CAUSALITIES)[number];
export const RELATED_CAUSALITIES: readonly AeCausality[] = ['related', 'possibly_related'];

export const AE_EXPECTEDNESS = ['expected', 'unexpected'] as const;
export type AeExpectedness = (typeof AE_EXPECTEDNESS)[number];

export const EXPECTEDNESS_ASSESSORS = ['investigator', 'sponsor'] as const;
export type ExpectednessAssessor = (typeof EXPECTEDNESS_ASSESSORS)[number];

/**
 * The assessment of one adverse event against one intervention: the investigator's causality and
 * the expectedness judged against a version of that intervention's reference safety information.
 */
export type InterventionAssessment = {
  intervention: AeIntervention;
  causality: AeCausality;
  expectedness?: AeExpectedness | null;
  expectednessBy?: ExpectednessAssessor | null;
  /** The RSI version the expectedness was judged against (recorded with it; from the settings). */
  rsiVersion?: string | null;
};

export type AdverseEventEntity = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  visitId: string | null;
  visitCode: string | null;
  term: string;
  onsetDate: string;
  endDate: string | null;
  severity: AeSeverity;
  serious: boolean;
  seriousnessCriteria: SeriousnessCriterion[];
  outcome: AeOutcome;
  meddraCode: string | null;
  ctcaeGrade: number | null;
  awareDate: string | null;
  assessments: InterventionAssessment[];
  susar: boolean;
  susarDueDate: string | null;
  susarReportedAt: Date | null;
  susarReference: string | null;
  /** The site's zone (its calendar decides when a day-counted clock is overdue). */
  timeZone: string;
  awareAt: Date | null;
  reportDueAt: Date | null;
  reportedAt: Date | null;
  reportReference: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

/** The fields site staff enter for an adverse event. */
export type AdverseEventInput = {
  term: string;
  onsetDate: string;
  endDate?: string | null;
  severity: AeSeverity;
  serious: boolean;
  seriousnessCriteria?: SeriousnessCriterion[];
  outcome: AeOutcome;
  meddraCode?: string | null;
  ctcaeGrade?: number | null;
  /** The date the site became aware (site calendar): day 0 of the reporting clocks. */
  awareDate?: string | null;
  assessments?: InterventionAssessment[];
};
