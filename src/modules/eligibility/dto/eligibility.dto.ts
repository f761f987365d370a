import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from 'src/common/validation/page';
import {
  ValidateDate,
  ValidateEnum,
  ValidateMatches,
  ValidateInt,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import {
  PARTICIPANT_STATUSES,
  type ParticipantStatus,
} from 'src/modules/participants/participant-status';

const SET_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const EVALUATION_SOURCES = ['screening', 'pre_screening'] as const;

export class EligibilityQueryDto {
  @ValidateMatches(
    /^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39}){0,4}$/,
    'must be up to 5 criteria-set ids separated by commas, e.g. ram-ms-v2,zin-2022',
    {
      optional: true,
      description: "Criteria sets to evaluate side by side (default: the trial's active set)",
    },
  )
  sets?: string;

  @ValidateEnum(EVALUATION_SOURCES, {
    optional: true,
    description: 'screening (default) or the pre-screening answers',
  })
  source?: (typeof EVALUATION_SOURCES)[number];
}

export class CreateAssessmentDto {
  @ValidateMatches(SET_ID, 'must be a criteria-set id such as ram-ms-v2', {
    optional: true,
    description: "Default: the trial's active criteria set (only those assessments can be signed)",
  })
  criteriaSetId?: string;
}

export class SignAssessmentDto {
  /** Not trimmed: a password is compared exactly. */
  @ApiPropertyOptional({
    description:
      'Your password (or signing password), entered again (21 CFR 11.200); or give signingAssertion',
  })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password?: string;

  @ValidateMatches(/^[A-Za-z0-9_-]{20,100}$/, 'must be a signing assertion', {
    optional: true,
    description:
      'Instead of the password: the signing assertion of a fresh re-authentication at the hospital (POST /auth/sso/reauth/callback), used once',
  })
  signingAssertion?: string;

  @ValidateText(200, {
    description: 'The meaning of the signature, e.g. "I confirm this eligibility decision"',
  })
  meaning: string;
}

export class ConsentDto {
  @ValidateText(40, { description: 'Version of the signed informed-consent form' })
  version: string;

  @ValidateDate({ description: 'Date the participant signed' })
  date: string;

  @ValidateText(500, { optional: true })
  reason?: string;
}

/** A correction of the recorded consent: only the fields sent change; the reason is required. */
export class CorrectConsentDto {
  @ValidateText(40, { optional: true, description: 'Version of the signed informed-consent form' })
  version?: string;

  @ValidateDate({ optional: true, description: 'Date the participant signed' })
  date?: string;

  @ValidateText(500, { description: 'Why the recorded consent is corrected (audited)' })
  reason: string;

  @ValidateInt(0, 1_000_000, {
    optional: true,
    description: 'The version of the screening episode the correction is based on (stale: 409)',
  })
  expectedVersion?: number;
}

export class RescreenDto {
  @ValidateText(500, { optional: true })
  reason?: string;
}

export class CriterionResultDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['inclusion', 'exclusion'] }) kind: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['met', 'not_met', 'unknown'] }) outcome: string;
  @ApiProperty() explanation: string;
  @ApiProperty({ description: 'false = not confirmed from a public source' }) verified: boolean;
}

export class WarningDto {
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional() criterionId?: string;
}

export class SetResultDto {
  @ApiProperty() criteriaSetId: string;
  @ApiProperty() version: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: "true for the trial's active set" }) active: boolean;
  @ApiProperty({ enum: ['eligible', 'ineligible', 'incomplete'] }) result: string;
  @ApiProperty({ type: [CriterionResultDto] }) criteria: CriterionResultDto[];
  @ApiProperty({ type: [String] }) disabledCriteria: string[];
  @ApiProperty({ type: [WarningDto] }) warnings: WarningDto[];
  @ApiProperty({ type: [String], description: 'Coded exclusion reasons (criterion ids not met)' })
  exclusionCodes: string[];
  @ApiProperty({ type: [String] }) unknownCodes: string[];
}

export class EligibilityResponseDto {
  @ApiProperty() participantId: string;
  @ApiProperty({ enum: EVALUATION_SOURCES }) source: string;
  @ApiProperty() episodeNo: number;
  @ApiProperty({ format: 'date' }) assessmentDate: string;
  @ApiProperty({ nullable: true, type: Number }) ageAtAssessment: number | null;
  @ApiProperty() activeSetId: string;
  @ApiProperty({ type: [SetResultDto] }) results: SetResultDto[];
  @ApiProperty({ type: [String] }) summary: string[];
}

export class SignatureDto {
  @ApiProperty({ enum: ['signed', 'void'] }) status: 'signed' | 'void';
  @ApiProperty() signerId: string;
  @ApiProperty({ description: 'Printed name of the signer (21 CFR 11.50)' }) signerName: string;
  @ApiProperty() signedAt: string;
  @ApiProperty() meaning: string;
  @ApiProperty({ nullable: true, type: String }) voidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) voidReason: string | null;
}

