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
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdverseEventResponseDto } from './dto/follow-up-responses.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import { RecordVersionDto } from 'src/kernel/record-history';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { Page, PageOf, pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { AdverseEventsQueryDto } from './dto/queries.dto';
import { CorrectAdverseEventDto, MarkSaeReportedDto } from './dto/visit-log.dto';
import { AdverseEventsService } from './adverse-events.service';
import { type AdverseEventResponse, toAdverseEventResponse } from './follow-up.mapper';
import { SafetyReporting } from 'src/common/context/write-lock.decorators';

/** Adverse events and the SAE 24-hour reporting clock. Never for blinded assessors (events can reveal the arm). */
@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up/adverse-events')
export class AdverseEventsController {
  constructor(
    private readonly adverseEvents: AdverseEventsService,
    private readonly clock: Clock,
  ) {}

  /** Adverse events within the actor's sites (per site or participant), filtered (serious, SUSAR, open reports, open/resolved) and paged. */
  @Get()
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiErrors(400)
  @ApiOkResponse({ type: PageOf(AdverseEventResponseDto) })
  async list(
    @Query() query: AdverseEventsQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AdverseEventResponse>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.adverseEvents.listAdverseEvents(
      {
        siteId: query.siteId,
        participantId: query.participantId,
        serious: query.serious,
        openReports: query.openReports,
        susar: query.susar,
        status: query.status,
      },
      actor,
      page,
      pageSize,
    );
    const now = this.clock.now();
    return {
      items: result.items.map((ae) => toAdverseEventResponse(ae, now)),
      total: result.total,
      page,
      pageSize,
    };
  }

  /** One adverse event with its reporting clock. */
  @Get(':id')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: AdverseEventResponseDto })
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<AdverseEventResponse> {
    return toAdverseEventResponse(
      await this.adverseEvents.adverseEvent(id, actor),
      this.clock.now(),
    );
  }

  /**
   * Corrects an adverse event: only the fields sent change (null clears endDate), with a reason;
   * the audit row lists exactly the changed fields.
   */
  @SafetyReporting()
  @Patch(':id')
  @Roles('site_staff', 'investigator', 'coordinator')
  @ApiErrors({
    400: 'Invalid values (VALIDATION_FAILED); nothing changes',
    404: 'No such adverse event in your sites',
    409: 'STALE_VERSION: changed since expectedVersion; errors[0].params.changedSince lists what changed',
  })
  @ApiOkResponse({ type: AdverseEventResponseDto })
  async correct(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CorrectAdverseEventDto,
    @CurrentActor() actor: Actor,
  ): Promise<AdverseEventResponse> {
    return toAdverseEventResponse(
      await this.adverseEvents.correctAdverseEvent(id, dto, actor),
      this.clock.now(),
    );
  }

  /** Every kept version of an adverse event with its corrections (who, when, reason, fields before → after), newest first. */
  @Get(':id/history')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
  @ApiErrors({ 404: 'No such adverse event in your sites' })
  @ApiErrors(400)
  async history(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVersionDto[]> {
    return this.adverseEvents.adverseEventHistory(id, actor);
  }

  /** The investigator marks the SAE reported to the sponsor; the 24-hour clock stops. */
  @SafetyReporting()
  @Post(':id/reported')
  @Roles('investigator')
  @HttpCode(200)
  @ApiErrors(400, 404, 409)
  @ApiOkResponse({ type: AdverseEventResponseDto })
  async reported(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MarkSaeReportedDto,
    @CurrentActor() actor: Actor,
  ): Promise<AdverseEventResponse> {
    return toAdverseEventResponse(
      await this.adverseEvents.markSaeReported(id, dto, actor),
      this.clock.now(),
    );
  }

  /** The investigator marks a SUSAR reported (sponsor / EudraVigilance); its 7- or 15-day clock stops. */
  @SafetyReporting()
  @Post(':id/susar-reported')
  @Roles('investigator')
  @HttpCode(200)
  @ApiErrors({
    400: 'Invalid values (VALIDATION_FAILED)',
    404: 'No such adverse event in your sites',
    409: 'Not a SUSAR (ADVERSE_EVENT_NOT_SUSAR), or already reported',
  })
  @ApiOkResponse({ type: AdverseEventResponseDto })
  async susarReported(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MarkSaeReportedDto,
    @CurrentActor() actor: Actor,
  ): Promise<AdverseEventResponse> {
    return toAdverseEventResponse(
      await this.adverseEvents.markSusarReported(id, dto, actor),
      this.clock.now(),
    );
  }
}
