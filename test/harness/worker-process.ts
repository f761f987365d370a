/**
 * A worker process for fault tests: the real WorkerModule (every processor, the outbox relay and
 * its reconciliation, its Redis check and graceful shutdown, configured from the environment
 * exactly like src/worker.ts), with one difference: Bull's lock and stalled-job check run every TEST_BULL_LOCK_MS / TEST_BULL_STALLED_MS
 * instead of every 30 s,
 * so a job whose worker was SIGKILLed is taken up again within seconds instead of a minute.
 *
 *   node -r ts-node/register/transpile-only test/harness/worker-process.ts
 *
 * Prints "test worker ready" when it processes jobs.
 */
import { getSharedConfigToken } from '@nestjs/bull';
import { ConsoleLogger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DEFAULT_JOB_OPTIONS } from 'src/common/queue/queues';
import { redisOptions } from 'src/common/queue/redis-connection';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { closeWorkerGracefullyOnSignal, runWorkerLoops } from 'src/worker';
import { WorkerModule } from 'src/worker.module';

async function main(): Promise<void> {
  const lockDuration = Number(process.env.TEST_BULL_LOCK_MS ?? 2000);
  const stalledInterval = Number(process.env.TEST_BULL_STALLED_MS ?? 1000);
  const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] })
    .overrideProvider(getSharedConfigToken())
    .useFactory({
      inject: [APP_CONFIG],
      factory: (config: AppConfig) => {
        return {
          redis: redisOptions(config),
          prefix: config.QUEUE_PREFIX,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
          settings: { lockDuration, stalledInterval, maxStalledCount: 1 },
        };
      },
    })
    .compile();
  // The testing module's logger prints errors only; the tests read warnings too (no personal data).
  moduleRef.useLogger(new ConsoleLogger({ logLevels: ['error', 'warn', 'log'], colors: false }));
  await moduleRef.init();
  const config = moduleRef.get<AppConfig>(APP_CONFIG);
  await runWorkerLoops(moduleRef, config);
  closeWorkerGracefullyOnSignal(moduleRef, config.SHUTDOWN_GRACE_MS);
  process.stdout.write('test worker ready\n');
}

main().catch((error: Error) => {
  process.stderr.write(`test worker failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
