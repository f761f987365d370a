import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AE_CAUSALITIES,
  AE_EXPECTEDNESS,
  AE_INTERVENTIONS,
  EXPECTEDNESS_ASSESSORS,
} from 'src/modules/follow-up/entities/adverse-event.entity';

/**
 * The follow-up answers as the OpenAPI document describes them (the mappers in follow-up.mapper.ts
 * build them). A visit has one schema: the fields marked "unblinded only" are absent from what a
 * blinded assessor receives.
 */

const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;

export class EdssReadDto {
  @ApiProperty() score: number;
  @ApiProperty({ format: 'date' }) assessedOn: string;
  @ApiProperty({ type: String, nullable: true }) rater: string | null;
}

export class MriReadDto {
  @ApiProperty({ format: 'date' }) examDate: string;
  @ApiProperty() gdLesions: number;
  @ApiProperty() newOrEnlargingT2: number;
  @ApiProperty({ type: String, nullable: true }) comparedWith: string | null;
}

export class VisitResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty({ example: 'W012' }) code: string;
  @ApiProperty() label: string;
  @ApiProperty({ example: 'scheduled' }) kind: string;
  @ApiProperty({ type: [String] }) assessments: string[];
  @ApiProperty({ format: 'date' }) targetDate: string;
  @ApiProperty({ format: 'date' }) windowStart: string;
  @ApiProperty({ format: 'date' }) windowEnd: string;
  @ApiProperty({ example: 'planned' }) status: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) loggedDate: string | null;
  @ApiProperty({ type: EdssReadDto, nullable: true }) edss: EdssReadDto | null;
  @ApiProperty({ type: MriReadDto, nullable: true }) mri: MriReadDto | null;
  @ApiProperty({ description: 'For expectedVersion on a correction' }) version: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Unblinded only' })
  anchor?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Unblinded only' })
  offsetDays?: number | null;
  @ApiPropertyOptional({ description: 'Unblinded only' }) isPrimary?: boolean;
  @ApiPropertyOptional({ description: 'Unblinded only' }) isEndpoint?: boolean;
  @ApiPropertyOptional({ description: 'Unblinded only' }) mriRebaseline?: boolean;
  @ApiPropertyOptional({
    ...FREE_OBJECT,
    nullable: true,
    description: 'Unblinded only: the logged site data (samples, questionnaires, relapses, notes…)',
  })
  siteData?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Unblinded only' })
  unscheduledReason?: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    description: 'Unblinded only',
  })
  missedOn?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Unblinded only' })
  cancelledAt?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Unblinded only' })
  cancelReason?: string | null;
}

export class DeviationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'out_of_window' }) kind: string;
  @ApiProperty({ format: 'uuid' }) visitId: string;
  @ApiProperty() visitCode: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty({ format: 'date' }) visitDate: string;
  @ApiProperty({ format: 'date' }) windowStart: string;
  @ApiProperty({ format: 'date' }) windowEnd: string;
  @ApiProperty() daysOutside: number;
  @ApiProperty({ enum: ['early', 'late'] }) direction: 'early' | 'late';
  @ApiProperty({ enum: ['open', 'voided'] }) status: 'open' | 'voided';
  @ApiProperty({ type: String, nullable: true }) voidReason: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class ReportingClockDto {
  @ApiProperty({ format: 'date-time' }) awareAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reportedAt: string | null;
  @ApiProperty({ enum: ['open', 'overdue', 'reported', 'reported_late'] })
  state: 'open' | 'overdue' | 'reported' | 'reported_late';
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Hours left until the 24-hour deadline (negative once past it); null once reported',
  })
  hoursRemaining: number | null;
}

export class SusarClockDto {
  @ApiProperty({ format: 'date', description: 'Day 0: the date the site became aware' })
  awareDate: string;
  @ApiProperty({ description: '7 (fatal or life-threatening) or 15 calendar days' }) days: number;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reportedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) reference: string | null;
  @ApiProperty({ enum: ['open', 'overdue', 'reported', 'reported_late'] })
  state: 'open' | 'overdue' | 'reported' | 'reported_late';
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Calendar days left (site calendar; negative once past); null once reported',
  })
  daysRemaining: number | null;
}

export class InterventionAssessmentResponseDto {
  @ApiProperty({ enum: AE_INTERVENTIONS }) intervention: string;
  @ApiProperty({ enum: AE_CAUSALITIES }) causality: string;
  @ApiProperty({ type: String, enum: AE_EXPECTEDNESS, nullable: true })
  expectedness: string | null;
  @ApiProperty({ type: String, enum: EXPECTEDNESS_ASSESSORS, nullable: true })
  expectednessBy: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The RSI version the expectedness was judged against',
  })
  rsiVersion: string | null;
}

