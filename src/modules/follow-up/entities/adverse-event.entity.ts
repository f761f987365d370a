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
};
