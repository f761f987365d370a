import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { ValidateField } from 'src/common/fields/validate-field';
import { ValidateInt, ValidateText } from 'src/common/validation/validators';

/*
 * The blinded assessment's items (ranges, steps, lengths) come from the field registry
 * (src/common/fields/items.ts, form `assessment`); only optionality and descriptions are set here.
 */

export class EdssInputDto {
  @ValidateField('assessment.edss') score: number;

  @ValidateField('assessment.edssRater', {
    description: 'The certified blinded rater (e.g. Neurostatus id or initials)',
  })
  rater: string;
  @ValidateField('assessment.edssDate', { description: 'Date of the examination' })
  assessedOn: string;
}

export class MriReadInputDto {
  @ValidateField('assessment.mriDate', { description: 'Date of the MRI exam' }) examDate: string;
  @ValidateField('assessment.mriGdLesions', { description: 'Gadolinium-enhancing T1 lesions' })
  gdLesions: number;
  @ValidateField('assessment.mriNewOrEnlargingT2', {
    description: 'New or enlarging T2 lesions against the exam compared with',
  })
  newOrEnlargingT2: number;
  @ValidateField('assessment.mriComparedWith', {
    description: 'Date of the exam this one was compared with',
  })
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
  @ValidateField('assessment.edss', { optional: true }) score?: number;
  @ValidateField('assessment.edssRater', { optional: true }) rater?: string;
  @ValidateField('assessment.edssDate', { optional: true }) assessedOn?: string;
}

export class MriPatchDto {
  @ValidateField('assessment.mriDate', { optional: true }) examDate?: string;
  @ValidateField('assessment.mriGdLesions', { optional: true }) gdLesions?: number;
  @ValidateField('assessment.mriNewOrEnlargingT2', { optional: true }) newOrEnlargingT2?: number;
  @ValidateField('assessment.mriComparedWith', { optional: true }) comparedWith?: string;
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
