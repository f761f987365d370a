import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import { DraftDeletedResponseDto, DraftResponseDto, SaveDraftDto } from './dto/draft.dto';
import { DraftsService, FORM_KEY } from './drafts.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

const FormKey = () =>
  ApiParam({
    name: 'formKey',
    description: 'The form and its ids, e.g. visit:<visitId>',
    schema: { type: 'string', pattern: FORM_KEY.source, maxLength: 160 },
  });

/** The signed-in user's own unsaved form drafts (never another user's). */
@ApiTags('drafts')
@ApiBearerAuth()
@Controller('drafts')
@NotClinicalWrite()
export class DraftsController {
  constructor(private readonly drafts: DraftsService) {}

  /** The user's draft of a form (404 when there is none, or it has expired). */
  @Get(':formKey')
  @FormKey()
  @Roles(...ROLES)
  @ApiOkResponse({ type: DraftResponseDto })
  @ApiErrors(400, 404)
  get(@Param('formKey') formKey: string, @CurrentActor() actor: Actor): Promise<DraftResponseDto> {
    return this.drafts.get(actor, formKey);
  }

  /** Saves (replaces) the user's draft of a form; kept DRAFT_RETENTION_DAYS from now. */
  @Put(':formKey')
  @FormKey()
  @Roles(...ROLES)
  @ApiOkResponse({ type: DraftResponseDto })
  @ApiErrors(400, 413)
  save(
    @Param('formKey') formKey: string,
    @Body() dto: SaveDraftDto,
    @CurrentActor() actor: Actor,
  ): Promise<DraftResponseDto> {
    return this.drafts.save(actor, formKey, dto.data);
  }

  /** Deletes the user's draft of a form (the form was saved or the draft discarded). */
  @Delete(':formKey')
  @FormKey()
  @Roles(...ROLES)
  @ApiOkResponse({ type: DraftDeletedResponseDto })
  @ApiErrors(400)
  async discard(
    @Param('formKey') formKey: string,
    @CurrentActor() actor: Actor,
  ): Promise<DraftDeletedResponseDto> {
    return { deleted: await this.drafts.discard(actor, formKey) };
  }
}
