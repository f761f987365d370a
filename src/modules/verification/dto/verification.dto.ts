import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import {
  ValidateInt,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';

/** The kinds of correctable record (`record_versions.entity`); a transplant phase names its phase. */
export const RECORD_ENTITY =
  /^(visit_log|visit_assessment|adverse_event|screening_record|consent|arm_b_drug|transplant_phase:[a-z_]{1,40})$/;

export class MarkVerifiedDto {
  @ValidateMatches(RECORD_ENTITY, 'must be a kind of record such as visit_log', {
    description:
      'The kind of record: visit_log, visit_assessment, adverse_event, screening_record, consent, arm_b_drug or transplant_phase:<phase>',
  })
  entity: string;

  @ValidateUuid({
    description: "The record's id (as GET /participants/{id}/verification lists it)",
  })
  entityId: string;

  @ValidateInt(0, 1_000_000, {
    description:
      'The version you checked against the source; when the record has changed since, nothing is marked (409 SDV_STALE_VERSION with the current version)',
  })
  version: number;
}

export class UndoVerificationDto {
  @ValidateMatches(RECORD_ENTITY, 'must be a kind of record such as visit_log', {
    description: 'The kind of record',
  })
  entity: string;

  @ValidateUuid({ description: "The record's id" })
  entityId: string;

  @ValidateText(500, { description: 'Why the mark is withdrawn (e.g. marked by mistake)' })
  reason: string;
}

export class SdvClearedDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'The version of the change that cleared the mark (null: withdrawn by the monitor)',
  })
  byVersion: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Who made that change, or withdrew the mark',
  })
  byName: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Withdrawn by the monitor: the reason given',
  })
  undoReason: string | null;
  @ApiProperty({ type: [String], description: 'The fields that change changed' })
  fields: string[];
  @ApiProperty({ description: 'The version that had been verified' })
  verifiedVersion: number;
}

/** One record of a participant and its source-data verification. */
export class RecordVerificationDto {
  @ApiProperty({ description: 'The kind of record (entity), e.g. visit_log' }) entity: string;
  @ApiProperty({ format: 'uuid' }) entityId: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'What identifies it to people: the visit code, the adverse event term, the phase',
  })
  detail: string | null;
  @ApiProperty({ description: 'Its current version' }) version: number;
  @ApiProperty({ format: 'date-time', description: 'When the current version was recorded' })
  changedAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) changedBy: string | null;
  @ApiProperty({ description: 'The current version is verified' }) verified: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) verifiedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' })
  verifiedAt: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: SdvClearedDto,
    description:
      'Not verified since a change cleared the last mark (or the monitor withdrew it): that change',
  })
  cleared: SdvClearedDto | null;
}

export class ParticipantVerificationDto {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() records: number;
  @ApiProperty() verified: number;
  @ApiProperty({ description: 'verified / records, 0–100 (100 when there are no records)' })
  percent: number;
  @ApiProperty({ type: [RecordVerificationDto] }) items: RecordVerificationDto[];
}

export class ParticipantProgressDto {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() records: number;
  @ApiProperty() verified: number;
  @ApiProperty() percent: number;
}

export class SiteProgressDto {
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() participants: number;
  @ApiProperty() records: number;
  @ApiProperty() verified: number;
  @ApiProperty() percent: number;
}

export class ProgressDto {
  @ApiProperty({ type: [SiteProgressDto] }) sites: SiteProgressDto[];
  @ApiProperty({ type: [ParticipantProgressDto] }) participants: ParticipantProgressDto[];
  @ApiProperty() records: number;
  @ApiProperty() verified: number;
  @ApiProperty() percent: number;
}

export const DEFAULT_CASEBOOK_MEANING =
  "I approve this participant's casebook as complete and accurate";

export class SignCasebookDto {
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
    optional: true,
    description: `The meaning of the signature (default: "${DEFAULT_CASEBOOK_MEANING}")`,
  })
  meaning?: string;
}

export class CasebookVoidDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'The kind of record changed' }) entity: string;
  @ApiProperty({ format: 'uuid' }) entityId: string;
  @ApiProperty({ description: 'Its version made by the change' }) version: number;
  @ApiPropertyOptional({ nullable: true, type: String }) byName: string | null;
  @ApiProperty({ type: [String] }) fields: string[];
}

/** An electronic signature of the casebook, with its manifest (21 CFR 11.50). */
export class CasebookSignatureDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['signed', 'voided'] }) state: 'signed' | 'voided';
  @ApiProperty({ description: "The signer's printed name" }) printedName: string;
  @ApiProperty({ description: 'The role the signer signed in' }) signerRole: string;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
  @ApiProperty() meaning: string;
  @ApiProperty({
    enum: ['password', 'signing_password', 'sso_reauthentication'],
    description: 'How the signer was authenticated again',
  })
  signatureMethod: string;
  @ApiProperty({ description: "The participant's status when signed" }) participantStatus: string;
  @ApiProperty({ description: 'How many records the casebook held when signed' }) records: number;
  @ApiPropertyOptional({
    nullable: true,
    type: CasebookVoidDto,
    description: 'The change that voided the signature',
  })
  voided: CasebookVoidDto | null;
}

export class CasebookDto {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() participantStatus: string;
  @ApiProperty({
    description:
      'Follow-up has ended (randomised, and completed, withdrawn, lost to follow-up or died): the casebook can be signed',
  })
  followUpEnded: boolean;
  @ApiProperty({ enum: ['unsigned', 'signed', 'voided'] })
  state: 'unsigned' | 'signed' | 'voided';
  @ApiProperty({ description: 'The meaning a new signature states unless another is given' })
  defaultMeaning: string;
  @ApiProperty({ type: [CasebookSignatureDto], description: 'Every signature, newest first' })
  signatures: CasebookSignatureDto[];
}
