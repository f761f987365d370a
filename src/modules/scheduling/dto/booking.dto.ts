import { QUARTER } from './capacity.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/validation/page';
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
  BOOKING_STATUSES,
  type BookingStatus,
  NOT_RECEIVED_CODES,
  type NotReceivedCode,
  PHASE_OUTCOMES,
  type PhaseOutcome,
  REVIEW_OUTCOMES,
  REVIEW_STATUSES,
  type ReviewOutcome,
  type ReviewStatus,
} from 'src/modules/scheduling/booking.entity';

export class ListBookingsQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true })
  centreId?: string;

  @ValidateUuid({ optional: true })
  siteId?: string;

  @ValidateEnum(BOOKING_STATUSES, { optional: true })
  status?: BookingStatus;

  @ValidateMatches(QUARTER, 'must be a quarter like 2027-Q1', { optional: true })
  quarter?: string;

  @ValidateEnum(REVIEW_STATUSES, { optional: true })
  reviewStatus?: ReviewStatus;
}

export class MoveAdmissionDto {
  @ValidateDate({
    description: 'New planned admission date (calendar date in the centre time zone)',
  })
  plannedAdmissionDate: string;

  @ValidateText(1000)
  reason: string;
}

export class CancelBookingDto {
  @ValidateText(1000)
  reason: string;

  @ValidateBoolean({
    optional: true,
    description:
      'true when the transplant will not happen at all: the participant did not receive the allocated intervention',
  })
  final?: boolean;
}

export class ReviewBookingDto {
  @ValidateEnum(REVIEW_OUTCOMES)
  outcome: ReviewOutcome;

  @ValidateText(1000)
  reason: string;

  @ValidateUuid({
    optional: true,
    description: 'The transplant centre to refer to (outcome refer)',
  })
  centreId?: string;
}

/** A phase's outcome and dates: all of it the first time; a correction sends only what changes, with a reason. */
export class RecordPhaseDto {
  @ValidateEnum(PHASE_OUTCOMES, { optional: true, description: 'Required when first recorded' })
  outcome?: PhaseOutcome;

  @ValidateDate({ optional: true, description: 'Actual first day (required when done)' })
  actualStart?: string;

  @ValidateDate({ optional: true, description: 'Actual last day (defaults to actualStart)' })
  actualEnd?: string;

  @ValidateText(1000, {
    optional: true,
    description: 'Required when not done, and to correct a recorded phase',
  })
  reason?: string;

  @ValidateInt(0, 1_000_000, {
    optional: true,
    description:
      "The phase's version the correction is based on; 409 STALE_VERSION if it changed meanwhile",
  })
  expectedVersion?: number;
}

export class QuarterReportQueryDto {
  @ValidateMatches(QUARTER, 'must be a quarter like 2027-Q1', { optional: true })
  from?: string;

  @ValidateMatches(QUARTER, 'must be a quarter like 2027-Q4', { optional: true })
  to?: string;
}

export class WaitlistQueryDto {
  @ValidateEnum(['booked', 'waitlisted'] as const, { optional: true })
  status?: 'booked' | 'waitlisted';
}

export class WaitDto {
  @ApiProperty() days: number;
  @ApiProperty() wholeMonths: number;
  @ApiProperty() extraDays: number;
  @ApiProperty() text: string;
}

export class PhaseDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) plannedStart: string;
  @ApiProperty({ format: 'date' }) plannedEnd: string;
  @ApiProperty() dayFrom: number;
  @ApiProperty() dayTo: number;
  @ApiPropertyOptional({ enum: PHASE_OUTCOMES, nullable: true }) outcome: PhaseOutcome | null;
  @ApiPropertyOptional({ format: 'date', nullable: true }) actualStart: string | null;
  @ApiPropertyOptional({ format: 'date', nullable: true }) actualEnd: string | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiPropertyOptional({ nullable: true }) recordedAt: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    description: 'Version of the recorded phase; send it as expectedVersion with a correction',
  })
  version: number | null;
}

export class PlanDto {
  @ApiProperty({ format: 'date' }) admissionDate: string;
  @ApiProperty({
    format: 'date',
    description: 'Planned transplant day 0 (admission + conditioning days)',
  })
  plannedTransplantDay0: string;
  @ApiProperty({ format: 'date' }) dischargeDate: string;
  @ApiProperty({ type: [PhaseDto] }) phases: PhaseDto[];
}

