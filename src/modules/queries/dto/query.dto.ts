import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/validation/page';
import {
  ValidateEnum,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import { QUERY_STATUSES, type QueryStatus } from '../queries.repository';
import { RECORD_ENTITY_PATTERN } from '../query-targets';

/** What a list of queries may carry beyond the queries themselves. */
export const QUERY_INCLUDES = ['events'] as const;
export type QueryInclude = (typeof QUERY_INCLUDES)[number];

const RECORD_ENTITY_MESSAGE =
  'must be one of visit_log, visit_assessment, adverse_event, screening_record, consent, arm_b_drug, transplant_phase:<phase>';

export class RaiseQueryDto {
  @ValidateMatches(RECORD_ENTITY_PATTERN, RECORD_ENTITY_MESSAGE, {
    description: 'The record kind, as its versions are kept (e.g. visit_log, adverse_event)',
  })
  recordEntity: string;

  @ValidateUuid({ description: 'The record (a visit for visit_log and visit_assessment)' })
  recordId: string;

  @ValidateText(100, { description: 'The field-registry item, e.g. visit_log.sampleTaken' })
  itemId: string;

  @ValidateText(200, {
    optional: true,
    description:
      'For an item in a list, the one element: e.g. samples[bloods].taken (default: the item anywhere in the list)',
  })
  path?: string;

  @ValidateText(2000, { description: 'The question to the site' })
  text: string;
}

export class AnswerQueryDto {
  @ValidateText(2000, {
    description: 'The answer; a correction of the value is made on the form and linked by itself',
  })
  text: string;
}

export class CloseQueryDto {
  @ValidateText(2000, { optional: true, description: 'Why it is closed (optional)' })
  text?: string;
}

export class ReopenQueryDto {
  @ValidateText(2000, { description: 'Why the answer does not resolve it' })
  text: string;
}

export class ListQueriesQueryDto extends PageQueryDto {
  @ValidateEnum(QUERY_STATUSES, { optional: true })
  status?: QueryStatus;

  @ValidateUuid({ optional: true })
  siteId?: string;

  @ValidateUuid({ optional: true })
  participantId?: string;

  @ValidateMatches(RECORD_ENTITY_PATTERN, RECORD_ENTITY_MESSAGE, { optional: true })
  recordEntity?: string;

  @ValidateUuid({ optional: true })
  recordId?: string;

  @ValidateEnum(QUERY_INCLUDES, {
    optional: true,
    description:
      'events: each query comes with every step (as GET /queries/{id}), so that a page needs no request per query',
  })
  include?: QueryInclude;
}

export class QueryRecordDto {
  @ApiProperty() entity: string;
  @ApiProperty() id: string;
  @ApiProperty({ description: 'The record kind in words' }) label: string;
}

export class QueryItemDto {
  @ApiProperty({ description: 'Field-registry id' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: 'The queried field in the record, e.g. samples[bloods].taken' })
  path: string;
}

export class QueryEventDto {
  @ApiProperty({ enum: ['raised', 'answered', 'corrected', 'closed', 'reopened', 'resolved'] })
  kind: string;
  @ApiProperty({ nullable: true, type: String }) text: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'corrected: the record version the correction made',
  })
  recordVersion: number | null;
  @ApiProperty({ nullable: true, type: Object, description: 'corrected: the value before' })
  before: unknown;
  @ApiProperty({ nullable: true, type: Object, description: 'corrected: the value after' })
  after: unknown;
  @ApiProperty({ nullable: true, type: String, description: 'null: the system (an edit check)' })
  by: string | null;
  @ApiProperty({ nullable: true, type: String }) role: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class QueryDto {
  @ApiProperty() id: string;
  @ApiProperty() participantId: string;
  @ApiProperty({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() siteId: string;
  @ApiProperty({ type: QueryRecordDto }) record: QueryRecordDto;
  @ApiProperty({ type: QueryItemDto }) item: QueryItemDto;
  @ApiProperty({ enum: ['manual', 'edit_check'] }) origin: string;
  @ApiProperty({ nullable: true, type: String, description: 'The edit check that raised it' })
  checkId: string | null;
  @ApiProperty({ enum: QUERY_STATUSES }) status: string;
  @ApiProperty() text: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: raised by an edit check' })
  raisedBy: string | null;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
  @ApiProperty({ format: 'date-time' }) statusChangedAt: string;
  @ApiProperty({ description: 'Whole days since it was raised' }) ageDays: number;
}

export class QueryDetailDto extends QueryDto {
  @ApiProperty({ type: [QueryEventDto], description: 'Every step, oldest first' })
  events: QueryEventDto[];
}

/** A query in a list: its steps only when asked for (`include=events`). */
export class QueryListItemDto extends QueryDto {
  @ApiPropertyOptional({
    type: [QueryEventDto],
    description: 'Every step, oldest first: only with include=events',
  })
  events?: QueryEventDto[];
}

export class QueryAgeingSiteDto {
  @ApiProperty() siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() open: number;
  @ApiProperty() answered: number;
  @ApiProperty({ description: 'Open longer than the threshold' }) overdue: number;
  @ApiProperty({ nullable: true, type: Number }) oldestOpenDays: number | null;
}

export class QueryAgeingDto {
  @ApiProperty({ description: 'QUERY_AGEING_DAYS' }) thresholdDays: number;
  @ApiProperty({ type: [QueryAgeingSiteDto] }) sites: QueryAgeingSiteDto[];
}
