import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AggregateNedaDto, ParticipantNedaDto } from './dto/follow-up-responses.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { NedaQueryDto } from './dto/queries.dto';
import { type AggregateNeda, EndpointsService, type ParticipantNeda } from './endpoints.service';

/** NEDA-3 at weeks 96 and 240: per participant for the statistician; per arm for statistician and monitor. */
@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  /** NEDA-3 of one participant at an endpoint week, with how it was judged. */
  @Get('participants/:participantId/neda')
  @Roles('statistician')
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: ParticipantNedaDto })
  participant(
    @Param('participantId', ParseUUIDPipe) participantId: string,
    @Query() query: NedaQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantNeda> {
    return this.endpoints.participantNeda(participantId, query.week, actor);
  }

  /** NEDA-3 per arm at an endpoint week. */
  @Get('endpoints/neda')
  @Roles('statistician', 'monitor')
  @ApiErrors(400)
  @ApiOkResponse({ type: AggregateNedaDto })
  aggregate(@Query() query: NedaQueryDto, @CurrentActor() actor: Actor): Promise<AggregateNeda> {
    return this.endpoints.aggregate(query.week, actor);
  }
}
