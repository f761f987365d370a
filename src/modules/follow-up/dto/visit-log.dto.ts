import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ValidateField } from 'src/common/fields/validate-field';
import {
  IsInstant,
  ValidateBoolean,
  ValidateDate,
  ValidateEnum,
  ValidateInt,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import {
  type AeCausality,
  type AeExpectedness,
  type AeIntervention,
  type ExpectednessAssessor,
  AE_INTERVENTIONS,
  AE_OUTCOMES,
  AE_SEVERITIES,
  type AeOutcome,
  type AeSeverity,
  SERIOUSNESS_CRITERIA,
  type SeriousnessCriterion,
} from 'src/modules/follow-up/entities/adverse-event.entity';
import {
  type Questionnaire,
  QUESTIONNAIRES,
  SAMPLE_TYPES,
  type SampleType,
  UNSCHEDULED_REASONS,
  type UnscheduledReason,
} from 'src/modules/follow-up/entities/visit.entity';

const present = (_: unknown, v: unknown) => v !== undefined;

/** A nested object, validated field by field (unknown fields refused); optional unless `required`. */
const Nested = (cls: () => new () => object, required = false) =>
  applyDecorators(
    ...(required ? [] : [ValidateIf(present)]),
    IsObject(),
    ValidateNested(),
    Type(cls),
    required ? ApiProperty({ type: () => cls() }) : ApiPropertyOptional({ type: () => cls() }),
  );

/** A list of nested objects, at most `max` long; optional unless `required`. */
const NestedList = (cls: () => new () => object, max: number, required = false) =>
  applyDecorators(
    ...(required ? [] : [ValidateIf(present)]),
    IsArray(),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    Type(cls),
    required
      ? ApiProperty({ type: () => cls(), isArray: true, maxItems: max })
      : ApiPropertyOptional({ type: () => cls(), isArray: true, maxItems: max }),
  );

export class RelapseInputDto {
  @ValidateDate({ description: 'Onset of the new or worsening symptoms' }) onsetDate: string;
  @ValidateBoolean({ description: 'Treated with high-dose corticosteroids' })
  steroidTreated: boolean;
  @ValidateText(500, { optional: true }) description?: string;
}

export class RelapseAssessmentDto {
  @ValidateBoolean({ description: 'A new relapse since the previous visit' }) newRelapse: boolean;

  /** Required (at least one) when newRelapse is true. */
  @ValidateIf((o: RelapseAssessmentDto, v: unknown) => v !== undefined || o.newRelapse === true)
  @ArrayMinSize(1, { message: 'relapses must list at least one relapse when newRelapse is true' })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => RelapseInputDto)
  @ApiPropertyOptional({ type: RelapseInputDto, isArray: true, maxItems: 10 })
  relapses?: RelapseInputDto[];
}

export class SampleDto {
  @ValidateEnum(SAMPLE_TYPES) type: SampleType;
  @ValidateBoolean() taken: boolean;
  @ValidateText(200, { optional: true }) note?: string;
}

export class QuestionnaireDto {
  @ValidateEnum(QUESTIONNAIRES) instrument: Questionnaire;
  @ValidateBoolean() done: boolean;
}

const MEDDRA = /^\d{8}$/;

/** The investigator's causality to one intervention of the participant's arm, and its expectedness. */
export class InterventionAssessmentDto {
  @ValidateField('adverse_event.intervention', {
    description: "One of the participant's arm's interventions (settings: followUp.safety)",
  })
  intervention: AeIntervention;
  @ValidateField('adverse_event.causality') causality: AeCausality;
  @ValidateField('adverse_event.expectedness', {
    optional: true,
    nullable: true,
    description: 'Against the reference safety information; null = not yet assessed',
  })
  expectedness?: AeExpectedness | null;
  @ValidateField('adverse_event.expectednessBy', {
    optional: true,
    nullable: true,
    description: 'Who judged the expectedness; default investigator',
  })
  expectednessBy?: ExpectednessAssessor | null;
  @ValidateField('adverse_event.rsiVersion', {
    optional: true,
    nullable: true,
    description: 'A configured RSI version of the intervention; default the one in force today',
  })
  rsiVersion?: string | null;
}

/** A change to the assessment of one intervention (the intervention identifies it). */
export class InterventionAssessmentChangeDto {
  @ValidateField('adverse_event.intervention') intervention: AeIntervention;
  @ValidateField('adverse_event.causality', { optional: true }) causality?: AeCausality;
  @ValidateField('adverse_event.expectedness', {
    optional: true,
    nullable: true,
    description: 'A new expectedness is recorded with the RSI version in force unless one is named',
  })
  expectedness?: AeExpectedness | null;
  @ValidateField('adverse_event.expectednessBy', { optional: true, nullable: true })
  expectednessBy?: ExpectednessAssessor | null;
  @ValidateField('adverse_event.rsiVersion', { optional: true, nullable: true })
  rsiVersion?: string | null;
}

