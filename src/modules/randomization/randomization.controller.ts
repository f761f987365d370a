import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from 'src/common/errors/domain-error';
import { Page, PageQueryDto, pageOf } from 'src/common/validation/page';
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
import { RandomizationConfigService } from './randomization-config.service';
import type { Environment } from './randomization.repository';
import { RandomizationStatisticsService } from './statistics.service';
import { UnblindingService } from './unblinding.service';

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
  commitment() {
    return this.configs.commitments();
  }

  @Get('config/:environment')
  @Roles('statistician')
  config(@Param('environment') environment: string) {
    return this.configs.view(env(environment));
  }

  @Put('config/:environment')
  @Roles('statistician')
  save(@Param('environment') environment: string, @Body() dto: SaveRandomizationConfigDto) {
    const { seed, ...config } = dto;
    return this.configs.save(env(environment), config, seed);
  }

  @Post('config/:environment/go-live')
  @Roles('statistician')
  @HttpCode(200)
  goLive(@Param('environment') environment: string) {
    return this.configs.goLive(env(environment));
  }

  /** The secret seed: statistician only, every read audited. */
  @Get('config/:environment/seed')
  @Roles('statistician')
  seed(@Param('environment') environment: string) {
    return this.configs.revealSeed(env(environment));
  }

  /** Future positions of a stratum: statistician only, every read audited. */
  @Get('sequence')
  @Roles('statistician')
  sequence(@Query() q: SequenceQueryDto) {
    return this.configs.futureSequence(
      q.environment ?? 'production',
      q.stratum,
      q.from ?? 1,
      q.count ?? 20,
    );
  }

  @Get('balance')
  @Roles('statistician')
  balance(@Query() q: EnvironmentQueryDto) {
    return this.stats.balance(q.environment ?? 'production');
  }

  @Get('verify')
  @Roles('statistician')
  verify(@Query() q: EnvironmentQueryDto) {
    return this.stats.verify(q.environment ?? 'production');
  }

  @Post('simulate')
  @Roles('statistician')
  @HttpCode(200)
  simulate(@Body() dto: SimulateDto) {
    return this.stats.simulate({
      config: dto.config,
      participants: dto.participants,
      strata: dto.strata ?? ['country=NO', 'country=SE', 'country=DK', 'country=NL'],
    });
  }

  @Post('unblinding-events')
  @Roles('investigator', 'coordinator', 'monitor')
  recordUnblinding(@Body() dto: RecordUnblindingDto, @CurrentActor() actor: Actor) {
    return this.unblinding.record(
      { ...dto, disclosedTo: dto.disclosedTo ?? null, occurredAt: new Date(dto.occurredAt) },
      actor,
    );
  }

  @Get('unblinding-events')
  @Roles('investigator', 'monitor', 'statistician')
  unblindings(@Query() q: PageQueryDto, @CurrentActor() actor: Actor): Promise<Page<unknown>> {
    const { page, pageSize } = pageOf(q);
    return this.unblinding.list(actor, page, pageSize);
  }
}
