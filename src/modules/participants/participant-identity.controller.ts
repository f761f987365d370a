import { Body, Controller, Get, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
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

  /** The participant's identity from the vault (name, birth date, contact, national id); every read audited. */
  @Get()
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404)
  read(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<IdentityResponseDto> {
    return this.participants.readIdentity(id, actor);
  }

  /** Corrects the identity: only the fields sent change, with a reason for recorded values. */
  @Patch()
  @Roles('coordinator')
  @ApiErrors(400, 404, 409)
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateIdentityDto,
    @CurrentActor() actor: Actor,
  ): Promise<IdentityResponseDto> {
    return this.participants.updateIdentity(id, dto, actor);
  }
}