export class BookingResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() participantId: string;
  @ApiProperty({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() centreId: string;
  @ApiProperty() centreLabel: string;
  @ApiProperty() centreTimeZone: string;
  @ApiProperty({ enum: BOOKING_STATUSES }) status: BookingStatus;
  @ApiProperty({ nullable: true, type: String }) quarter: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) plannedAdmissionDate:
    string | null;
  @ApiProperty({ format: 'date' }) randomisationDate: string;
  @ApiProperty({ format: 'date' }) earliestAdmissionDate: string;
  @ApiProperty({ type: WaitDto, nullable: true }) wait: WaitDto | null;
  @ApiProperty() waitLimitMonths: number;
  @ApiProperty() exceedsWaitLimit: boolean;
  @ApiProperty({ enum: REVIEW_STATUSES }) reviewStatus: ReviewStatus;
  @ApiProperty({ nullable: true, type: String }) flaggedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewReason: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) referredFromId: string | null;
  @ApiProperty({ nullable: true, type: String }) referredToId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) transplantDay0: string | null;
  @ApiProperty({
    nullable: true,
    description: 'false when the participant did not receive the allocated intervention',
  })
  receivedAllocatedIntervention: boolean | null;
  @ApiProperty({ enum: NOT_RECEIVED_CODES, nullable: true })
  notReceivedCode: NotReceivedCode | null;
  @ApiProperty({ nullable: true, type: String }) notReceivedReason: string | null;
  @ApiProperty({ nullable: true, type: String }) endedReason: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({ type: PlanDto, nullable: true }) plan?: PlanDto | null;
}

export class BookingPageDto {
  @ApiProperty({ type: [BookingResponseDto] }) items: BookingResponseDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class ReviewResultDto {
  @ApiProperty({ type: BookingResponseDto }) booking: BookingResponseDto;
  @ApiPropertyOptional({
    type: BookingResponseDto,
    nullable: true,
    description: 'The booking at the centre referred to',
  })
  referral: BookingResponseDto | null;
  @ApiProperty({ type: [String], description: 'Bookings moved up into the freed place(s)' })
  movedUp: string[];
}

export class BookingChangeResultDto {
  @ApiProperty({ type: BookingResponseDto }) booking: BookingResponseDto;
  @ApiProperty({ type: [String] }) movedUp: string[];
}

export class ProjectedWaitDto {
  @ApiProperty({ nullable: true, type: String }) quarter: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) earliestAdmission: string | null;
  @ApiProperty({ nullable: true, type: Number }) waitDays: number | null;
  @ApiProperty({ nullable: true, type: String }) waitText: string | null;
  @ApiProperty() exceedsWaitLimit: boolean;
  @ApiProperty({ description: 'true when no quarter within the horizon has a free place' })
  waitlisted: boolean;
}

export class QuarterRowDto {
  @ApiProperty() quarter: string;
  @ApiProperty() capacity: number;
  @ApiProperty() overridden: boolean;
  @ApiProperty() booked: number;
  @ApiProperty() done: number;
  @ApiProperty() cancelled: number;
  @ApiProperty() notDone: number;
  @ApiProperty() free: number;
  @ApiProperty() pendingReview: number;
}

export class QuarterReportDto {
  @ApiProperty() centreId: string;
  @ApiProperty() centreLabel: string;
  @ApiProperty() timeZone: string;
  @ApiProperty() leadTimeDays: number;
  @ApiProperty() waitLimitMonths: number;
  @ApiProperty() horizonQuarters: number;
  @ApiProperty({ type: ProjectedWaitDto, description: 'For an arm-A allocation made today' })
  projectedWait: ProjectedWaitDto;
  @ApiProperty({ type: [QuarterRowDto] }) quarters: QuarterRowDto[];
}

export class WaitlistEntryDto {
  @ApiProperty() position: number;
  @ApiProperty() bookingId: string;
  @ApiProperty() participantId: string;
  @ApiProperty({ nullable: true, type: String }) studyId: string | null;
  @ApiProperty() siteLabel: string;
  @ApiProperty({ enum: ['booked', 'waitlisted'] }) status: BookingStatus;
  @ApiProperty({ nullable: true, type: String }) quarter: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) plannedAdmissionDate:
    string | null;
  @ApiProperty({ format: 'date' }) randomisationDate: string;
  @ApiProperty({ format: 'date' }) earliestAdmissionDate: string;
  @ApiProperty() waitingDays: number;
  @ApiProperty({ enum: REVIEW_STATUSES }) reviewStatus: ReviewStatus;
}

export class WaitlistDto {
  @ApiProperty() centreId: string;
  @ApiProperty() centreLabel: string;
  @ApiProperty({ type: [WaitlistEntryDto] }) items: WaitlistEntryDto[];
}

export class ReadinessDto {
  @ApiProperty({ nullable: true, type: String }) warning: string | null;
}

export class FillResultDto {
  @ApiProperty({ type: [String] }) movedUp: string[];
}
