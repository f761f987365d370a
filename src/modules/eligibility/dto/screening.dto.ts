import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { IsFieldNumber } from 'src/common/fields/validate-field';
import { fieldItem } from 'src/common/fields/registry';
import {
  ValidateBoolean,
  ValidateDate,
  ValidateEnum,
  ValidateInt,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import {
  DISEASE_COURSES,
  DRUG_CODES,
  TEST_RESULTS,
  type DiseaseCourse,
  type DrugCode,
  type TestResult,
} from 'src/modules/eligibility/engine';

/** An EDSS score: a number from 0 to 10 in steps of 0.5 (5.25 and 11 are refused); the range is the field registry's. */
export function IsEdssScore(): PropertyDecorator {
  return IsFieldNumber(fieldItem('screening.edss'));
}

const present = (_: unknown, v: unknown) => v !== undefined;

/** An optional nested section, validated field by field (unknown fields are refused). */
const Section = (cls: () => new () => object) =>
  applyDecorators(
    ValidateIf(present),
    IsObject(),
    ValidateNested(),
    Type(cls),
    ApiPropertyOptional({ type: () => cls() }),
  );

/** An optional list of nested items, at most `max` long; `[]` means "none". */
const SectionList = (cls: () => new () => object, max: number) =>
  applyDecorators(
    ValidateIf(present),
    IsArray(),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    Type(cls),
    ApiPropertyOptional({ type: () => cls(), isArray: true, maxItems: max }),
  );

const opt = { optional: true, nullable: true } as const;

export class DiagnosisDto {
  @ValidateEnum(DISEASE_COURSES, opt) course?: DiseaseCourse | null;
  @ValidateBoolean({ ...opt, description: 'Revised McDonald criteria met' }) mcDonaldMet?:
    boolean | null;
  @ValidateDate(opt) symptomOnsetDate?: string | null;
  @ValidateDate(opt) diagnosisDate?: string | null;
}

export class EdssDto {
  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 10, multipleOf: 0.5, nullable: true })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsEdssScore()
  score?: number | null;

  @ValidateDate(opt) date?: string | null;
  @ValidateBoolean({ ...opt, description: 'Assessed in a stable phase (not during a relapse)' })
  stablePhase?: boolean | null;
}

export class RelapseDto {
  @ValidateDate() onsetDate: string;
  @ValidateBoolean({ ...opt, description: 'Treated with IV or oral high-dose corticosteroids' })
  steroidTreated?: boolean | null;
  @ValidateBoolean(opt) clinicallyRelevant?: boolean | null;
}

export class MriExamDto {
  @ValidateMatches(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1 to 40 of A-Z a-z 0-9 _ . -', {
    optional: true,
    description: 'Your id for the exam, so another exam can name it as its reference',
  })
  id?: string;

  @ValidateDate() date: string;
  @ValidateInt(0, 500, { ...opt, description: 'Gadolinium-enhancing T1 lesions' }) gdEnhancingT1?:
    number | null;
  @ValidateInt(0, 500, { ...opt, description: 'New or enlarging T2 lesions' }) newOrEnlargingT2?:
    number | null;
  @ValidateMatches(/^[A-Za-z0-9_.-]{1,40}$/, 'must name an exam id in this list', {
    optional: true,
  })
  comparedWithExamId?: string;
  @ValidateDate({ ...opt, description: 'Date of the reference exam when it is not in the list' })
  comparedWithDate?: string | null;
}

export class TreatmentDto {
  @ValidateEnum(DRUG_CODES) drug: DrugCode;
  @ValidateDate(opt) startDate?: string | null;
  @ValidateDate({ ...opt, description: 'null = still on it' }) endDate?: string | null;
}

export class InfectionScreeningDto {
  @ValidateEnum(TEST_RESULTS, opt) tb?: TestResult | null;
  @ValidateEnum(TEST_RESULTS, opt) hiv?: TestResult | null;
  @ValidateEnum(TEST_RESULTS, opt) hbsag?: TestResult | null;
  @ValidateEnum(TEST_RESULTS, opt) hcvPcr?: TestResult | null;
  @ValidateEnum(TEST_RESULTS, opt) syphilis?: TestResult | null;
}

export class ActiveInfectionsDto {
  @ValidateBoolean(opt) cmv?: boolean | null;
  @ValidateBoolean(opt) ebv?: boolean | null;
  @ValidateBoolean(opt) hsv?: boolean | null;
  @ValidateBoolean(opt) vzv?: boolean | null;
  @ValidateBoolean(opt) toxoplasmosis?: boolean | null;
}

export class ComorbidityDto {
  @ValidateBoolean(opt) contraindicationOrHypersensitivity?: boolean | null;
  @ValidateBoolean(opt) diseasePreventingMedication?: boolean | null;
  @ValidateBoolean(opt) severeDepression?: boolean | null;
  @ValidateBoolean(opt) addiction?: boolean | null;
  @ValidateBoolean(opt) cardiovascularRisk?: boolean | null;
  @ValidateBoolean(opt) activeMalignancy?: boolean | null;
  @ValidateBoolean(opt) pastMalignancyOtherThanBccOrCin?: boolean | null;
}

export const MAX_RELAPSES = 50;
export const MAX_MRI_EXAMS = 50;
export const MAX_TREATMENTS = 30;

/**
 * The structured screening data (the engine's ScreeningData without birth date, which lives in
 * the identity vault, and without consent, which POST /participants/:id/consent records).
 * Every section is optional: records are entered step by step. Object sections merge field by
 * field (null = entered as none); a list is sent whole only while none of it is recorded, then it
 * changes item by item through `lists` (items carry a server-assigned `itemId`).
 */
