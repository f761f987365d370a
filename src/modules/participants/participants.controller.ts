import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
} from './dto/participant.dto';
import { toHistoryResponse, toParticipantResponse } from './participants.mapper';
import { ParticipantsService } from './participants.service';
import { siteScope } from 'src/common/context/site-scope';

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

  @Post()
  @Roles('coordinator')
  async register(
    @Body() dto: RegisterParticipantDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.register(dto, actor), true);
  }

  @Get()
  @Roles(...READERS)
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

  @Get(':id')
  @Roles(...READERS)
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.get(id, siteScope(actor)), true);
  }

  @Get(':id/history')
  @Roles(...READERS)
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
  async transition(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TransitionDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.participants.step(id, dto.to, dto.reason, actor), true);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
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

  @Post(':id/sample-destruction/confirm')
  @HttpCode(200)
  @Roles('coordinator', 'investigator', 'site_staff')
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
