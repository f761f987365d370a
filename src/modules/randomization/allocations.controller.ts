import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PageOf } from 'src/common/validation/page';
import { ApiCreatedResponse } from '@nestjs/swagger';
import { RandomizationReadinessDto } from './dto/statistics.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import { RecordVersionDto } from 'src/kernel/record-history';
import type { Response } from 'express';
import type { Actor } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import { Page, pageOf } from 'src/common/validation/page';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { AllocationService } from './allocation.service';
import {
  AllocationResponseDto,
  ArmBDrugDto,
  DiscontinueInterventionDto,
  InterventionDto,
  ListAllocationsQueryDto,
  UndoDiscontinuationDto,
} from './dto/randomization.dto';
import { InterventionDiscontinuationService } from './intervention-discontinuation.service';
import { toAllocationResponse } from './randomization.mapper';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;
/** Roles that may see arms. The blinded assessor is never among them. */
const SEE_ARMS = ['investigator', 'coordinator', 'site_staff', 'statistician', 'monitor'] as const;

@ApiTags('randomisation')
@ApiBearerAuth()
@Controller()
export class AllocationsController {
  constructor(
    private readonly allocations: AllocationService,
    private readonly discontinuations: InterventionDiscontinuationService,
  ) {}

  /** Randomises a consented, eligible participant: the next slot of the stratum's sealed sequence. */
  @Post('participants/:id/randomization')
  @Roles('investigator')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key returns the first allocation',
  })
  @ApiErrors(400, 404, 409)
  @ApiCreatedResponse({ type: AllocationResponseDto, description: 'Allocated' })
  @ApiOkResponse({
    type: AllocationResponseDto,
    description: 'A retry with the same Idempotency-Key: the first allocation',
  })
  async randomise(
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AllocationResponseDto> {
    if (key !== undefined && !KEY.test(key)) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_INVALID',
        'bad_request',
        'Idempotency-Key must be 8 to 128 of A-Z a-z 0-9 . _ : -',
      );
    }
    const { allocation, created } = await this.allocations.randomise(id, actor, key);
    res.status(created ? 201 : 200);
    return toAllocationResponse(allocation, actor);
  }

  /** Whether the participant can be randomised now, and why not. */
  @Get('participants/:id/randomization/readiness')
  @Roles('investigator', 'coordinator')
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: RandomizationReadinessDto })
  readiness(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<RandomizationReadinessDto> {
    return this.allocations.readiness(id, actor);
  }

  /** The participant's allocation (arm, sequence position, date). */
  @Get('participants/:id/randomization')
  @Roles(...SEE_ARMS)
  @ApiErrors(400, 404)
  async get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<AllocationResponseDto> {
    return toAllocationResponse(await this.allocations.get(id, actor), actor);
  }

  /** Allocations within the actor's sites, filtered by site, arm and date, paged. */
  @Get('allocations')
  @Roles(...SEE_ARMS)
  @ApiErrors(400)
  @ApiOkResponse({ type: PageOf(AllocationResponseDto) })
  async list(
    @Query() q: ListAllocationsQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<Page<AllocationResponseDto>> {
    const { page, pageSize } = pageOf(q);
    const result = await this.allocations.list(
      {
        siteId: q.siteId,
        arm: q.arm,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      actor,
      page,
      pageSize,
    );
    return { ...result, items: result.items.map((a) => toAllocationResponse(a, actor)) };
  }

  /**
   * Chooses the arm-B drug, or changes the choice: a change sends only the fields that change,
   * with a reason; the audit row lists exactly those fields.
   */
  @Put('participants/:id/arm-b-drug')
  @Roles('investigator')
  @ApiErrors({
    400: 'Not in the formulary, REASON_REQUIRED, a missing field on the first choice; nothing changes',
    404: 'No such randomised participant in your sites',
    409: 'Not arm B; STALE_VERSION (errors[0].params.changedSince)',
  })
  async armB(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ArmBDrugDto,
    @CurrentActor() actor: Actor,
  ): Promise<AllocationResponseDto> {
    return toAllocationResponse(await this.allocations.chooseArmBDrug(id, dto, actor), actor);
  }

  /** Every kept version of the arm-B choice (who, when, reason, fields before → after), newest first. */
  @Get('participants/:id/arm-b-drug/history')
  @Roles('investigator', 'coordinator', 'site_staff', 'monitor')
  @ApiErrors({ 404: 'No such randomised participant in your sites' })
  @ApiErrors(400)
  async armBHistory(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVersionDto[]> {
    return this.allocations.armBHistory(id, actor);
  }

  /** Records whether the participant received the allocated intervention (and why not), with a reason. */
  @Put('participants/:id/intervention')
  @Roles('investigator', 'coordinator')
  @ApiErrors(400, 404, 409)
  async intervention(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: InterventionDto,
    @CurrentActor() actor: Actor,
  ): Promise<AllocationResponseDto> {
    return toAllocationResponse(
      await this.allocations.setIntervention(
        id,
        { received: dto.received, reasonCode: dto.reasonCode ?? null, note: dto.note ?? null },
        dto.reason,
        actor,
      ),
      actor,
    );
  }

  /**
   * Records that the allocated intervention was discontinued (arm-B drug stopped, transplant not
   * done): date, coded reason, free text. Not a withdrawal: the visit schedule stays (intention to
   * treat). Arm A: the transplant booking ends and its place goes to the next participant.
   */
  @Post('participants/:id/intervention/discontinuation')
  @Idempotent()
  @HttpCode(200)
  @Roles('investigator', 'coordinator')
  @ApiOkResponse({ type: AllocationResponseDto })
  @ApiErrors({
    400: 'Bad date (future, before randomisation) or reason code; nothing changes',
    404: 'No such randomised participant in your sites',
    409: 'INTERVENTION_ALREADY_DISCONTINUED; INTERVENTION_ALREADY_GIVEN (arm A, day 0 recorded)',
  })
  async discontinue(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DiscontinueInterventionDto,
    @CurrentActor() actor: Actor,
  ): Promise<AllocationResponseDto> {
    return toAllocationResponse(
      await this.discontinuations.discontinue(
        id,
        { date: dto.date, reasonCode: dto.reasonCode, note: dto.note ?? null },
        actor,
      ),
      actor,
    );
  }

  /** Undoes a discontinuation recorded in error, with a reason (kept); arm A is booked again. */
  @Post('participants/:id/intervention/discontinuation/undo')
  @HttpCode(200)
  @Roles('investigator')
  @ApiOkResponse({ type: AllocationResponseDto })
  @ApiErrors({
    400: 'reason missing',
    404: 'No such randomised participant in your sites',
    409: 'INTERVENTION_NOT_DISCONTINUED',
  })
  async undoDiscontinuation(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UndoDiscontinuationDto,
    @CurrentActor() actor: Actor,
  ): Promise<AllocationResponseDto> {
    return toAllocationResponse(await this.discontinuations.undo(id, dto.reason, actor), actor);
  }
}
