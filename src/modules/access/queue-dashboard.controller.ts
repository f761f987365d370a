import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ApiErrors } from 'src/common/errors/api-errors';
import { ValidateInt } from 'src/common/validation/validators';
import {
  QUEUE_DASHBOARD_COOKIE,
  QUEUE_DASHBOARD_PATH,
  QueueDashboardPass,
} from './queue-dashboard';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** How long the pass should last, at most QUEUE_DASHBOARD_PASS_MINUTES (the default). */
export class OpenQueueDashboardDto {
  @ValidateInt(5, 720, { optional: true })
  minutes?: number;
}

export class QueueDashboardPassDto {
  @ApiProperty({ description: 'Where the dashboard opens', example: QUEUE_DASHBOARD_PATH })
  path: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/queue-dashboard')
@NotClinicalWrite()
export class QueueDashboardController {
  constructor(
    private readonly pass: QueueDashboardPass,
    private readonly clock: Clock,
  ) {}

  /** Opens the job-queue dashboard in this browser: a cookie pass for the dashboard's path only. */
  @Post()
  @ApiOperation({
    summary:
      "Opens the job-queue dashboard in this browser: a cookie pass for the dashboard's path only",
  })
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: QueueDashboardPassDto })
  @ApiErrors(400)
  async open(
    @Body() dto: OpenQueueDashboardDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<QueueDashboardPassDto> {
    const { token, maxAgeSeconds } = await this.pass.issue(actor, dto.minutes);
    res.cookie(QUEUE_DASHBOARD_COOKIE, token, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: QUEUE_DASHBOARD_PATH,
      maxAge: maxAgeSeconds * 1000,
    });
    return {
      path: QUEUE_DASHBOARD_PATH,
      expiresAt: new Date(this.clock.now().getTime() + maxAgeSeconds * 1000).toISOString(),
    };
  }
}
