import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { RecordVersionDto } from 'src/kernel/record-history';
import type { Actor } from 'src/common/context/request-context';
import type { Page } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import {
  BookingPageDto,
  BookingResponseDto,
  CancelBookingDto,
  BookingChangeResultDto,
  FillResultDto,
  ListBookingsQueryDto,
  MoveAdmissionDto,
  QuarterReportDto,
  QuarterReportQueryDto,
  ReadinessDto,
  RecordPhaseDto,
  ReviewBookingDto,
  ReviewResultDto,
  WaitlistDto,
  WaitlistQueryDto,
} from './dto/booking.dto';
import { SchedulingErrors } from './scheduling.errors';
import { SchedulingReportsService } from './scheduling-reports.service';
import { BookingReviewService } from './booking-review.service';
import { BookingsService } from './bookings.service';
import { TreatmentPlanService } from './treatment-plan.service';
import { IcalFeed } from 'src/common/calendar/ical-feed.decorator';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';

/** A path uuid; a malformed one is a 400 that names the parameter. */
const uuid = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () => SchedulingErrors.badInput(`${name} must be a UUID`),
  });

/**
 * Transplant slots. Site-scoped in every query: staff see the bookings of their own sites and of
 * the centres they work at. The blinded assessor has no route here (transplant dates reveal the arm).
 */
@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('scheduling')
export class SchedulingController {
  constructor(
    private readonly bookings: BookingsService,
    private readonly reviews: BookingReviewService,
    private readonly plans: TreatmentPlanService,
    private readonly reports: SchedulingReportsService,
  ) {}

  /** Bookings within the actor's sites and centres, filtered and paged. */
  @Get('bookings')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiOkResponse({ type: BookingPageDto })
  @ApiErrors(400)
  list(
    @Query() query: ListBookingsQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<BookingResponseDto>> {
    return this.bookings.list(query, actor);
  }

  /** One booking with its plan and phases. */
  @Get('bookings/:bookingId')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiErrors(400, 404)
  get(
    @Param('bookingId', uuid('bookingId')) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<BookingResponseDto> {
    return this.bookings.get(id, actor);
  }

  /** The transplant centre sets or moves the planned admission date. */
  @Patch('bookings/:bookingId/admission')
  @Roles('coordinator', 'investigator', 'site_staff')
  @ApiOkResponse({ type: BookingChangeResultDto })
  @ApiErrors(400, 404, 409)
  moveAdmission(
    @Param('bookingId', uuid('bookingId')) id: string,
    @Body() dto: MoveAdmissionDto,
    @CurrentActor() actor: Actor,
  ): Promise<BookingChangeResultDto> {
    return this.bookings.moveAdmission(id, dto, actor);
  }

  /** Cancels a booking, with a reason; its place is freed. */
  @Post('bookings/:bookingId/cancel')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  cancel(
    @Param('bookingId', uuid('bookingId')) id: string,
    @Body() dto: CancelBookingDto,
    @CurrentActor() actor: Actor,
  ): Promise<BookingChangeResultDto> {
    return this.bookings.cancel(id, dto, actor);
  }

  /** The waiting-time review: accept the wait, refer to another centre, or a second-line drug instead. */
  @Post('bookings/:bookingId/review')
  @HttpCode(200)
  @Roles('investigator')
  @ApiErrors(400, 404, 409)
  review(
    @Param('bookingId', uuid('bookingId')) id: string,
    @Body() dto: ReviewBookingDto,
    @CurrentActor() actor: Actor,
  ): Promise<ReviewResultDto> {
    return this.reviews.review(id, dto, actor);
  }

  /** Every kept version of a recorded arm-A phase (who, when, reason, fields before → after), newest first. */
  @Get('bookings/:bookingId/phases/:phase/history')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiErrors({ 400: 'Unknown phase', 404: 'No such booking in your sites' })
  async phaseHistory(
    @Param('bookingId', uuid('bookingId')) id: string,
    @Param('phase') phase: string,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVersionDto[]> {
    return this.plans.phaseHistory(id, phase, actor);
  }

  /**
   * Records the actual dates of an arm-A phase, or that it was not done. A correction of a recorded
   * phase sends only what changes, with a reason (and expectedVersion).
   */
  @Put('bookings/:bookingId/phases/:phase')
  @Roles('coordinator', 'investigator', 'site_staff')
  @ApiErrors({
    400: 'Invalid dates or phase, REASON missing on a correction; nothing changes',
    404: 'No such booking in your sites',
    409: 'Booking not in a plan; STALE_VERSION (errors[0].params.changedSince)',
  })
  async recordPhase(
    @Param('bookingId', uuid('bookingId')) id: string,
    @Param('phase') phase: string,
    @Body() dto: RecordPhaseDto,
    @CurrentActor() actor: Actor,
  ): Promise<BookingResponseDto> {
    await this.plans.recordPhase(id, phase, dto, actor);
    return this.bookings.get(id, actor);
  }

  /** The participant's bookings, newest first. */
  @Get('participants/:participantId/bookings')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiOkResponse({ type: [BookingResponseDto] })
  @ApiErrors(400, 404)
  ofParticipant(
    @Param('participantId', uuid('participantId')) participantId: string,
    @CurrentActor() actor: Actor,
  ) {
    return this.bookings.ofParticipant(participantId, actor);
  }

  /** Books (or re-books after a cancellation) an arm-A participant; returns the live booking if any. */
  @Post('participants/:participantId/booking')
  @Idempotent()
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  book(
    @Param('participantId', uuid('participantId')) participantId: string,
    @CurrentActor() actor: Actor,
  ): Promise<BookingResponseDto> {
    return this.bookings.book(participantId, actor);
  }

  /** A centre's quarters: capacity, booked places, free places. */
  @Get('centres/:centreId/quarters')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor', 'statistician', 'admin')
  @ApiErrors(400, 404)
  quarters(
    @Param('centreId', uuid('centreId')) centreId: string,
    @Query() query: QuarterReportQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<QuarterReportDto> {
    return this.reports.quarters(centreId, query, actor);
  }

  /** Participants waiting for a place at a centre, in randomisation order. */
  @Get('centres/:centreId/waitlist')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiErrors(400, 404)
  waitlist(
    @Param('centreId', uuid('centreId')) centreId: string,
    @Query() query: WaitlistQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<WaitlistDto> {
    return this.reports.waitlist(centreId, query, actor);
  }

  /** Planned admissions as iCal (study ids only). */
  @Get('centres/:centreId/calendar.ics')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @IcalFeed()
  calendar(
    @Param('centreId', uuid('centreId')) centreId: string,
    @CurrentActor() actor: Actor,
  ): Promise<string> {
    return this.reports.calendar(centreId, actor);
  }

  /** Offers the centre's free places to the longest-waiting participants (e.g. after raising capacity). */
  @Post('centres/:centreId/fill')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async fill(
    @Param('centreId', uuid('centreId')) centreId: string,
    @CurrentActor() actor: Actor,
  ): Promise<FillResultDto> {
    return { movedUp: await this.bookings.fill(centreId, actor) };
  }

  /** The arm-agnostic readiness warning for randomising at this site (never reveals an allocation). */
  @Get('sites/:siteId/readiness')
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404)
  async readiness(
    @Param('siteId', uuid('siteId')) siteId: string,
    @CurrentActor() actor: Actor,
  ): Promise<ReadinessDto> {
    return { warning: await this.bookings.readinessForActor(siteId, actor) };
  }
}
