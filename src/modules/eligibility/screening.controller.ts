import { Body, Controller, Get, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../common/context/request-context';
import { CurrentActor, Roles } from '../auth/auth.decorators';
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
  async current(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningEpisodeResponseDto> {
    const { participant, episode } = await this.screening.current(id, actor);
    if (!episode) throw EligibilityErrors.episodeClosed();
    return toEpisodeResponse(episode, participant.currentEpisode);
  }

  /** Every episode (history kept after re-screening). */
  @Get('episodes')
  @Roles(...READERS)
  async episodes(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningEpisodeResponseDto[]> {
    const { participant, episodes } = await this.screening.episodes(id, actor);
    return episodes.map((e) => toEpisodeResponse(e, participant.currentEpisode));
  }

  /**
   * Enters or corrects sections of the screening data. Object sections merge field by field;
   * lists replace the stored list. Changing a recorded value needs `reason` (400 REASON_REQUIRED).
   */
  @Patch()
  @Roles('coordinator', 'investigator')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateScreeningDto,
    @CurrentActor() actor: Actor,
  ): Promise<ScreeningEpisodeResponseDto> {
    const episode = await this.screening.update(id, dto, actor);
    return toEpisodeResponse(episode, episode.episodeNo);
  }
}
