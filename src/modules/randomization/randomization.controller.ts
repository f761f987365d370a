import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { DomainError } from 'src/common/errors/domain-error';
import { Page, PageOf, PageQueryDto, pageOf } from 'src/common/validation/page';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ROLES } from 'src/common/context/roles';
import {
  EnvironmentQueryDto,
  ENVIRONMENTS,
  RecordUnblindingDto,
  SaveRandomizationConfigDto,
  SequenceQueryDto,
  SimulateDto,
} from './dto/randomization.dto';
import {
  CommitmentDto,
  CreatedIdDto,
  RandomizationConfigViewDto,
  SeedDto,
  SequenceSlotDto,
  SimulationResultDto,
  StratumBalanceDto,
  UnblindingEventDto,
  VerificationReportDto,
} from './dto/statistics.dto';
import { RandomizationConfigService } from './randomization-config.service';
import type { Environment } from './randomization.repository';
import { RandomizationStatisticsService } from './statistics.service';
import { UnblindingService } from './unblinding.service';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';

const env = (value: string): Environment => {
  if (!(ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new DomainError(
      'ENVIRONMENT_INVALID',
      'bad_request',
      'environment must be production or test',
    );
  }
  return value as Environment;
};

@ApiTags('randomisation (statistician)')
@ApiBearerAuth()
@Controller('randomization')
export class RandomizationController {
  constructor(
    private readonly configs: RandomizationConfigService,
    private readonly stats: RandomizationStatisticsService,
    private readonly unblinding: UnblindingService,
  ) {}

  /** The go-live commitments, shown to every role: sha256(seed + "\n" + canonical configuration). */
  @Get('commitment')
  @Roles(...ROLES)
  @ApiOkResponse({ type: [CommitmentDto] })
  commitment() {
    return this.configs.commitments();
  }

  /** The randomisation configuration of an environment (production or test). */
  @Get('config/:environment')
  @Roles('statistician')
  @ApiOkResponse({ type: RandomizationConfigViewDto })
  @ApiErrors(400, { 409: 'RANDOMIZATION_NOT_CONFIGURED: the environment has no configuration yet' })
  config(@Param('environment') environment: string) {
    return this.configs.view(env(environment));
  }

  /** Saves the configuration (and seed) of an environment until it goes live. */
  @Put('config/:environment')
  @Roles('statistician')
  @ApiOkResponse({ type: RandomizationConfigViewDto })
  @ApiErrors(400, { 409: 'RANDOMIZATION_CONFIG_LOCKED: the environment is live' })
  save(@Param('environment') environment: string, @Body() dto: SaveRandomizationConfigDto) {
    const { seed, ...config } = dto;
    return this.configs.save(env(environment), config, seed);
  }

  /** Locks the configuration and seed of an environment and records their commitment. */
  @Post('config/:environment/go-live')
  @Roles('statistician')
  @HttpCode(200)
  @ApiOkResponse({ type: RandomizationConfigViewDto })
  @ApiErrors(400, {
    409: 'RANDOMIZATION_CONFIG_LOCKED (live already), RANDOMIZATION_NOT_CONFIGURED',
  })
  goLive(@Param('environment') environment: string) {
    return this.configs.goLive(env(environment));
  }

  /** The secret seed: statistician only, every read audited. */
  @Get('config/:environment/seed')
  @Roles('statistician')
  @ApiOkResponse({ type: SeedDto })
  @ApiErrors(400, { 409: 'RANDOMIZATION_NOT_CONFIGURED' })
  seed(@Param('environment') environment: string) {
    return this.configs.revealSeed(env(environment));
  }

  /** Future positions of a stratum: statistician only, every read audited. */
  @Get('sequence')
  @Roles('statistician')
  @ApiOkResponse({ type: [SequenceSlotDto] })
  @ApiErrors(400, { 409: 'RANDOMIZATION_NOT_CONFIGURED' })
  sequence(@Query() q: SequenceQueryDto) {
    return this.configs.futureSequence(
      q.environment ?? 'production',
      q.stratum,
      q.from ?? 1,
      q.count ?? 20,
    );
  }

  /** Allocation counts and imbalance per stratum. */
  @Get('balance')
  @Roles('statistician')
  @ApiOkResponse({ type: [StratumBalanceDto] })
  @ApiErrors(400)
  balance(@Query() q: EnvironmentQueryDto) {
    return this.stats.balance(q.environment ?? 'production');
  }

  /** Regenerates the sequence from the seed and compares it with every stored allocation. */
  @Get('verify')
  @Roles('statistician')
  @ApiOkResponse({ type: VerificationReportDto })
  @ApiErrors(400, { 409: 'RANDOMIZATION_NOT_CONFIGURED' })
  verify(@Query() q: EnvironmentQueryDto) {
    return this.stats.verify(q.environment ?? 'production');
  }

  /** Simulates a trial's allocations under a configuration (nothing stored). */
  @Post('simulate')
  @Roles('statistician')
  @HttpCode(200)
  @ApiOkResponse({ type: SimulationResultDto })
  @ApiErrors(400)
  @ApiErrors(409)
  simulate(@Body() dto: SimulateDto) {
    return this.stats.simulate({
      config: dto.config,
      participants: dto.participants,
      strata: dto.strata ?? ['country=NO', 'country=SE', 'country=DK', 'country=NL'],
    });
  }

  /** Records an accidental or emergency unblinding (who learnt the arm, when, why, impact). */
  @Post('unblinding-events')
  @Idempotent(CreatedIdDto)
  @Roles('investigator', 'coordinator', 'monitor')
  @ApiCreatedResponse({ type: CreatedIdDto })
  @ApiErrors(400, 404)
  @ApiErrors(409)
  recordUnblinding(@Body() dto: RecordUnblindingDto, @CurrentActor() actor: Actor) {
    return this.unblinding.record(
      { ...dto, disclosedTo: dto.disclosedTo ?? null, occurredAt: new Date(dto.occurredAt) },
      actor,
    );
  }

  /** Recorded unblindings within the actor's sites, newest first. */
  @Get('unblinding-events')
  @Roles('investigator', 'monitor', 'statistician')
  @ApiOkResponse({ type: PageOf(UnblindingEventDto) })
  @ApiErrors(400)
  unblindings(@Query() q: PageQueryDto, @CurrentActor() actor: Actor): Promise<Page<unknown>> {
    const { page, pageSize } = pageOf(q);
    return this.unblinding.list(actor, page, pageSize);
  }
}