export class ScreeningSectionsDto {
  @Section(() => DiagnosisDto) diagnosis?: DiagnosisDto;
  @Section(() => EdssDto) edss?: EdssDto;
  @SectionList(() => RelapseDto, MAX_RELAPSES) relapses?: RelapseDto[];
  @SectionList(() => MriExamDto, MAX_MRI_EXAMS) mriExams?: MriExamDto[];
  @SectionList(() => TreatmentDto, MAX_TREATMENTS) treatments?: TreatmentDto[];
  @Section(() => InfectionScreeningDto) infections?: InfectionScreeningDto;
  @Section(() => ActiveInfectionsDto) activeInfections?: ActiveInfectionsDto;
  @Section(() => ComorbidityDto) comorbidity?: ComorbidityDto;
  @ValidateBoolean(opt) pregnantOrBreastfeeding?: boolean | null;
  @ValidateBoolean({ ...opt, description: 'Childbearing potential of the person or their partner' })
  childbearingPotential?: boolean | null;
  @ValidateBoolean({ ...opt, description: 'Agrees to highly effective contraception' })
  agreesToContraception?: boolean | null;
  @ValidateBoolean(opt) referredFromNeurology?: boolean | null;
  @ValidateBoolean(opt) willingToBeRandomised?: boolean | null;
  @ValidateBoolean(opt) willingToLearnInfectionResults?: boolean | null;
}

export class RelapseChangeDto {
  @ValidateUuid({ description: 'itemId of the recorded relapse' }) itemId: string;
  @ValidateDate({ optional: true }) onsetDate?: string;
  @ValidateBoolean(opt) steroidTreated?: boolean | null;
  @ValidateBoolean(opt) clinicallyRelevant?: boolean | null;
}

export class MriExamChangeDto {
  @ValidateUuid({ description: 'itemId of the recorded exam' }) itemId: string;
  @ValidateMatches(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1 to 40 of A-Z a-z 0-9 _ . -', opt)
  id?: string | null;
  @ValidateDate({ optional: true }) date?: string;
  @ValidateInt(0, 500, opt) gdEnhancingT1?: number | null;
  @ValidateInt(0, 500, opt) newOrEnlargingT2?: number | null;
  @ValidateMatches(/^[A-Za-z0-9_.-]{1,40}$/, 'must name an exam id in this list', opt)
  comparedWithExamId?: string | null;
  @ValidateDate(opt) comparedWithDate?: string | null;
}

export class TreatmentChangeDto {
  @ValidateUuid({ description: 'itemId of the recorded treatment' }) itemId: string;
  @ValidateEnum(DRUG_CODES, { optional: true }) drug?: DrugCode;
  @ValidateDate(opt) startDate?: string | null;
  @ValidateDate({ ...opt, description: 'null = still on it' }) endDate?: string | null;
}

const ItemIds = (max: number) =>
  applyDecorators(
    ValidateUuid({ optional: true, each: true, description: 'itemIds to remove' }),
    ValidateIf(present),
    IsArray(),
    ArrayMaxSize(max),
  );

export class RelapseOpsDto {
  @SectionList(() => RelapseDto, MAX_RELAPSES) add?: RelapseDto[];
  @SectionList(() => RelapseChangeDto, MAX_RELAPSES) change?: RelapseChangeDto[];
  @ItemIds(MAX_RELAPSES) remove?: string[];
}

export class MriExamOpsDto {
  @SectionList(() => MriExamDto, MAX_MRI_EXAMS) add?: MriExamDto[];
  @SectionList(() => MriExamChangeDto, MAX_MRI_EXAMS) change?: MriExamChangeDto[];
  @ItemIds(MAX_MRI_EXAMS) remove?: string[];
}

export class TreatmentOpsDto {
  @SectionList(() => TreatmentDto, MAX_TREATMENTS) add?: TreatmentDto[];
  @SectionList(() => TreatmentChangeDto, MAX_TREATMENTS) change?: TreatmentChangeDto[];
  @ItemIds(MAX_TREATMENTS) remove?: string[];
}

/** Item-by-item changes to the recorded lists: items are named by their `itemId`; items not named keep their values. */
export class ScreeningListChangesDto {
  @Section(() => RelapseOpsDto) relapses?: RelapseOpsDto;
  @Section(() => MriExamOpsDto) mriExams?: MriExamOpsDto;
  @Section(() => TreatmentOpsDto) treatments?: TreatmentOpsDto;
}

export class UpdateScreeningDto extends ScreeningSectionsDto {
  @ValidateText(500, {
    optional: true,
    description: 'Required when a recorded value changes (a correction)',
  })
  reason?: string;

  @Section(() => ScreeningListChangesDto) lists?: ScreeningListChangesDto;

  @ValidateInt(0, 1_000_000, {
    optional: true,
    description:
      'The episode version the write is based on; 409 STALE_VERSION if it changed meanwhile',
  })
  expectedVersion?: number;
}

export class ScreeningEpisodeResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() episodeNo: number;
  @ApiProperty() current: boolean;
  @ApiProperty({ description: 'The structured screening data entered so far' }) data: Record<
    string,
    unknown
  >;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ nullable: true, enum: ['eligible', 'ineligible'] }) decision:
    'eligible' | 'ineligible' | null;
  @ApiProperty({ nullable: true, type: String }) decidedAssessmentId: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ type: [String], description: 'Coded exclusion reasons (criterion ids)' })
  exclusionCodes: string[];
  @ApiProperty({
    nullable: true,
    description: 'Informed consent recorded after a signed eligible assessment',
  })
  consent: {
    version: string;
    date: string;
    ageAtConsent: number | null;
    recordedAt: string | null;
  } | null;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'Send it back as expectedVersion with a correction' })
  version: number;
}
