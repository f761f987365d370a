import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from './config/app-config';
import { prepareDatabase } from 'src/cli/prepare';
import { OutboxReconciler } from 'src/kernel/outbox/outbox.reconciler';
import { OutboxRelay } from 'src/kernel/outbox/outbox.relay';
import { WorkerModule } from './worker.module';

/** Starts the Bull processors, the outbox relay and its reconciliation (no HTTP). */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  app.get(OutboxRelay).startPolling(config.OUTBOX_POLL_MS);
  // Re-relays jobs Redis lost (at start, on reconnect, periodically): src/kernel/outbox/outbox.reconciler.ts
  app.get(OutboxReconciler).start(config.OUTBOX_RECONCILE_EVERY_MS);
  return app;
}

/**
 * On SIGTERM or SIGINT: close the worker (Bull lets the jobs in progress finish, the relay and the
 * reconciliation stop, the database pool closes), then exit 0, so that an orchestrator sees a
 * clean stop (Nest's own shutdown hooks end the process by the signal instead: exit 143).
 */
export function closeWorkerOnSignal(app: INestApplicationContext): void {
  let closing = false;
  const close = async () => {
    if (closing) {
      return;
    }
    closing = true;
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`worker shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
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
  closeWorkerOnSignal(await startWorker(config));
  process.stdout.write('RAM-MS worker started: processing queues and relaying the outbox\n');
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`Worker failed to start: ${error.message}\n`);
    process.exit(1);
  });
}
