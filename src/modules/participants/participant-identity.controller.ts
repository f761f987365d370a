import { Body, Controller, Get, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { IdentityResponseDto, UpdateIdentityDto } from 'src/modules/identity/dto/identity.dto';
import { ParticipantsService } from './participants.service';

/**
 * The identity vault over HTTP: only coordinators and investigators who are members of the
 * participant's site; everyone else gets 404. Every read is audited (`identity.read`).
 */
@ApiTags('participants')
@ApiBearerAuth()
@Controller('participants/:id/identity')
export class ParticipantIdentityController {
  constructor(private readonly participants: ParticipantsService) {}

  @Get()
  @Roles('coordinator', 'investigator')
  read(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<IdentityResponseDto> {
    return this.participants.readIdentity(id, actor);
  }

  @Patch()
  @Roles('coordinator')
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateIdentityDto,
    @CurrentActor() actor: Actor,
  ): Promise<IdentityResponseDto> {
    return this.participants.updateIdentity(id, dto, actor);
  }
}
