import type { EligibilityResultCode, EligibilityWarning, EvaluatedCriterion } from './engine';
import type { ScreeningRecord } from './screening-record';

export type Decision = 'eligible' | 'ineligible';

export type ScreeningEpisodeEntity = {
  id: string;
  participantId: string;
  episodeNo: number;
  data: ScreeningRecord;
  startedAt: Date;
  closedAt: Date | null;
  decision: Decision | null;
  decidedAssessmentId: string | null;
  decidedAt: Date | null;
  exclusionCodes: string[];
  consentVersion: string | null;
  /** YYYY-MM-DD. */
  consentDate: string | null;
  ageAtConsent: number | null;
  consentRecordedAt: Date | null;
  consentRecordedBy: string | null;
  updatedAt: Date;
  version: number;
};

export type AssessmentEntity = {
  id: string;
  participantId: string;
  episodeId: string;
  episodeNo: number;
  criteriaSetId: string;
  criteriaSetVersion: string;
  criteriaSetLabel: string;
  /** YYYY-MM-DD, the site's calendar date when it was made. */
  assessmentDate: string;
  result: EligibilityResultCode;
  criteria: EvaluatedCriterion[];
  disabledCriteria: string[];
  warnings: EligibilityWarning[];
  exclusionCodes: string[];
  unknownCodes: string[];
  inputHash: string;
  ageAtAssessment: number | null;
  createdAt: Date;
  createdBy: string | null;
  signedAt: Date | null;
  signedBy: string | null;
  signerName: string | null;
  signatureMeaning: string | null;
  signatureVoidedAt: Date | null;
  signatureVoidReason: string | null;
};

export type NewAssessment = Omit<
  AssessmentEntity,
  | 'id'
  | 'episodeNo'
  | 'signedAt'
  | 'signedBy'
  | 'signerName'
  | 'signatureMeaning'
  | 'signatureVoidedAt'
  | 'signatureVoidReason'
>;

export type SignatureStatus = 'unsigned' | 'signed' | 'void';

export function signatureStatus(a: AssessmentEntity): SignatureStatus {
  return a.signatureVoidedAt ? 'void' : a.signedAt ? 'signed' : 'unsigned';
}
