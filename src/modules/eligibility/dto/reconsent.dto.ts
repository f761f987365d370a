import { ApiProperty } from '@nestjs/swagger';
import { ValidateField } from 'src/common/fields/validate-field';
import { ValidateUuid } from 'src/common/validation/validators';

export class RecordReconsentDto {
  @ValidateField('consent.version', {
    description: 'The new consent form version (must be the trial’s current version)',
  })
  version: string;

  @ValidateField('consent.date', {
    description:
      'Date the participant signed it (not in the future, not before the consent it renews)',
  })
  date: string;
}

export class ReconsentPendingQueryDto {
  @ValidateUuid({ optional: true, description: 'Only this site' })
  siteId?: string;
}

export class ReconsentPendingItemDto {
  @ApiProperty() participantId: string;
  @ApiProperty({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'The version of the latest consent recorded' })
  consentedVersion: string;
  @ApiProperty({ format: 'date' }) consentedOn: string;
}

export class ReconsentPendingDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The trial’s current consent version (null: none configured, nothing pending)',
  })
  currentVersion: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The amendment that needs re-consent' })
  amendment: string | null;
  @ApiProperty({ type: [ReconsentPendingItemDto] }) items: ReconsentPendingItemDto[];
}

export class ReconsentRecordedDto {
  @ApiProperty() participantId: string;
  @ApiProperty() version: string;
  @ApiProperty({ format: 'date' }) date: string;
}