/** Item-by-item changes to the per-intervention assessments. */
export class InterventionAssessmentOpsDto {
  @NestedList(() => InterventionAssessmentDto, 10) add?: InterventionAssessmentDto[];
  @NestedList(() => InterventionAssessmentChangeDto, 10)
  change?: InterventionAssessmentChangeDto[];
  @ValidateEnum(AE_INTERVENTIONS, {
    optional: true,
    each: true,
    description: 'Interventions whose assessment is removed',
  })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(10)
  remove?: AeIntervention[];
}

export class AdverseEventDto {
  @ValidateText(200, { description: 'MedDRA-style term, no personal data' }) term: string;
  @ValidateDate() onsetDate: string;
  @ValidateDate({ optional: true, nullable: true, description: 'null = ongoing' }) endDate?:
    string | null;
  @ValidateEnum(AE_SEVERITIES) severity: AeSeverity;
  @ValidateBoolean() serious: boolean;

  /** ICH E2A criteria; at least one when serious. */
  @ValidateIf((o: AdverseEventDto, v: unknown) => v !== undefined || o.serious === true)
  @ArrayMinSize(1, {
    message: 'seriousnessCriteria must name at least one criterion when serious is true',
  })
  @IsArray()
  @ArrayMaxSize(SERIOUSNESS_CRITERIA.length)
  @ValidateEnum(SERIOUSNESS_CRITERIA, { each: true })
  seriousnessCriteria?: SeriousnessCriterion[];

  @ValidateEnum(AE_OUTCOMES) outcome: AeOutcome;

  @ValidateMatches(MEDDRA, 'must be an 8-digit MedDRA code (LLT or PT)', {
    optional: true,
    nullable: true,
  })
  meddraCode?: string | null;
  @ValidateField('adverse_event.ctcaeGrade', { optional: true, nullable: true })
  ctcaeGrade?: number | null;
  @ValidateField('adverse_event.awareDate', {
    optional: true,
    description:
      'The date the site became aware (site calendar; day 0 of the SAE and SUSAR clocks); default today',
  })
  awareDate?: string;
  @NestedList(() => InterventionAssessmentDto, 10) assessments?: InterventionAssessmentDto[];
}

export class LogVisitDto {
  @ValidateDate({ description: 'The date the visit took place (site calendar)' }) visitDate: string;
  @Nested(() => RelapseAssessmentDto, true) relapseAssessment: RelapseAssessmentDto;
  @NestedList(() => SampleDto, 20) samples?: SampleDto[];
  @NestedList(() => QuestionnaireDto, 20) questionnaires?: QuestionnaireDto[];
  @NestedList(() => AdverseEventDto, 20) adverseEvents?: AdverseEventDto[];
  @ValidateText(2000, { optional: true, description: 'Free text; no personal data' })
  notes?: string;
  @ValidateInt(0, 1_000_000, {
    optional: true,
    description: 'Refuse the write if the visit changed meanwhile',
  })
  expectedVersion?: number;
}

/** A relapse recorded at a visit, as stored: with its id, so a correction can name it. */
export class RelapseChangeDto {
  @ValidateUuid({ description: 'Id of the logged relapse to change' }) id: string;
  @ValidateDate({ optional: true }) onsetDate?: string;
  @ValidateBoolean({ optional: true }) steroidTreated?: boolean;
  @ValidateText(500, { optional: true, nullable: true, description: 'null clears it' })
  description?: string | null;
}

/** Item-by-item changes to the logged relapses; relapses not named keep their values. */
export class RelapseOpsDto {
  @NestedList(() => RelapseInputDto, 10) add?: RelapseInputDto[];
  @NestedList(() => RelapseChangeDto, 10) change?: RelapseChangeDto[];
  @ValidateUuid({ optional: true, each: true, description: 'Ids of relapses to remove' })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(10)
  remove?: string[];
}

export class RelapseAssessmentPatchDto {
  @ValidateBoolean({ optional: true }) newRelapse?: boolean;
  @Nested(() => RelapseOpsDto) relapses?: RelapseOpsDto;
}

export class SampleChangeDto {
  @ValidateEnum(SAMPLE_TYPES, { description: 'The sample to change (its type identifies it)' })
  type: SampleType;
  @ValidateBoolean({ optional: true }) taken?: boolean;
  @ValidateText(200, { optional: true, nullable: true, description: 'null clears it' }) note?:
    string | null;
}

