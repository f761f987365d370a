import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import {
  AdverseEventResponseDto,
  AssessorWorkItemDto,
  DeviationResponseDto,
  VisitDetailResponseDto,
  VisitResponseDto,
} from './dto/follow-up-responses.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import { RecordVersionDto } from 'src/kernel/record-history';
import type { Actor } from 'src/common/context/request-context';
import { Page, PageOf, pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';
import { CorrectAssessmentDto, RecordAssessmentDto } from './dto/assessment.dto';
import { AssessorWorklistQueryDto, DeviationsQueryDto } from './dto/queries.dto';
import {
  AddAdverseEventsDto,
  CorrectVisitLogDto,
  LogVisitDto,
  UnscheduledVisitDto,
} from './dto/visit-log.dto';
import { Clock } from 'src/common/clock/clock';
import {
  type AdverseEventResponse,
  type BlindedVisitResponse,
  type DeviationResponse,
  mapVisit,
  toAdverseEventResponse,
  toDeviationResponse,
  type VisitResponse,
} from './follow-up.mapper';
import { AdverseEventsService } from './adverse-events.service';
import { AssessmentsService } from './assessments.service';
import { DeviationsService } from './deviations.service';
import { isBlinded } from './follow-up-records';
import { type LogOutcome, VisitLogService } from './visit-log.service';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';
import { SafetyReporting } from 'src/common/context/write-lock.decorators';

export const VISIT_READERS: Role[] = [
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
  'monitor',
  'statistician',
];
export const SITE_WRITERS: Role[] = ['site_staff', 'investigator', 'coordinator'];

export type VisitDetailResponse = {
  visit: VisitResponse | BlindedVisitResponse;
  deviation: DeviationResponse | null;
  adverseEvents: AdverseEventResponse[];
};

/** The kept versions of a visit's correctable records, newest first. */
export class VisitHistoryResponseDto {
  @ApiProperty({
    type: [RecordVersionDto],
    description: "The visit log's versions (empty for blinded readers)",
  })
  log: RecordVersionDto[];
  @ApiProperty({
    type: [RecordVersionDto],
    description: "The blinded assessment's versions (EDSS, MRI)",
  })
  assessment: RecordVersionDto[];
}

@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up')
export class VisitsController {
  constructor(
    private readonly visits: VisitLogService,
    private readonly adverseEvents: AdverseEventsService,
    private readonly assessments: AssessmentsService,
    private readonly protocolDeviations: DeviationsService,
    private readonly clock: Clock,
  ) {}

  private detail(outcome: LogOutcome, actor: Actor): VisitDetailResponse {
    const blinded = isBlinded(actor);
    return {
      visit: mapVisit(outcome.visit, blinded),
      // Deviations of visible visits do not reveal the arm; adverse events can, so blinded readers get none.
      deviation: outcome.deviation ? toDeviationResponse(outcome.deviation) : null,
      adverseEvents: blinded
        ? []
        : outcome.adverseEvents.map((ae) => toAdverseEventResponse(ae, this.clock.now())),
    };
  }

  /** The participant's visits in date order (the blinded shape for a blinded assessor). */
  @Get('participants/:participantId/visits')
  @Roles(...VISIT_READERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: [VisitResponseDto] })
  async participantVisits(
    @Param('participantId', ParseUUIDPipe) participantId: string,
    @CurrentActor() actor: Actor,
  ): Promise<(VisitResponse | BlindedVisitResponse)[]> {
    const visits = await this.visits.participantVisits(participantId, actor);
    return visits.map((v) => mapVisit(v, isBlinded(actor)));
  }

  /** Logs an unscheduled visit (e.g. for a suspected relapse) with its site data. */
  @Post('participants/:participantId/unscheduled-visits')
  @Idempotent(VisitDetailResponseDto)
  @Roles(...SITE_WRITERS)
  @ApiErrors(400, 404, 409)
  @ApiCreatedResponse({ type: VisitDetailResponseDto })
  async logUnscheduled(
    @Param('participantId', ParseUUIDPipe) participantId: string,
    @Body() dto: UnscheduledVisitDto,
    @CurrentActor() actor: Actor,
  ): Promise<VisitDetailResponse> {
    return this.detail(await this.visits.logUnscheduled(participantId, dto, actor), actor);
  }

  /** A visit with its deviation and adverse events. */
  @Get('visits/:visitId')
  @Roles(...VISIT_READERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: VisitDetailResponseDto })
  async visit(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @CurrentActor() actor: Actor,
  ): Promise<VisitDetailResponse> {
    return this.detail(await this.visits.visitWithDetails(visitId, actor), actor);
  }

  /** The correction history of a visit: every kept version of its log and of its blinded assessment (who, when, reason, fields before → after). */
  @Get('visits/:visitId/history')
  @Roles(...VISIT_READERS)
  @ApiErrors({ 404: 'No such visit in your sites' })
  @ApiErrors(400)
  async history(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @CurrentActor() actor: Actor,
  ): Promise<VisitHistoryResponseDto> {
    return this.visits.visitHistory(visitId, actor);
  }

  /** Logs a scheduled visit: date, site data and any adverse events; a visit outside its window records a deviation. */
  @Post('visits/:visitId/log')
  @Idempotent()
  @Roles(...SITE_WRITERS)
  @HttpCode(200)
  @ApiErrors(400, 404, 409)
  @ApiOkResponse({ type: VisitDetailResponseDto })
  async log(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @Body() dto: LogVisitDto,
    @CurrentActor() actor: Actor,
  ): Promise<VisitDetailResponse> {
    return this.detail(await this.visits.logVisit(visitId, dto, actor), actor);
  }

  /**
   * Corrects a logged visit: only the fields sent change (absent = unchanged, null = clear);
   * relapses, samples and questionnaires change item by item (add / change / remove); a reason is
   * required; the audit row and the kept version list exactly the changed fields.
   */
  @Patch('visits/:visitId/log')
  @Roles(...SITE_WRITERS)
  @ApiErrors({
    400: 'Invalid values, unknown item ids or types (VALIDATION_FAILED); nothing changes',
    404: 'No such visit in your sites',
    409: 'STALE_VERSION: the visit changed since expectedVersion (errors[0].params.changedSince); VISIT_NOT_LOGGED',
  })
  @ApiOkResponse({ type: VisitDetailResponseDto })
  async correctLog(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @Body() dto: CorrectVisitLogDto,
    @CurrentActor() actor: Actor,
  ): Promise<VisitDetailResponse> {
    return this.detail(await this.visits.correctLog(visitId, dto, actor), actor);
  }

  /** Records the blinded EDSS and/or MRI read of a visit. */
  @Post('visits/:visitId/assessment')
  @Idempotent()
  @Roles('blinded_assessor')
  @HttpCode(200)
  @ApiErrors(400, 404, 409)
  @ApiOkResponse({ type: VisitResponseDto })
  async recordAssessment(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @Body() dto: RecordAssessmentDto,
    @CurrentActor() actor: Actor,
  ): Promise<VisitResponse | BlindedVisitResponse> {
    return mapVisit(await this.assessments.recordAssessment(visitId, dto, actor), isBlinded(actor));
  }

  /** Corrects the blinded EDSS or MRI read: only the fields sent change, with a reason. */
  @Patch('visits/:visitId/assessment')
  @Roles('blinded_assessor')
  @ApiErrors({
    400: 'Invalid values (VALIDATION_FAILED); nothing changes',
    404: 'No such visit in your sites',
    409: 'STALE_VERSION (errors[0].params.changedSince); ASSESSMENT_NOT_RECORDED',
  })
  @ApiOkResponse({ type: VisitResponseDto })
  async correctAssessment(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @Body() dto: CorrectAssessmentDto,
    @CurrentActor() actor: Actor,
  ): Promise<VisitResponse | BlindedVisitResponse> {
    return mapVisit(
      await this.assessments.correctAssessment(visitId, dto, actor),
      isBlinded(actor),
    );
  }

  /** Adds adverse events found at a visit; a serious one starts its 24-hour reporting clock. */
  @SafetyReporting()
  @Post('visits/:visitId/adverse-events')
  @Idempotent([AdverseEventResponseDto])
  @Roles(...SITE_WRITERS)
  @ApiErrors(400, 404, 409)
  @ApiCreatedResponse({ type: [AdverseEventResponseDto] })
  async addAdverseEvents(
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @Body() dto: AddAdverseEventsDto,
    @CurrentActor() actor: Actor,
  ): Promise<AdverseEventResponse[]> {
    const now = this.clock.now();
    return (await this.adverseEvents.addAdverseEvents(visitId, dto, actor)).map((ae) =>
      toAdverseEventResponse(ae, now),
    );
  }

  /**
   * Adds adverse events that came to light between visits (no visit); a serious one starts its
   * 24-hour clock, a SUSAR (serious, related, unexpected) its 7- or 15-day clock, from the awareness date.
   */
  @SafetyReporting()
  @Post('participants/:participantId/adverse-events')
  @Idempotent([AdverseEventResponseDto])
  @Roles(...SITE_WRITERS)
  @ApiErrors({
    400: 'Invalid values, named by field (VALIDATION_FAILED); nothing is stored',
    404: 'No such randomised participant in your sites',
    409: 'IDEMPOTENCY_KEY_REUSED or IDEMPOTENT_REQUEST_IN_PROGRESS; nothing is stored',
  })
  @ApiCreatedResponse({ type: [AdverseEventResponseDto] })
  async addAdverseEventsBetweenVisits(
    @Param('participantId', ParseUUIDPipe) participantId: string,
    @Body() dto: AddAdverseEventsDto,
    @CurrentActor() actor: Actor,
  ): Promise<AdverseEventResponse[]> {
    const now = this.clock.now();
    return (await this.adverseEvents.addBetweenVisits(participantId, dto, actor)).map((ae) =>
      toAdverseEventResponse(ae, now),
    );
  }

  /**
   * The blinded assessor's worklist: every visit within their sites that needs the blinded EDSS or
   * an MRI read still missing, logged by the site or not, whose window opens within the configured days (default 14);
   * most urgent first. Study ids, visit codes and dates only: nothing that reveals the arm.
   */
  @Get('assessor-worklist')
  @Roles('blinded_assessor')
  @ApiErrors(400)
  @ApiOkResponse({ type: PageOf(AssessorWorkItemDto) })
  async assessorWorklist(
    @Query() query: AssessorWorklistQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AssessorWorkItemDto>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.assessments.worklist(
      { siteId: query.siteId, missing: query.missing, status: query.status },
      actor,
      page,
      pageSize,
    );
    return { ...result, page, pageSize };
  }

  /** Protocol deviations (visits logged outside their window), per site within the caller's scope. */
  @Get('deviations')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor', 'statistician')
  @ApiErrors(400)
  @ApiOkResponse({ type: PageOf(DeviationResponseDto) })
  async deviations(
    @Query() query: DeviationsQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<DeviationResponse>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.protocolDeviations.list(
      { siteId: query.siteId, status: query.status, participantId: query.participantId },
      actor,
      page,
      pageSize,
    );
    return { items: result.items.map(toDeviationResponse), total: result.total, page, pageSize };
  }
}
