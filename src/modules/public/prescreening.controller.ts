import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { Throttle } from '@nestjs/throttler';
import { Public } from 'src/common/context/access.decorators';
import {
  PrescreeningCheckDto,
  PrescreeningCheckResultDto,
  PrescreeningRegistrationDto,
  PrescreeningRegistrationResultDto,
  PublicSiteDto,
} from './dto/prescreening.dto';
import { PrescreeningService } from './prescreening.service';
import { PublicThrottlerGuard } from './public-throttler.guard';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** Per client address: generous for reading and checking, strict for registering. */
export const PUBLIC_LIMITS = {
  sites: { limit: 60, ttl: 60_000 },
  check: { limit: 30, ttl: 60_000 },
  register: { limit: 5, ttl: 60 * 60_000 },
} as const;

@ApiTags('public')
@Controller('public/prescreening')
@UseGuards(PublicThrottlerGuard)
export class PrescreeningController {
  constructor(private readonly prescreening: PrescreeningService) {}

  /** The screening sites a person may register at. */
  @Get('sites')
  @Public()
  @Throttle({ default: PUBLIC_LIMITS.sites })
  @ApiOkResponse({ type: [PublicSiteDto] })
  @ApiErrors(429)
  sites(): Promise<PublicSiteDto[]> {
    return this.prescreening.sitesOffered();
  }

  /** Checks the questionnaire's answers against the criteria; nothing is stored. */
  @NotClinicalWrite()
  @Post('check')
  @Public()
  @HttpCode(200)
  @Throttle({ default: PUBLIC_LIMITS.check })
  @ApiOkResponse({ type: PrescreeningCheckResultDto })
  @ApiErrors(400, 429)
  check(@Body() dto: PrescreeningCheckDto): Promise<PrescreeningCheckResultDto> {
    return this.prescreening.check(dto.answers);
  }

  /**
   * Registers a pre-screened candidate at the chosen site (identity in the vault). Answers that
   * show the person cannot qualify are refused (400 PRESCREENING_CANNOT_QUALIFY) and nothing is stored.
   */
  @Post('registrations')
  @Public()
  @HttpCode(201)
  @Throttle({ default: PUBLIC_LIMITS.register })
  @ApiCreatedResponse({ type: PrescreeningRegistrationResultDto })
  @ApiErrors(400, 429)
  register(@Body() dto: PrescreeningRegistrationDto): Promise<PrescreeningRegistrationResultDto> {
    return this.prescreening.register(dto);
  }
}