export class AdverseEventResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) visitId: string | null;
  @ApiProperty({ type: String, nullable: true }) visitCode: string | null;
  @ApiProperty() term: string;
  @ApiProperty({ format: 'date' }) onsetDate: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endDate: string | null;
  @ApiProperty({ example: 'mild' }) severity: string;
  @ApiProperty() serious: boolean;
  @ApiProperty({ type: [String], nullable: true }) seriousnessCriteria: string[] | null;
  @ApiProperty({ example: 'recovered' }) outcome: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status: 'open' | 'resolved';
  @ApiProperty({ type: String, nullable: true, example: '10016288' }) meddraCode: string | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 5 })
  ctcaeGrade: number | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) awareDate: string | null;
  @ApiProperty({ type: [InterventionAssessmentResponseDto] })
  assessments: InterventionAssessmentResponseDto[];
  @ApiProperty({ description: 'Serious, related to an intervention and unexpected' })
  susar: boolean;
  @ApiProperty({ type: SusarClockDto, nullable: true }) susarClock: SusarClockDto | null;
  @ApiProperty({ type: String, nullable: true }) reportReference: string | null;
  @ApiProperty({ type: ReportingClockDto, nullable: true })
  reportingClock: ReportingClockDto | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class VisitDetailResponseDto {
  @ApiProperty({ type: VisitResponseDto }) visit: VisitResponseDto;
  @ApiProperty({ type: DeviationResponseDto, nullable: true })
  deviation: DeviationResponseDto | null;
  @ApiProperty({ type: [AdverseEventResponseDto] }) adverseEvents: AdverseEventResponseDto[];
}

export class CalendarItemDto {
  @ApiProperty({ format: 'uuid' }) visitId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty() code: string;
  @ApiProperty() label: string;
  @ApiProperty() kind: string;
  @ApiProperty({ format: 'date' }) targetDate: string;
  @ApiProperty({ format: 'date' }) windowStart: string;
  @ApiProperty({ format: 'date' }) windowEnd: string;
  @ApiProperty() status: string;
}

/** One visit on the blinded assessor's worklist: what it needs and what is still missing. */
export class AssessorWorkItemDto {
  @ApiProperty({ format: 'uuid' }) visitId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() code: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: ['scheduled', 'unscheduled'] }) kind: string;
  @ApiProperty({ enum: ['scheduled', 'logged'] }) status: string;
  @ApiProperty({ format: 'date' }) targetDate: string;
  @ApiProperty({ format: 'date' }) windowStart: string;
  @ApiProperty({ format: 'date' }) windowEnd: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) loggedDate: string | null;
  @ApiProperty({ enum: ['edss', 'mri'], isArray: true, description: 'What the visit needs' })
  needs: ('edss' | 'mri')[];
  @ApiProperty({
    enum: ['edss', 'mri'],
    isArray: true,
    description: 'What is still missing (never empty on the worklist)',
  })
  missing: ('edss' | 'mri')[];
}

export class SiteCalendarDto {
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: [CalendarItemDto] }) items: CalendarItemDto[];
}

export class EndpointVisitDto {
  @ApiProperty() code: string;
  @ApiProperty() status: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) loggedDate: string | null;
}

const LOSS = ['relapse', 'edss_progression', 'mri_activity'];

export class ParticipantNedaDto {
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty({ enum: ['A', 'B'] }) arm: 'A' | 'B';
  @ApiProperty({ example: 96 }) week: number;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null: not evaluable (data missing)' })
  neda: boolean | null;
  @ApiProperty({ enum: LOSS, isArray: true }) lostBy: string[];
  @ApiProperty({ type: EndpointVisitDto, nullable: true }) endpointVisit: EndpointVisitDto | null;
  @ApiProperty({
    ...FREE_OBJECT,
    description:
      'How it was judged: dates, EDSS baseline and progression, MRI scans, what is missing',
  })
  details: Record<string, unknown>;
}

export class ArmNedaDto {
  @ApiProperty({ enum: ['A', 'B'] }) arm: 'A' | 'B';
  @ApiProperty() label: string;
  @ApiProperty() participants: number;
  @ApiProperty() neda: number;
  @ApiProperty() notNeda: number;
  @ApiProperty() insufficientData: number;
  @ApiProperty({ type: Number, nullable: true, description: 'NEDA ÷ (NEDA + not NEDA)' })
  proportion: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { relapse: 1, edss_progression: 0, mri_activity: 2 },
  })
  lostBy: Record<string, number>;
}

export class AggregateNedaDto {
  @ApiProperty() week: number;
  @ApiProperty({ format: 'date-time' }) evaluatedAt: string;
  @ApiProperty({ type: [ArmNedaDto] }) arms: ArmNedaDto[];
}
