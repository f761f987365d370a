import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Response } from 'express';
import { Public } from 'src/common/context/access.decorators';
import { DomainError } from 'src/common/errors/domain-error';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { metricsAccess } from './metrics.access';
import { MetricsRegistry } from './metrics.registry';

/**
 * Prometheus scrapes this process's metrics. Not public: off (404) unless METRICS_TOKEN is set,
 * and then only with `Authorization: Bearer <METRICS_TOKEN>` (Prometheus `bearer_token`).
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The metrics in Prometheus text format. */
  @Get()
  @Public()
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', schema: { type: 'string' } })
  @ApiErrors(400, {
    401: 'INVALID_TOKEN: the Bearer token is not METRICS_TOKEN',
    404: 'METRICS_DISABLED: METRICS_TOKEN is not set',
  })
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const access = metricsAccess(this.config.METRICS_TOKEN, authorization);
    if (access === 'disabled') {
      throw new DomainError('METRICS_DISABLED', 'not_found', 'Metrics are off: set METRICS_TOKEN');
    }
    if (access === 'denied') {
      throw new DomainError(
        'INVALID_TOKEN',
        'unauthorized',
        'The metrics token is missing or wrong',
      );
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
