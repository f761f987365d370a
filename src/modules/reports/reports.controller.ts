import { Controller, Get, Header, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  ConsortReportDto,
  MonthQueryDto,
  SiteFollowUpReportDto,
  SiteFollowUpSummaryDto,
} from './dto/reports.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';

import {
  type ConsortReport,
  ReportsService,
  type SiteFollowUpReport,
  type SiteFollowUpSummary,
} from './reports.service';

/** Counts per arm: never for blinded assessors. Admins see counts only (no participant rows here). */
const CONSORT_READERS: Role[] = ['coordinator', 'investigator', 'statistician', 'monitor', 'admin'];
const FOLLOW_UP_READERS: Role[] = [
  'coordinator',
  'investigator',
  'site_staff',
  'statistician',
  'monitor',
];

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The CONSORT 2025 flow from live data (scoped to the caller's sites unless trial-wide). */
  @Get('consort')
  @Roles(...CONSORT_READERS)
  @ApiOkResponse({ type: ConsortReportDto })
  consort(@CurrentActor() actor: Actor): Promise<ConsortReport> {
    return this.reports.consort(actor);
  }

  /** The CONSORT flow diagram as SVG. */
  @Get('consort.svg')
  @Roles(...CONSORT_READERS)
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({
    description: 'The diagram',
    content: { 'image/svg+xml': { schema: { type: 'string' } } },
  })
  consortSvg(@CurrentActor() actor: Actor): Promise<string> {
    return this.reports.consortSvg(actor);
  }

  /** Per site in scope: visits due this month, overdue, missed, completion rate, deviations. */
  @Get('follow-up')
  @Roles(...FOLLOW_UP_READERS)
  @ApiErrors(400)
  @ApiOkResponse({ type: [SiteFollowUpSummaryDto] })
  overview(
    @Query() query: MonthQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<SiteFollowUpSummary[]> {
    return this.reports.followUpOverview(actor, query.month ?? null);
  }

  /** One site's follow-up report with its overdue and missed visits. */
  @Get('follow-up/sites/:siteId')
  @Roles(...FOLLOW_UP_READERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: SiteFollowUpReportDto })
  site(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @Query() query: MonthQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<SiteFollowUpReport> {
    return this.reports.siteFollowUp(siteId, actor, query.month ?? null);
  }
}
