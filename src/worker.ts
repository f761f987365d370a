import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bull';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from './config/app-config';
import { prepareDatabase } from 'src/cli/prepare';
import { ALL_QUEUES } from 'src/common/queue/queues';
import { stopTakingJobs } from 'src/common/queue/stop-taking-jobs';
import { warnOfEvictionPolicy } from 'src/common/queue/redis-connection';
import { OutboxReconciler } from 'src/kernel/outbox/outbox.reconciler';
import { OutboxRelay } from 'src/kernel/outbox/outbox.relay';
import { WorkerModule } from './worker.module';

/** Starts the Bull processors, the outbox relay and its reconciliation (no HTTP). */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  await runWorkerLoops(app, config);
  return app;
}

/**
 * What every worker does once its module is initialised (src/worker.ts and the test worker):
 * checks Redis' eviction policy, then starts the outbox relay's polling and its reconciliation.
 */
export async function runWorkerLoops(
  app: INestApplicationContext,
  config: AppConfig,
): Promise<void> {
  await warnOfEvictionPolicy(workerQueues(app)[0].client, new NestLogger('Redis'));
  app.get(OutboxRelay).startPolling(config.OUTBOX_POLL_MS);
  // Re-relays jobs Redis lost (at start, on reconnect, periodically): src/kernel/outbox/outbox.reconciler.ts
  app.get(OutboxReconciler).start(config.OUTBOX_RECONCILE_EVERY_MS);
}

function workerQueues(app: INestApplicationContext): Queue[] {
  return ALL_QUEUES.map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
}

/**
 * Stops a worker without losing a job: stops the outbox relay and its reconciliation (a drain
 * under way finishes: its rows are either sent or still pending for another worker), stops
 * taking jobs from every queue and waits for the jobs in flight to finish (Bull's local pause,
 * then `stopTakingJobs` hands back at once, to `wait`, the jobs a processing loop had fetched as
 * the pause began but not started: src/common/queue/stop-taking-jobs.ts). So no job this worker
 * took is left `active` for the stalled-job check. Jobs still running after `graceMs` are
 * abandoned: their Bull lock lapses and another worker's stalled-job check runs them again (every
 * processor is idempotent). Then it closes the queues and the database. Resolves with whether
 * every job in flight finished, and how many taken but not started were handed back.
 */
export async function closeWorker(
  app: INestApplicationContext,
  graceMs: number,
): Promise<{ finished: boolean; handedBack: number }> {
  await Promise.all([app.get(OutboxRelay).stop(), app.get(OutboxReconciler).stop()]);
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    Promise.all(workerQueues(app).map((q) => stopTakingJobs(q))).then(
      (handed) => ({ finished: true, handedBack: handed.flat().length }),
      // Redis unreachable: nothing can be taken, finished or handed back through it anyway
      () => ({ finished: true, handedBack: 0 }),
    ),
    new Promise<{ finished: boolean; handedBack: number }>((resolve) => {
      timer = setTimeout(() => resolve({ finished: false, handedBack: 0 }), graceMs);
    }),
  ]);
  clearTimeout(timer);
  await app.close();
  return stopped;
}

/**
 * On SIGTERM or SIGINT: `closeWorker`, then exit 0. Prints one line for operations (and the test
 * that checks it): whether the jobs in flight finished or were left to other workers, and how many
 * jobs taken but not started it handed back.
 */
export function closeWorkerGracefullyOnSignal(app: INestApplicationContext, graceMs: number): void {
  let closing = false;
  const close = async () => {
    if (closing) {
      return;
    }
    closing = true;
    const { finished, handedBack } = await closeWorker(app, graceMs);
    process.stdout.write(
      (finished
        ? 'worker shutdown: every job in flight finished'
        : `worker shutdown: jobs still running after ${graceMs} ms are left to other workers`) +
        (handedBack > 0 ? `; ${handedBack} taken but not started handed back to wait\n` : '\n'),
    );
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void close());
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.MIGRATE_ON_START) {
    await prepareDatabase(config);
  }
  const app = await startWorker(config);
  closeWorkerGracefullyOnSignal(app, config.SHUTDOWN_GRACE_MS);
  process.stdout.write('RAM-MS worker started: processing queues and relaying the outbox\n');
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`Worker failed to start: ${error.message}\n`);
    process.exit(1);
  });
}
