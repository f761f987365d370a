import { Controller, Get, Header, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';
import { MonthQueryDto } from './dto/reports.dto';
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
  consort(@CurrentActor() actor: Actor): Promise<ConsortReport> {
    return this.reports.consort(actor);
  }

  @Get('consort.svg')
  @Roles(...CONSORT_READERS)
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('image/svg+xml')
  consortSvg(@CurrentActor() actor: Actor): Promise<string> {
    return this.reports.consortSvg(actor);
  }

  /** Per site in scope: visits due this month, overdue, missed, completion rate, deviations. */
  @Get('follow-up')
  @Roles(...FOLLOW_UP_READERS)
  overview(
    @Query() query: MonthQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<SiteFollowUpSummary[]> {
    return this.reports.followUpOverview(actor, query.month ?? null);
  }

  @Get('follow-up/sites/:siteId')
  @Roles(...FOLLOW_UP_READERS)
  site(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @Query() query: MonthQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<SiteFollowUpReport> {
    return this.reports.siteFollowUp(siteId, actor, query.month ?? null);
  }
}