/** Item-by-item changes to the samples, identified by type; samples not named keep their values. */
export class SampleOpsDto {
  @NestedList(() => SampleDto, 20) add?: SampleDto[];
  @NestedList(() => SampleChangeDto, 20) change?: SampleChangeDto[];
  @ValidateEnum(SAMPLE_TYPES, {
    optional: true,
    each: true,
    description: 'Types of samples to remove',
  })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(20)
  remove?: SampleType[];
}

/** Item-by-item changes to the questionnaires, identified by instrument. */
export class QuestionnaireOpsDto {
  @NestedList(() => QuestionnaireDto, 20) add?: QuestionnaireDto[];
  @NestedList(() => QuestionnaireDto, 20) change?: QuestionnaireDto[];
  @ValidateEnum(QUESTIONNAIRES, {
    optional: true,
    each: true,
    description: 'Instruments to remove',
  })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(20)
  remove?: Questionnaire[];
}

/**
 * A correction of a logged visit: only the fields sent change (absent = unchanged, null = clear);
 * lists change item by item (add / change / remove); the reason is required and audited.
 */
export class CorrectVisitLogDto {
  @ValidateText(500, { description: 'Why the logged data are corrected (audited)' }) reason: string;
  @ValidateDate({ optional: true }) visitDate?: string;
  @Nested(() => RelapseAssessmentPatchDto) relapseAssessment?: RelapseAssessmentPatchDto;
  @Nested(() => SampleOpsDto) samples?: SampleOpsDto;
  @Nested(() => QuestionnaireOpsDto) questionnaires?: QuestionnaireOpsDto;
  @ValidateText(2000, { optional: true, nullable: true, description: 'null clears the notes' })
  notes?: string | null;
  @ValidateInt(0, 1_000_000, {
    optional: true,
    description:
      'The visit version the correction is based on; 409 STALE_VERSION if it changed meanwhile',
  })
  expectedVersion?: number;
}

export class UnscheduledVisitDto {
  @ValidateDate() visitDate: string;
  @ValidateEnum(UNSCHEDULED_REASONS) reason: UnscheduledReason;
  @Nested(() => RelapseAssessmentDto, true) relapseAssessment: RelapseAssessmentDto;
  @NestedList(() => SampleDto, 20) samples?: SampleDto[];
  @NestedList(() => QuestionnaireDto, 20) questionnaires?: QuestionnaireDto[];
  @NestedList(() => AdverseEventDto, 20) adverseEvents?: AdverseEventDto[];
  @ValidateText(2000, { optional: true }) notes?: string;
}

export class AddAdverseEventsDto {
  @ArrayMinSize(1)
  @NestedList(() => AdverseEventDto, 20, true)
  adverseEvents: AdverseEventDto[];
}

/** A correction of an adverse event: only the fields sent change (endDate null = ongoing); reason required. */
export class CorrectAdverseEventDto {
  @ValidateText(500, { description: 'Why the adverse event is corrected (audited)' })
  reason: string;
  @ValidateText(200, { optional: true }) term?: string;
  @ValidateDate({ optional: true }) onsetDate?: string;
  @ValidateDate({ optional: true, nullable: true }) endDate?: string | null;
  @ValidateEnum(AE_SEVERITIES, { optional: true }) severity?: AeSeverity;
  @ValidateBoolean({ optional: true }) serious?: boolean;
  @ValidateEnum(SERIOUSNESS_CRITERIA, { each: true, optional: true })
  @IsArray()
  @ArrayMaxSize(SERIOUSNESS_CRITERIA.length)
  seriousnessCriteria?: SeriousnessCriterion[];
  @ValidateEnum(AE_OUTCOMES, { optional: true }) outcome?: AeOutcome;
  @ValidateMatches(MEDDRA, 'must be an 8-digit MedDRA code (LLT or PT)', {
    optional: true,
    nullable: true,
  })
  meddraCode?: string | null;
  @ValidateField('adverse_event.ctcaeGrade', { optional: true, nullable: true })
  ctcaeGrade?: number | null;
  @ValidateField('adverse_event.awareDate', { optional: true }) awareDate?: string;
  @Nested(() => InterventionAssessmentOpsDto) assessments?: InterventionAssessmentOpsDto;
  @ValidateInt(0, 1_000_000, {
    optional: true,
    description:
      'The version the correction is based on; 409 STALE_VERSION if it changed meanwhile',
  })
  expectedVersion?: number;
}

export class MarkSaeReportedDto {
  @ValidateText(200, {
    description: 'Reference of the report to the sponsor (e.g. the safety database case id)',
  })
  reference: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'When it was reported; default now',
  })
  @ValidateIf(present)
  @IsInstant()
  reportedAt?: string;
}
