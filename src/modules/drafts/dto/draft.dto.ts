import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class SaveDraftDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The form's values as the page holds them (at most DRAFT_MAX_BYTES of JSON)",
  })
  @IsObject()
  data: Record<string, unknown>;
}

export class DraftResponseDto {
  @ApiProperty({ example: 'visit:7f0c1e1a-0000-4000-8000-000000000000' }) formKey: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ description: 'When the draft was last saved' }) savedAt: string;
  @ApiProperty({ description: 'When the draft will be deleted unless saved again' })
  expiresAt: string;
}

export class DraftDeletedResponseDto {
  @ApiProperty({ description: 'Whether there was a draft to delete' }) deleted: boolean;
}
