import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { ApiErrors } from 'src/common/errors/api-errors';
import { type Page, PageOf, pageOf } from 'src/common/validation/page';
import {
  AnswerQueryDto,
  CloseQueryDto,
  ListQueriesQueryDto,
  QueryAgeingDto,
  QueryDetailDto,
  QueryListItemDto,
  RaiseQueryDto,
  ReopenQueryDto,
} from './dto/query.dto';
import { QueriesService } from './queries.service';

/**
 * Data queries (issue 18). Monitors and the statistician (as data manager) raise, close and
 * re-open; the site's staff answer (a blinded assessor: only queries on their assessments, the
 * only ones they see). Every read is limited to the actor's sites.
 */
@ApiTags('queries')
@ApiBearerAuth()
@Controller('queries')
export class QueriesController {
  constructor(private readonly queries: QueriesService) {}

  /**
   * Queries within the actor's sites, the longest waiting first; filters by status, site,
   * participant and record; with include=events each query carries its steps (a participant's
   * page reads all its queries in one request).
   */
  @Get()
  @Roles('monitor', 'statistician', 'coordinator', 'investigator', 'site_staff', 'blinded_assessor')
  @ApiOkResponse({ type: PageOf(QueryListItemDto) })
  @ApiErrors(400)
  list(
    @Query() query: ListQueriesQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<QueryListItemDto>> {
    const { page, pageSize } = pageOf(query);
    return this.queries.list(
      {
        status: query.status,
        siteId: query.siteId,
        participantId: query.participantId,
        recordEntity: query.recordEntity,
        recordId: query.recordId,
      },
      page,
      pageSize,
      actor,
      query.include === 'events',
    );
  }

  /** The ageing report: per site, queries open and answered, and those open longer than QUERY_AGEING_DAYS. */
  @Get('ageing')
  @Roles('monitor', 'statistician', 'coordinator', 'investigator')
  @ApiOkResponse({ type: QueryAgeingDto })
  @ApiErrors(400)
  ageing(@CurrentActor() actor: Actor): Promise<QueryAgeingDto> {
    return this.queries.ageing(actor);
  }

  /** One query with every step: raised, answers, linked corrections, closes and re-opens. */
  @Get(':id')
  @Roles('monitor', 'statistician', 'coordinator', 'investigator', 'site_staff', 'blinded_assessor')
  @ApiOkResponse({ type: QueryDetailDto })
  @ApiErrors(400, 404)
  get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<QueryDetailDto> {
    return this.queries.get(id, actor);
  }

  /** Raises a query on one item of one record (a field-registry item; one list element by `path`). */
  @Post()
  @Roles('monitor', 'statistician')
  @ApiCreatedResponse({ type: QueryDetailDto })
  @ApiErrors(400, 404)
  raise(@Body() dto: RaiseQueryDto, @CurrentActor() actor: Actor): Promise<QueryDetailDto> {
    return this.queries.raise(dto, actor);
  }

  /** The site's answer (open → answered). A correction of the value is made on its form; it links itself. */
  @Post(':id/answer')
  @HttpCode(200)
  @Roles('coordinator', 'investigator', 'site_staff', 'blinded_assessor')
  @ApiOkResponse({ type: QueryDetailDto })
  @ApiErrors(400, 404, 409)
  answer(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AnswerQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<QueryDetailDto> {
    return this.queries.answer(id, dto, actor);
  }

  /** Closes a query (open or answered → closed). */
  @Post(':id/close')
  @HttpCode(200)
  @Roles('monitor', 'statistician')
  @ApiOkResponse({ type: QueryDetailDto })
  @ApiErrors(400, 404, 409)
  close(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CloseQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<QueryDetailDto> {
    return this.queries.close(id, dto, actor);
  }

  /** Re-opens a query whose answer does not resolve it (answered or closed → open), with the reason. */
  @Post(':id/reopen')
  @HttpCode(200)
  @Roles('monitor', 'statistician')
  @ApiOkResponse({ type: QueryDetailDto })
  @ApiErrors(400, 404, 409)
  reopen(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReopenQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<QueryDetailDto> {
    return this.queries.reopen(id, dto, actor);
  }
}
