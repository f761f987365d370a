import { ApiProperty } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/validation/page';
import { ValidateInstant, ValidateText, ValidateUuid } from 'src/common/validation/validators';

export class ListAuditQueryDto extends PageQueryDto {
  @ValidateText(64, { optional: true, description: 'e.g. user, site, participant' })
  entity?: string;

  @ValidateText(64, { optional: true })
  entityId?: string;

  @ValidateUuid({ optional: true })
  actorId?: string;

  @ValidateText(64, { optional: true, description: 'e.g. user.created' })
  action?: string;

  @ValidateInstant({ optional: true, orDate: true, description: 'ISO instant, inclusive' })
  from?: string;

  @ValidateInstant({ optional: true, orDate: true, description: 'ISO instant, exclusive' })
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty() seq: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty({ nullable: true, type: String }) actorId: string | null;
  @ApiProperty() actorRole: string;
  @ApiProperty() action: string;
  @ApiProperty() entity: string;
  @ApiProperty({ nullable: true, type: String }) entityId: string | null;
  @ApiProperty({ nullable: true, type: Object }) before: unknown;
  @ApiProperty({ nullable: true, type: Object }) after: unknown;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
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
