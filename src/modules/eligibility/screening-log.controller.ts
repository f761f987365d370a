import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ScreeningLogQueryDto, ScreeningLogResponseDto } from './dto/eligibility.dto';
import { toScreeningLogEntry } from './eligibility.mapper';
import { ScreeningLogService } from './screening-log.service';

@ApiTags('eligibility')
@ApiBearerAuth()
@Controller('screening-log')
export class ScreeningLogController {
  constructor(private readonly log: ScreeningLogService) {}

  /** All candidates with state, site, dates and coded exclusion reasons; counts and CONSORT numbers. */
  @Get()
  @Roles('coordinator', 'investigator', 'monitor', 'statistician')
  @ApiErrors(400)
  async list(
    @Query() query: ScreeningLogQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningLogResponseDto> {
    const { page, pageSize } = pageOf(query);
    const { siteId, status, decision, exclusionCode, from, to } = query;
    const log = await this.log.screeningLog(
      { siteId, status, decision, exclusionCode, from, to },
      actor,
      page,
      pageSize,
    );
    return { ...log, items: log.items.map(toScreeningLogEntry) };
  }
}
