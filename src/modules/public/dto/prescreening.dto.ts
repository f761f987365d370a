import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsObject,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ValidateDate,
  ValidateEnum,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import { IsEdssScore } from 'src/modules/eligibility/dto/screening.dto';

export const MS_TYPES = ['RRMS', 'SPMS', 'PPMS', 'unknown'] as const;
export const CURRENT_TREATMENTS = [
  'none',
  'interferon_beta',
  'glatiramer_acetate',
  'dimethyl_fumarate',
  'teriflunomide',
  'fingolimod',
  'natalizumab',
  'rituximab',
  'ofatumumab',
  'ocrelizumab',
  'cladribine',
  'alemtuzumab',
  'other',
] as const;
export const PRIOR_TREATMENTS = ['alemtuzumab', 'cladribine', 'ocrelizumab', 'ahsct'] as const;
export const YES_NO = ['yes', 'no'] as const;
export const YES_NO_UNKNOWN = ['yes', 'no', 'unknown'] as const;

const present = (_: unknown, v: unknown) => v !== undefined;

/**
 * The question scheme of the public registration form (docs/domain/ram-ms.md §6 step 1), in the person's own
 * words: no clinical record ids, no free text. Mapped to the screening record by
 * `toScreeningRecord` (prescreening-answers.ts); the team checks everything again later.
 */
export class PrescreeningAnswersDto {
  @ValidateDate({ description: 'Date of birth (for the age criterion)' })
  birthDate: string;

  @ValidateEnum(MS_TYPES, { description: 'The type of MS a neurologist diagnosed' })
  msType: (typeof MS_TYPES)[number];

  @ValidateEnum(CURRENT_TREATMENTS, {
    description: 'The MS medicine used now (none = no MS medicine)',
  })
  currentTreatment: (typeof CURRENT_TREATMENTS)[number];

  @ValidateDate({
    optional: true,
    description: 'Since when (approximately) the current medicine is used',
  })
  currentTreatmentSince?: string;

  @IsArray()
  @ArrayMaxSize(PRIOR_TREATMENTS.length)
  @ValidateEnum(PRIOR_TREATMENTS, {
    each: true,
    description: 'Ever treated with these (empty = none)',
  })
  priorTreatments: (typeof PRIOR_TREATMENTS)[number][];

  @ValidateEnum(YES_NO_UNKNOWN, { description: 'A relapse (attack) in the last 12 months' })
  relapseLastYear: (typeof YES_NO_UNKNOWN)[number];

  @ValidateDate({ optional: true, description: 'When that relapse started (approximately)' })
  relapseOnsetDate?: string;

  @ValidateEnum(YES_NO_UNKNOWN, {
    optional: true,
    description: 'The relapse was treated with high-dose corticosteroids',
  })
  relapseSteroids?: (typeof YES_NO_UNKNOWN)[number];

  @ValidateEnum(YES_NO_UNKNOWN, {
    description: 'An MRI in the last 12 months showed new or active lesions',
  })
  mriActivityLastYear: (typeof YES_NO_UNKNOWN)[number];

  @ValidateDate({ optional: true, description: 'Date of that MRI (approximately)' })
  mriDate?: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 10,
    multipleOf: 0.5,
    description: 'Most recent EDSS score, if known',
  })
  @ValidateIf(present)
  @IsEdssScore()
  edss?: number;

  @ValidateEnum(YES_NO) pregnantOrBreastfeeding: (typeof YES_NO)[number];

  @ValidateEnum(YES_NO, {
    description: 'Under the care of a neurologist who can send the medical records',
  })
  neurologist: (typeof YES_NO)[number];

  @ValidateEnum(YES_NO, {
    description: 'Willing to let a computer decide the treatment (randomisation)',
  })
  willingToBeRandomised: (typeof YES_NO)[number];

  @ValidateEnum(YES_NO, {
    description: 'Willing to be told the results of the TB, hepatitis and HIV tests',
  })
  willingToLearnInfectionResults: (typeof YES_NO)[number];
}

export class PrescreeningCheckDto {
  @ApiProperty({ type: () => PrescreeningAnswersDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PrescreeningAnswersDto)
  answers: PrescreeningAnswersDto;
}

const PHONE = /^\+?[0-9][0-9 ()-]{5,24}$/;

export class PrescreeningContactDto {
  @ApiPropertyOptional({ format: 'email', maxLength: 254 })
  @ValidateIf(present)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ValidateMatches(PHONE, 'must be a phone number like +31 20 444 4444', { optional: true })
  phone?: string;
}

export class PrescreeningRegistrationDto extends PrescreeningCheckDto {
  @ValidateUuid({ description: 'The screening site chosen from GET /public/prescreening/sites' })
  siteId: string;

  @ValidateText(100) givenName: string;
  @ValidateText(100) familyName: string;

  @ApiProperty({ type: () => PrescreeningContactDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PrescreeningContactDto)
  contact: PrescreeningContactDto;

  @ValidateEnum(['yes'] as const, {
    description: 'Agrees that the study team stores these answers and contacts the person',
  })
  agreeToContact: 'yes';
}

export class PublicSiteDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'NL-AMS' }) label: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['NO', 'SE', 'DK', 'NL'] }) countryCode: string;
}

export class PrescreeningReasonDto {
  @ApiProperty({ example: 'E2', description: 'The criterion the answers do not meet' })
  criterionId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: "The criteria engine's explanation (English)" }) explanation: string;
}

export class PrescreeningCheckResultDto {
  @ApiProperty({ description: 'false: the answers show the person cannot take part' })
  canQualify: boolean;
  @ApiProperty({ type: [PrescreeningReasonDto] }) reasons: PrescreeningReasonDto[];
  @ApiProperty({
    type: [String],
    description: 'Criteria the team still has to check (not answerable here)',
  })
  toBeChecked: string[];
}

export class PrescreeningRegistrationResultDto {
  @ApiProperty({ description: 'The name of the site that will contact the person' })
  siteName: string;
  @ApiProperty({ type: [String], example: ['phone_check', 'records', 'screening_visit'] })
  nextSteps: string[];
}
