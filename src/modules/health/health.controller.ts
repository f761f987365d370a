import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { QueueName } from 'src/common/queue/queues';
import { Public } from 'src/common/context/access.decorators';

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

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
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: PostgreSQL and Redis both answer within a second. */
  @Get('ready')
  @Public()
  @HttpCode(200)
  async ready(): Promise<{ status: 'ok'; postgres: 'up'; redis: 'up' }> {
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
