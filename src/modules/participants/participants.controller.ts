import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from 'src/common/validation/page';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { Page, pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import {
  ConfirmSampleDestructionDto,
  ListParticipantsQueryDto,
  ParticipantResponseDto,
  RegisterParticipantDto,
  StatusHistoryDto,
  TransitionDto,
  WithdrawDto,
  RecordOutcomeDto,
  ScreenFailureDto,
  UndoStepDto,
} from './dto/participant.dto';
import { toHistoryResponse, toParticipantResponse } from './participants.mapper';
import { ParticipantsService } from './participants.service';
import { siteScope } from 'src/common/context/site-scope';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';

/** Who may see participants (site-scoped in the query; statistician and monitor trial-wide). */
const READERS = [
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
  'monitor',
  'statistician',
] as const;

@ApiTags('participants')
@ApiBearerAuth()
@Controller('participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  /** Registers a candidate at one of the coordinator's sites (identity to the vault, a study id assigned). */
  @Post()
  @Roles('coordinator')
  @Idempotent(ParticipantResponseDto)
  @ApiErrors(400, 409)
  async register(
    @Body() dto: RegisterParticipantDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.register(dto, actor), true);
  }

  /** Participants within the actor's sites, filtered by site, status or study id, paged. */
  @Get()
  @Roles(...READERS)
  @ApiErrors(400)
  @ApiOkResponse({ type: PageOf(ParticipantResponseDto) })
  async list(
    @Query() query: ListParticipantsQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<ParticipantResponseDto>> {
    const { page, pageSize } = pageOf(query);
    const result = await this.participants.list(
      { siteId: query.siteId, status: query.status, q: query.q },
      actor,
      page,
      pageSize,
    );
    return { ...result, items: result.items.map((p) => toParticipantResponse(p)) };
  }

  /** One participant (status, site, study id; never identity). */
  @Get(':id')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.get(id, siteScope(actor)), true);
  }

  /** The participant's status changes, oldest first. */
  @Get(':id/history')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async history(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<StatusHistoryDto[]> {
    return (await this.participants.history(id, actor)).map(toHistoryResponse);
  }

  /** A pathway step (phone check done, records reviewed, visit planned, visit done, registered). */
  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async transition(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TransitionDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(
      await this.participants.step(id, dto.to, dto.reason, actor, dto.date, dto.confirmDuplicate),
      true,
    );
  }

  /** Records a screen failure (phone check, records review, screening visit) with a coded reason; not a withdrawal. */
  @Post(':id/screen-failure')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async screenFailure(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ScreenFailureDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.screenFailure(id, dto, actor), true);
  }

  /** Takes back the last pathway step or screen failure, with a reason (the undone step stays in the history). */
  @Post(':id/transitions/undo')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async undoStep(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UndoStepDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.undoStep(id, dto.reason, actor), true);
  }

  /** Withdraws the participant (with or without a request to destroy body material); remaining visits are cancelled. */
  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async withdraw(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: WithdrawDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.withdraw(id, dto, actor), true);
  }

  /** Ends a randomised participant's follow-up (completed, lost, died); remaining visits are cancelled. */
  @Post(':id/outcome')
  @HttpCode(200)
  @Roles('investigator', 'coordinator')
  @ApiErrors(400, 404, 409)
  async outcome(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordOutcomeDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(
      await this.participants.recordOutcome(id, dto.outcome, dto.reason, actor),
      true,
    );
  }

  /** Confirms that the body material of a withdrawn participant was destroyed. */
  @Post(':id/sample-destruction/confirm')
  @HttpCode(200)
  @Roles('coordinator', 'investigator', 'site_staff')
  @ApiErrors(400, 404, 409)
  async confirmSampleDestruction(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ConfirmSampleDestructionDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(
      await this.participants.confirmSampleDestruction(id, dto.note, actor),
      true,
    );
  }
}