export class AssessmentResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() participantId: string;
  @ApiProperty() episodeNo: number;
  @ApiProperty() criteriaSetId: string;
  @ApiProperty() criteriaSetVersion: string;
  @ApiProperty() criteriaSetLabel: string;
  @ApiProperty({ format: 'date' }) assessmentDate: string;
  @ApiProperty({ nullable: true, type: Number }) ageAtAssessment: number | null;
  @ApiProperty({ enum: ['eligible', 'ineligible', 'incomplete'] }) result: string;
  @ApiProperty({ type: [CriterionResultDto] }) criteria: CriterionResultDto[];
  @ApiProperty({ type: [String] }) disabledCriteria: string[];
  @ApiProperty({ type: [WarningDto] }) warnings: WarningDto[];
  @ApiProperty({ type: [String] }) exclusionCodes: string[];
  @ApiProperty({ type: [String] }) unknownCodes: string[];
  @ApiProperty({ description: 'SHA-256 of the screening record and derived age it judged' })
  inputHash: string;
  @ApiProperty({ description: 'Whether the current screening data still match what was judged' })
  matchesCurrentData: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) createdBy: string | null;
  @ApiProperty({ nullable: true, type: () => SignatureDto }) signature: SignatureDto | null;
}

export class ScreeningLogQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true }) siteId?: string;
  @ValidateEnum(PARTICIPANT_STATUSES, { optional: true }) status?: ParticipantStatus;
  @ValidateEnum(['eligible', 'ineligible'] as const, { optional: true }) decision?:
    'eligible' | 'ineligible';
  @ValidateMatches(/^[A-Z]{1,2}(-[A-Z])?[0-9]{1,2}$/, 'must be a criterion id such as E2 or Z-I1', {
    optional: true,
  })
  exclusionCode?: string;
  @ValidateDate({ optional: true, description: 'Registered on or after (site calendar date)' })
  from?: string;
  @ValidateDate({ optional: true, description: 'Registered on or before (site calendar date)' })
  to?: string;
}

export class ScreeningLogEntryDto {
  @ApiProperty() participantId: string;
  @ApiProperty({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty({ enum: PARTICIPANT_STATUSES }) status: ParticipantStatus;
  @ApiProperty() fhirStatus: string;
  @ApiProperty() statusChangedAt: string;
  @ApiProperty({ nullable: true, type: String }) registeredAt: string | null;
  @ApiProperty() screeningEpisode: number;
  @ApiProperty({ nullable: true, enum: ['eligible', 'ineligible'] }) decision: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) assessmentDate: string | null;
  @ApiProperty({ nullable: true, type: String }) criteriaSetId: string | null;
  @ApiProperty({ type: [String] }) exclusionCodes: string[];
  @ApiProperty({ nullable: true, type: String }) consentDate: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawnAt: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawalReason: string | null;
  @ApiProperty({ nullable: true, type: () => ScreenFailureLogDto })
  screenFailure: ScreenFailureLogDto | null;
  @ApiProperty({
    nullable: true,
    enum: ['not_meeting_criteria', 'declined', 'other'],
    description: 'Excluded before randomisation, as coded (CONSORT)',
  })
  exclusion: string | null;
}

export class ScreenFailureLogDto {
  @ApiProperty({ enum: ['not_meeting_criteria', 'declined', 'other'] }) reason: string;
  @ApiProperty({ enum: ['phone_check', 'records_review', 'screening_visit'] }) stage: string;
  @ApiProperty() detail: string;
  @ApiProperty({ format: 'date' }) date: string;
}

export class ExclusionCountDto {
  @ApiProperty() code: string;
  @ApiProperty() title: string;
  @ApiProperty() count: number;
}

export class ConsortDto {
  @ApiProperty() assessedForEligibility: number;
  @ApiProperty() excluded: number;
  @ApiProperty() notMeetingCriteria: number;
  @ApiProperty() declined: number;
  @ApiProperty() other: number;
  @ApiProperty({ description: 'Of the excluded: recorded screen failures' })
  screenFailures: number;
  @ApiProperty({ description: 'Of the excluded: withdrawals before randomisation' })
  withdrawn: number;
  @ApiProperty() inScreening: number;
  @ApiProperty() randomised: number;
}

export class ScreeningLogResponseDto {
  @ApiProperty({ type: [ScreeningLogEntryDto] }) items: ScreeningLogEntryDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty({ type: [ExclusionCountDto] }) exclusionCounts: ExclusionCountDto[];
  @ApiProperty({ type: () => ConsortDto }) consort: ConsortDto;
}
