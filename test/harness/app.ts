import { getQueueToken } from '@nestjs/bull';
import { ModuleMetadata } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { Clock, FixedClock } from 'src/common/clock/clock';
import { ALL_QUEUES } from 'src/common/queue/queues';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { configureApp } from 'src/configure-app';
import { OutboxRelay } from 'src/kernel/outbox/outbox.relay';
import { WorkerModule } from 'src/worker.module';
import { createTestDatabase, dropTestDatabase } from './database';
import { testConfig } from './env';
import { Factory } from './factory';

export type TestAppOptions = {
  /** Also run the worker's processors in this app (jobs are processed). Default true. */
  worker?: boolean;
  /** Start at this instant with a FixedClock the test can move. */
  now?: string;
  /** Environment overrides for this file (e.g. REDIS_URL pointing at a proxy). */
  env?: Record<string, string>;
  /** Extra providers to override, e.g. [[Token, value]]. */
  overrides?: [unknown, unknown][];
  imports?: ModuleMetadata['imports'];
};

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * A full application on its own database (cloned from the template) and its own Bull prefix, so
 * test files run in parallel without sharing state.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const database = await createTestDatabase();
  const config: AppConfig = testConfig(database, options.env);
  const clock = options.now ? new FixedClock(new Date(options.now)) : null;
  let builder = Test.createTestingModule({
    imports: [
      AppModule,
      ...(options.worker === false ? [] : [WorkerModule]),
      ...(options.imports ?? []),
    ],
  })
    .overrideProvider(APP_CONFIG)
    .useValue(config);
  if (clock) {
    builder = builder.overrideProvider(Clock).useValue(clock);
  }
  for (const [token, value] of options.overrides ?? []) {
    builder = builder.overrideProvider(token).useValue(value);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    logger: false,
    bodyParser: false,
  });
  configureApp(app);
  await app.init();
  const dataSource = app.get(DataSource);
  const jwt = app.get(JwtService);
  const http = () => supertest(app.getHttpServer());
  const factory = new Factory(dataSource, jwt);
  const relay = app.get(OutboxRelay);
  const queues = ALL_QUEUES.map((name) => app.get<Queue>(getQueueToken(name)));

  /** Relays the outbox and waits until every queue is idle and nothing is pending. */
  async function drainJobs(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await relay.drain();
      const counts = await Promise.all(queues.map((q) => q.getJobCounts()));
      const busy = counts.some((c) => c.waiting + c.active + c.delayed > 0);
      const [{ n }]: { n: number }[] = await dataSource.query(
        `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`,
      );
      if (!busy && n === 0) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`jobs still pending after ${timeoutMs} ms (outbox ${n})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function close(): Promise<void> {
    await app.close();
    await dropTestDatabase(database);
    const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${config.QUEUE_PREFIX}:*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length) {
          await redis.del(...keys);
        }
      } while (cursor !== '0');
    } catch {
      // Redis unreachable at the end of a fault test: nothing to clean.
    } finally {
      redis.disconnect();
    }
  }

  return { app, http, dataSource, factory, config, clock, database, drainJobs, close, queues };
}
