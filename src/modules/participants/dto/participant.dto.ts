import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { PageQueryDto } from 'src/common/validation/page';
import {
  ValidateBoolean,
  ValidateEnum,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import { ValidateField } from 'src/common/fields/validate-field';
import { ScreeningSectionsDto } from 'src/modules/eligibility/dto/screening.dto';
import { IdentityDto } from 'src/modules/identity/dto/identity.dto';
import {
  FOLLOW_UP_OUTCOMES,
  type FollowUpOutcome,
  FHIR_RESEARCH_SUBJECT_STATUSES,
  PARTICIPANT_STATUSES,
  type FhirResearchSubjectStatus,
  type ParticipantStatus,
  SCREEN_FAILURE_REASONS,
  SCREEN_FAILURE_STAGES,
  type ScreenFailureReason,
  type ScreenFailureStage,
} from 'src/modules/participants/participant-status';
import {
  WITHDRAWAL_INITIATORS,
  type WithdrawalInitiator,
} from 'src/modules/participants/participant.entity';

export const REGISTRATION_STAGES = ['registered', 'pre_screened'] as const;
export type RegistrationStage = (typeof REGISTRATION_STAGES)[number];

export class ConfirmDuplicateDto {
  @ValidateText(500, {
    description: 'Why this is not the same person, or why they are registered again',
  })
  reason: string;
}

export class RegisterParticipantDto {
  @ValidateUuid({ description: 'The screening site (must be one of your sites)' })
  siteId: string;

  @ApiProperty({ type: () => IdentityDto })
  @IsObject()
  @ValidateNested()
  @Type(() => IdentityDto)
  identity: IdentityDto;

  @ApiPropertyOptional({
    type: () => ScreeningSectionsDto,
    description: 'Answers of the pre-screening questionnaire',
  })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ScreeningSectionsDto)
  preScreening?: ScreeningSectionsDto;

  @ValidateEnum(REGISTRATION_STAGES, {
    optional: true,
    description:
      'registered (default: gets a study id now) or pre_screened (questionnaire only; registered later)',
  })
  stage?: RegistrationStage;

  @ApiPropertyOptional({
    type: () => ConfirmDuplicateDto,
    description:
      'Register although a likely duplicate was reported (409 LIKELY_DUPLICATE); the reason is audited',
  })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ConfirmDuplicateDto)
  confirmDuplicate?: ConfirmDuplicateDto;
}

export class ListParticipantsQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true })
  siteId?: string;

  @ValidateEnum(PARTICIPANT_STATUSES, { optional: true })
  status?: ParticipantStatus;

  @ValidateMatches(/^[A-Za-z0-9-]{1,20}$/, 'must be part of a study id, e.g. NL-AMS-00', {
    optional: true,
    description: 'Search by study id',
  })
  q?: string;
}

export class TransitionDto {
  @ValidateEnum(PARTICIPANT_STATUSES, {
    description: 'The next pathway step, e.g. phone_check_done',
  })
  to: ParticipantStatus;

  @ValidateText(500, { optional: true })
  reason?: string;

  @ValidateField('pathway.stepDate', {
    optional: true,
    description:
      'The date the step happened (default today at the site); not in the future, not before registration or the previous step',
  })
  date?: string;
  @ApiPropertyOptional({
    type: () => ConfirmDuplicateDto,
    description:
      'Registering a pre-screened candidate although a likely duplicate was reported (409 LIKELY_DUPLICATE); audited',
  })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ConfirmDuplicateDto)
  confirmDuplicate?: ConfirmDuplicateDto;
}

export class ScreenFailureDto {
  @ValidateField('pathway.screenFailureReason', {
    description: 'Coded reason: not meeting criteria, declined or other',
  })
  reason: ScreenFailureReason;

  @ValidateField('pathway.screenFailureDetail', { description: 'What happened, in words' })
  detail: string;

  @ValidateField('pathway.screenFailureStage', {
    optional: true,
    description:
      'Where it was found (default from the status: registered → phone check, phone check done → records review, later → screening visit)',
  })
  stage?: ScreenFailureStage;

  @ValidateField('pathway.screenFailureDate', {
    optional: true,
    description: 'The date it happened (default today at the site)',
  })
  date?: string;
}

