import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';
import { ApiErrors } from 'src/common/errors/api-errors';
import { DataCutsService } from './data-cuts.service';
import {
  DataCutDto,
  DeclareDataCutDto,
  LockRequestDto,
  LockRequestResponseDto,
  toDataCutDto,
  toLockRequestDto,
  toTrialLockDto,
  toUnfreezeDto,
  TrialLockStateDto,
  UnfreezeDto,
  UnfreezeResponseDto,
} from './dto/data-locks.dto';
import { TrialLockService } from './trial-lock.service';

/** Data cuts and the record freezes (issue 18). */
@ApiTags('data-locks')
@ApiBearerAuth()
@Controller('data-cuts')
export class DataCutsController {
  constructor(private readonly cuts: DataCutsService) {}

  /** Every data cut, newest first: cut-off, who declared and confirmed it, its export's SHA-256. */
  @Get()
  @Roles('statistician', 'monitor', 'admin')
  @ApiErrors(400)
  @ApiOkResponse({ type: [DataCutDto] })
  async list(): Promise<DataCutDto[]> {
    return (await this.cuts.list()).map(toDataCutDto);
  }

  /** The statistician declares a data cut at a cut-off date (today or earlier); a monitor confirms it. */
  @Post()
  @Roles('statistician')
  @NotClinicalWrite()
  @ApiErrors(400, { 409: 'DATA_CUT_NAME_TAKEN: a cut of this name exists' })
  @ApiCreatedResponse({ type: DataCutDto })
  async declare(@Body() dto: DeclareDataCutDto, @CurrentActor() actor: Actor): Promise<DataCutDto> {
    return toDataCutDto(await this.cuts.declare(dto, actor));
  }

  /**
   * A monitor confirms the cut: the data up to the cut-off must be clean (409 DATA_CUT_NOT_READY
   * lists each problem), then every record first recorded on or before the cut-off is frozen.
   */
  @Post(':id/confirm')
  @Roles('monitor')
  @NotClinicalWrite()
  @HttpCode(200)
  @ApiErrors(400, 404, {
    409: 'DATA_CUT_NOT_READY (errors[] lists each problem) or DATA_CUT_CONFIRMED',
  })
  @ApiOkResponse({ type: DataCutDto })
  async confirm(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<DataCutDto> {
    return toDataCutDto(await this.cuts.confirm(id, actor));
  }

  /** Recent unfreezes of frozen records, newest first. */
  @Get('unfreezes')
  @Roles('statistician', 'monitor', 'admin')
  @ApiErrors(400)
  @ApiOkResponse({ type: [UnfreezeResponseDto] })
  async unfreezes(): Promise<UnfreezeResponseDto[]> {
    return (await this.cuts.unfreezes()).map(toUnfreezeDto);
  }

  /**
   * A monitor unfreezes one frozen record (by a data cut or the end of follow-up), with a reason:
   * it allows the record's next change, after which it is frozen again. Refused while the trial
   * is locked.
   */
  @Post('unfreezes')
  @Roles('monitor')
  @ApiErrors(400, {
    409: 'RECORD_NOT_FROZEN: not frozen, or already unfrozen; DATABASE_LOCKED: the trial is locked',
  })
  @ApiCreatedResponse({ type: UnfreezeResponseDto })
  async unfreeze(
    @Body() dto: UnfreezeDto,
    @CurrentActor() actor: Actor,
  ): Promise<UnfreezeResponseDto> {
    return toUnfreezeDto(await this.cuts.unfreeze(dto, actor));
  }
}

/** The final trial lock (issue 18): two people, a statistician and an admin, to lock and to unlock. */
@ApiTags('data-locks')
@ApiBearerAuth()
@Controller('trial-lock')
export class TrialLockController {
  constructor(private readonly locks: TrialLockService) {}

  /** The lock in force (if any) and the recent lock and unlock requests. */
  @Get()
  @Roles('statistician', 'monitor', 'admin')
  @ApiErrors(400)
  @ApiOkResponse({ type: TrialLockStateDto })
  async state(): Promise<TrialLockStateDto> {
    const { lock, requests } = await this.locks.state();
    return { lock: lock ? toTrialLockDto(lock) : null, requests: requests.map(toLockRequestDto) };
  }

  /**
   * A statistician or an admin asks to lock (or unlock) the trial, with a reason; it takes effect
   * when another person, acting in the other of the two roles, approves. Replaces a request still waiting.
   */
  @Post('requests')
  @Roles('statistician', 'admin')
  @NotClinicalWrite()
  @ApiErrors(400, { 409: 'TRIAL_ALREADY_LOCKED or TRIAL_NOT_LOCKED' })
  @ApiCreatedResponse({ type: LockRequestResponseDto })
  async request(
    @Body() dto: LockRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<LockRequestResponseDto> {
    return toLockRequestDto(await this.locks.request(dto, actor));
  }

  /**
   * The second person approves a lock or unlock request: the lock takes effect (or ends) now.
   * The requester cannot approve their own request (403 SECOND_PERSON_REQUIRED), nor someone
   * acting in the requester's role (403 LOCK_ROLES_REQUIRED).
   */
  @Post('requests/:id/approve')
  @Roles('statistician', 'admin')
  @NotClinicalWrite()
  @HttpCode(200)
  @ApiErrors(400, 404, {
    409: 'LOCK_REQUEST_NOT_PENDING, TRIAL_ALREADY_LOCKED or TRIAL_NOT_LOCKED',
  })
  @ApiOkResponse({ type: LockRequestResponseDto })
  async approve(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<LockRequestResponseDto> {
    return toLockRequestDto(await this.locks.approve(id, actor));
  }
}
