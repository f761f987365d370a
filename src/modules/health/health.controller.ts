import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { QueueName } from 'src/common/queue/queues';
import { Public } from 'src/common/context/access.decorators';

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

export class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class ReadyDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ enum: ['up'] }) postgres: 'up';
  @ApiProperty({ enum: ['up'] }) redis: 'up';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @Public()
  @ApiOkResponse({ type: LiveDto })
  live(): LiveDto {
    return { status: 'ok' };
  }

  /** Readiness: PostgreSQL and Redis both answer within a second. */
  @Get('ready')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: ReadyDto })
  @ApiErrors({ 503: 'NOT_READY: PostgreSQL or Redis does not answer' })
  async ready(): Promise<ReadyDto> {
    const [pg, redis] = await Promise.allSettled([
      within(this.dataSource.query('SELECT 1'), 1000),
      within(this.queue.client.ping(), 1000),
    ]);
    if (pg.status === 'rejected' || redis.status === 'rejected') {
      throw new ServiceUnavailableException({
        code: 'NOT_READY',
        message: `Not ready: postgres ${pg.status === 'fulfilled' ? 'up' : 'down'}, redis ${redis.status === 'fulfilled' ? 'up' : 'down'}`,
      });
    }
    return { status: 'ok', postgres: 'up', redis: 'up' };
  }
}
