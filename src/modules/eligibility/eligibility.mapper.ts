import { fhirStatusOf } from 'src/modules/participants/participant-status';
import type {
  AssessmentResponseDto,
  EligibilityResponseDto,
  ScreeningLogEntryDto,
} from './dto/eligibility.dto';
import type { ScreeningEpisodeResponseDto } from './dto/screening.dto';
import type { AssessmentEntity, ScreeningEpisodeEntity } from './eligibility.entity';
import type { Evaluation } from './eligibility.service';
import type { ScreeningLogRow } from './screening-log.repository';

const iso = (d: Date | string) => new Date(d).toISOString();

export function toEpisodeResponse(
  e: ScreeningEpisodeEntity,
  currentEpisodeNo: number,
): ScreeningEpisodeResponseDto {
  return {
    id: e.id,
    episodeNo: e.episodeNo,
    current: e.episodeNo === currentEpisodeNo && e.closedAt === null,
    data: e.data as Record<string, unknown>,
    startedAt: iso(e.startedAt),
    closedAt: e.closedAt ? iso(e.closedAt) : null,
    decision: e.decision,
    decidedAssessmentId: e.decidedAssessmentId,
    decidedAt: e.decidedAt ? iso(e.decidedAt) : null,
    exclusionCodes: e.exclusionCodes,
    consent:
      e.consentVersion && e.consentDate
        ? {
            version: e.consentVersion,
            date: e.consentDate,
            ageAtConsent: e.ageAtConsent,
            recordedAt: e.consentRecordedAt ? iso(e.consentRecordedAt) : null,
          }
        : null,
    updatedAt: iso(e.updatedAt),
    version: e.version,
  };
}

export function toAssessmentResponse(
  a: AssessmentEntity,
  matchesCurrentData: boolean,
): AssessmentResponseDto {
  return {
    id: a.id,
    participantId: a.participantId,
    episodeNo: a.episodeNo,
    criteriaSetId: a.criteriaSetId,
    criteriaSetVersion: a.criteriaSetVersion,
    criteriaSetLabel: a.criteriaSetLabel,
    assessmentDate: a.assessmentDate,
    ageAtAssessment: a.ageAtAssessment,
    result: a.result,
    criteria: a.criteria,
    disabledCriteria: a.disabledCriteria,
    warnings: a.warnings,
    exclusionCodes: a.exclusionCodes,
    unknownCodes: a.unknownCodes,
    inputHash: a.inputHash,
    matchesCurrentData,
    createdAt: iso(a.createdAt),
    createdBy: a.createdBy,
    signature:
      a.signedAt && a.signedBy && a.signerName && a.signatureMeaning
        ? {
            status: a.signatureVoidedAt ? 'void' : 'signed',
            signerId: a.signedBy,
            signerName: a.signerName,
            signedAt: iso(a.signedAt),
            meaning: a.signatureMeaning,
            voidedAt: a.signatureVoidedAt ? iso(a.signatureVoidedAt) : null,
            voidReason: a.signatureVoidReason,
          }
        : null,
  };
}

export function toEligibilityResponse(e: Evaluation): EligibilityResponseDto {
  return {
    participantId: e.participantId,
    source: e.source,
    episodeNo: e.episodeNo,
    assessmentDate: e.assessmentDate,
    ageAtAssessment: e.ageAtAssessment,
    activeSetId: e.activeSetId,
    results: e.results.map((r) => ({
      criteriaSetId: r.criteriaSetId,
      version: r.version,
      label: r.label,
      active: r.criteriaSetId === e.activeSetId,
      result: r.result,
      criteria: r.criteria,
      disabledCriteria: r.disabledCriteria,
      warnings: r.warnings,
      exclusionCodes: r.exclusionCodes,
      unknownCodes: r.unknownCodes,
    })),
    summary: e.summary,
  };
}

export function toScreeningLogEntry(r: ScreeningLogRow): ScreeningLogEntryDto {
  return {
    participantId: r.participantId,
    studyId: r.studyId,
    siteId: r.siteId,
    siteLabel: r.siteLabel,
    status: r.status,
    fhirStatus: fhirStatusOf(r.status, r.withdrawnFrom),
    statusChangedAt: iso(r.statusChangedAt),
    registeredAt: r.registeredAt ? iso(r.registeredAt) : null,
    screeningEpisode: r.episodeNo,
    decision: r.decision,
    decidedAt: r.decidedAt ? iso(r.decidedAt) : null,
    assessmentDate: r.assessmentDate,
    criteriaSetId: r.criteriaSetId,
    exclusionCodes: r.exclusionCodes,
    consentDate: r.consentDate,
    withdrawnAt: r.withdrawnAt ? iso(r.withdrawnAt) : null,
    withdrawalReason: r.withdrawalReason,
    screenFailure:
      r.screenFailureReason && r.screenFailureStage && r.screenFailureDate
        ? {
            reason: r.screenFailureReason,
            stage: r.screenFailureStage,
            detail: r.screenFailureDetail ?? '',
            date: r.screenFailureDate,
          }
        : null,
    exclusion: r.consortExclusion,
  };
}
