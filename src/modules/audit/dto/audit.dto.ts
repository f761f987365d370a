import { ApiProperty } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/validation/page';
import {
  ValidateInstant,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import { STUDY_ID_PATTERN } from 'src/modules/participants/participants.reader';

export class ListAuditQueryDto extends PageQueryDto {
  @ValidateText(64, { optional: true, description: 'e.g. user, site, participant' })
  entity?: string;

  @ValidateText(64, { optional: true })
  entityId?: string;

  @ValidateMatches(STUDY_ID_PATTERN, 'must be a study id such as NL-AMS-0001', {
    optional: true,
    description:
      "The participant's rows and those of its records (visits, adverse events, bookings, …)",
  })
  studyId?: string;

  @ValidateUuid({ optional: true })
  actorId?: string;

  @ValidateText(64, { optional: true, description: 'e.g. user.created' })
  action?: string;

  @ValidateInstant({ optional: true, orDate: true, description: 'ISO instant, inclusive' })
  from?: string;

  @ValidateInstant({ optional: true, orDate: true, description: 'ISO instant, exclusive' })
  to?: string;
}

export class AuditChangeDto {
  @ApiProperty({
    description: 'The field as written, e.g. `edss.score` or `samples[bloods].taken`',
  })
  field: string;
  @ApiProperty({ description: "Its label (the field registry's English label, else the field)" })
  label: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The translation key of the label (`field.<form>.<item>`) for a registry item',
  })
  labelKey: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Its value before (null = empty)' })
  before: unknown;
  @ApiProperty({ nullable: true, type: Object, description: 'Its value after (null = cleared)' })
  after: unknown;
}

export class AuditEntryDto {
  @ApiProperty() seq: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty({ nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The actor's display name" })
  actorName: string | null;
  @ApiProperty() actorRole: string;
  @ApiProperty() action: string;
  @ApiProperty() entity: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The study id of the participant the row is about (its own or its records’)',
  })
  studyId: string | null;
  @ApiProperty({ nullable: true, type: Object }) before: unknown;
  @ApiProperty({ nullable: true, type: Object }) after: unknown;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({
    type: [AuditChangeDto],
    description: 'The changed fields in words (none when the values are withheld)',
  })
  changes: AuditChangeDto[];
  @ApiProperty({
    description:
      'One line, e.g. "EDSS score 3.0 → 3.5, reason: transcription error, by Anna Jansen"',
  })
  summary: string;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty() hash: string;
  @ApiProperty({
    description:
      'True when values, reason or the arm-specific kind are withheld from this role (an admin on clinical rows)',
  })
  redacted: boolean;
}

export class AuditVerificationDto {
  @ApiProperty() valid: boolean;
  @ApiProperty() rows: number;
  @ApiProperty({ description: 'Hash of the last row: publish it to anchor the chain' })
  lastHash: string;
  @ApiProperty({ nullable: true, description: 'The first broken link, if any' })
  firstBreak: { seq: string; problem: string } | null;
}
