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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RecordVersionDto } from 'src/kernel/record-history';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { Page, pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { AdverseEventsQueryDto } from './dto/queries.dto';
import { CorrectAdverseEventDto, MarkSaeReportedDto } from './dto/visit-log.dto';
import { AdverseEventsService } from './adverse-events.service';
import { type AdverseEventResponse, toAdverseEventResponse } from './follow-up.mapper';

/** Adverse events and the SAE 24-hour reporting clock. Never for blinded assessors (events can reveal the arm). */
@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up/adverse-events')
export class AdverseEventsController {
  constructor(
    private readonly adverseEvents: AdverseEventsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
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

  @Get(':id')
  @Roles('coordinator', 'investigator', 'site_staff', 'monitor')
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
  @Patch(':id')
  @Roles('site_staff', 'investigator', 'coordinator')
  @ApiBadRequestResponse({ description: 'Invalid values (VALIDATION_FAILED); nothing changes' })
  @ApiNotFoundResponse({ description: 'No such adverse event in your sites' })
  @ApiConflictResponse({
    description:
      'STALE_VERSION: changed since expectedVersion; details.changedSince lists what changed',
  })
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
  @ApiNotFoundResponse({ description: 'No such adverse event in your sites' })
  async history(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVersionDto[]> {
    return this.adverseEvents.adverseEventHistory(id, actor);
  }

  /** The investigator marks the SAE reported to the sponsor; the 24-hour clock stops. */
  @Post(':id/reported')
  @Roles('investigator')
  @HttpCode(200)
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
}
