import { Body, Controller, Get, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { RecordVersionDto } from 'src/kernel/record-history';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ScreeningEpisodeResponseDto, UpdateScreeningDto } from './dto/screening.dto';
import { EligibilityErrors } from './eligibility.errors';
import { toEpisodeResponse } from './eligibility.mapper';
import { ScreeningService } from './screening.service';

const READERS = ['coordinator', 'investigator', 'monitor', 'statistician'] as const;

@ApiTags('screening')
@ApiBearerAuth()
@Controller('participants/:id/screening')
export class ScreeningController {
  constructor(private readonly screening: ScreeningService) {}

  /** The current episode's screening data. */
  @Get()
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async current(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningEpisodeResponseDto> {
    const { participant, episode } = await this.screening.current(id, actor);
    if (!episode) {
      throw EligibilityErrors.episodeClosed();
    }
    return toEpisodeResponse(episode, participant.currentEpisode);
  }

  /** Every episode (history kept after re-screening). */
  @Get('episodes')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async episodes(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningEpisodeResponseDto[]> {
    const { participant, episodes } = await this.screening.episodes(id, actor);
    return episodes.map((e) => toEpisodeResponse(e, participant.currentEpisode));
  }

  /** Every kept version of the current episode's screening record (who, when, reason, fields before → after), newest first. */
  @Get('history')
  @Roles(...READERS)
  @ApiErrors({ 404: 'No such participant in your sites' })
  @ApiErrors(400)
  async history(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVersionDto[]> {
    return this.screening.recordHistory(id, actor);
  }

  /**
   * Enters or corrects sections of the screening data: only the fields sent change; object
   * sections merge field by field; a list is sent whole only while none of it is recorded, then
   * changes item by item through `lists` (by itemId). Changing a recorded value needs `reason`.
   */
  @Patch()
  @Roles('coordinator', 'investigator')
  @ApiErrors({
    400: 'REASON_REQUIRED, invalid values, unknown itemIds, a recorded list sent whole; nothing changes',
    404: 'No such participant in your sites',
    409: 'STALE_VERSION: the record changed since expectedVersion (errors[0].params.changedSince)',
  })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateScreeningDto,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningEpisodeResponseDto> {
    const episode = await this.screening.update(id, dto, actor);
    return toEpisodeResponse(episode, episode.episodeNo);
  }
}