export class UndoStepDto {
  @ValidateText(500, { description: 'Why the last step is taken back' })
  reason: string;
}

export class WithdrawDto {
  @ValidateText(500, {
    optional: true,
    description: 'Optional: a participant may withdraw without giving a reason',
  })
  reason?: string;

  @ValidateBoolean({
    description: 'The participant asks for collected body material to be destroyed',
  })
  destroySamples: boolean;

  @ValidateEnum(WITHDRAWAL_INITIATORS, {
    optional: true,
    description: 'Who ended participation (default participant)',
  })
  initiatedBy?: WithdrawalInitiator;
}

export class RecordOutcomeDto {
  @ValidateEnum(FOLLOW_UP_OUTCOMES)
  outcome: FollowUpOutcome;

  @ValidateText(500, { description: 'What happened, e.g. the date and source of the information' })
  reason: string;
}

export class ConfirmSampleDestructionDto {
  @ValidateText(500, {
    optional: true,
    description: 'e.g. where and by whom the material was destroyed',
  })
  note?: string;
}

export class SampleDestructionDto {
  @ApiProperty() id: string;
  @ApiProperty() requestedAt: string;
  @ApiProperty({ nullable: true, type: String }) requestedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmationNote: string | null;
  @ApiProperty() open: boolean;
}

export class WithdrawalDto {
  @ApiProperty() withdrawnAt: string;
  @ApiProperty({ enum: PARTICIPANT_STATUSES }) withdrawnFrom: ParticipantStatus;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ enum: WITHDRAWAL_INITIATORS }) initiatedBy: WithdrawalInitiator;
}

export class ScreenFailureInfoDto {
  @ApiProperty({ enum: SCREEN_FAILURE_REASONS }) reason: ScreenFailureReason;
  @ApiProperty({ enum: SCREEN_FAILURE_STAGES }) stage: ScreenFailureStage;
  @ApiProperty() detail: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty() recordedAt: string;
}

export class ParticipantResponseDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, example: 'NL-AMS-0007' }) studyId: string | null;
  @ApiProperty() siteId: string;
  @ApiProperty({ example: 'NL-AMS' }) siteLabel: string;
  @ApiProperty({ enum: PARTICIPANT_STATUSES }) status: ParticipantStatus;
  @ApiProperty({
    enum: FHIR_RESEARCH_SUBJECT_STATUSES,
    description: 'FHIR R4 ResearchSubjectStatus',
  })
  fhirStatus: FhirResearchSubjectStatus;
  @ApiProperty() statusChangedAt: string;
  @ApiProperty({ nullable: true, type: String }) registeredAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() version: number;
  @ApiProperty({
    description: 'Number of the current screening episode (1, or more after re-screening)',
  })
  screeningEpisode: number;
  @ApiProperty({
    enum: PARTICIPANT_STATUSES,
    isArray: true,
    description: 'Pathway steps that may be requested next',
  })
  nextSteps: ParticipantStatus[];
  @ApiProperty({ nullable: true, type: () => WithdrawalDto }) withdrawal: WithdrawalDto | null;
  @ApiProperty({ nullable: true, type: () => SampleDestructionDto })
  sampleDestruction: SampleDestructionDto | null;
  @ApiProperty({ nullable: true, type: () => ScreenFailureInfoDto })
  screenFailure: ScreenFailureInfoDto | null;
  @ApiPropertyOptional({ nullable: true, description: 'Pre-screening answers (detail view only)' })
  preScreening?: Record<string, unknown> | null;
}

export class StatusHistoryDto {
  @ApiProperty({ nullable: true, enum: PARTICIPANT_STATUSES }) from: ParticipantStatus | null;
  @ApiProperty({ enum: PARTICIPANT_STATUSES }) to: ParticipantStatus;
  @ApiProperty() kind: string;
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: String }) actorId: string | null;
  @ApiProperty() actorRole: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date',
    description: 'The date the move happened (site calendar)',
  })
  date: string | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'e.g. a screen failure: reason, stage',
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) undoneAt: string | null;
  @ApiProperty({ nullable: true, type: String }) undoneBy: string | null;
  @ApiProperty({ nullable: true, type: String }) undoReason: string | null;
}
