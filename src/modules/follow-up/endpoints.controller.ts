import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

  @Get('participants/:participantId/neda')
  @Roles('statistician')
  participant(
    @Param('participantId', ParseUUIDPipe) participantId: string,
    @Query() query: NedaQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantNeda> {
    return this.endpoints.participantNeda(participantId, query.week, actor);
  }

  @Get('endpoints/neda')
  @Roles('statistician', 'monitor')
  aggregate(@Query() query: NedaQueryDto, @CurrentActor() actor: Actor): Promise<AggregateNeda> {
    return this.endpoints.aggregate(query.week, actor);
  }
}
