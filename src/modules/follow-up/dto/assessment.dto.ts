import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { ValidateDate, ValidateInt, ValidateText } from 'src/common/validation/validators';
import { IsEdssScore } from './visit-log.dto';

export class EdssInputDto {
  @ApiProperty({ type: Number, minimum: 0, maximum: 10, multipleOf: 0.5 })
  @IsEdssScore()
  score: number;

  @ValidateText(100, {
    description: 'The certified blinded rater (e.g. Neurostatus id or initials)',
  })
  rater: string;
  @ValidateDate({ description: 'Date of the examination' }) assessedOn: string;
}

export class MriReadInputDto {
  @ValidateDate({ description: 'Date of the MRI exam' }) examDate: string;
  @ValidateInt(0, 500, { description: 'Gadolinium-enhancing T1 lesions' }) gdLesions: number;
  @ValidateInt(0, 500, {
    description: 'New or enlarging T2 lesions against the exam compared with',
  })
  newOrEnlargingT2: number;
  @ValidateDate({ description: 'Date of the exam this one was compared with' })
  comparedWith: string;
}

const Optional = (cls: () => new () => object) =>
  applyDecorators(
    ValidateIf((_: unknown, v: unknown) => v !== undefined),
    IsObject(),
    ValidateNested(),
    Type(cls),
    ApiPropertyOptional({ type: () => cls() }),
  );

/** What the blinded assessor records at a visit: EDSS and/or the MRI read. */
export class RecordAssessmentDto {
  @Optional(() => EdssInputDto) edss?: EdssInputDto;
  @Optional(() => MriReadInputDto) mri?: MriReadInputDto;
}

export class EdssPatchDto {
  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 10, multipleOf: 0.5 })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsEdssScore()
  score?: number;

  @ValidateText(100, { optional: true }) rater?: string;
  @ValidateDate({ optional: true }) assessedOn?: string;
}

export class MriPatchDto {
  @ValidateDate({ optional: true }) examDate?: string;
  @ValidateInt(0, 500, { optional: true }) gdLesions?: number;
  @ValidateInt(0, 500, { optional: true }) newOrEnlargingT2?: number;
  @ValidateDate({ optional: true }) comparedWith?: string;
}

/** A correction of the blinded assessment: only the fields sent change; reason required. */
export class CorrectAssessmentDto {
  @Optional(() => EdssPatchDto) edss?: EdssPatchDto;
  @Optional(() => MriPatchDto) mri?: MriPatchDto;
  @ValidateText(500, { description: 'Why the assessment is corrected (audited)' }) reason: string;
  @ValidateInt(0, 1_000_000, {
    optional: true,
    description:
      'The visit version the correction is based on; 409 STALE_VERSION if it changed meanwhile',
  })
  expectedVersion?: number;
}
