import { getQueueToken } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import type { QueueName } from 'src/common/queue/queues';
import { OutboxSignal } from './outbox-signal';

type PendingRow = {
  id: string;
  queue: QueueName;
  job_name: string;
  payload: Record<string, unknown>;
  dedupe_key: string;
};

const BATCH = 200;
const PUBLISH_TIMEOUT_MS = 2000;

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Moves committed outbox rows to Bull. Rows are claimed with FOR UPDATE SKIP LOCKED, so any
 * number of processes may relay at once; the Bull jobId is the row's dedupe key, so a row sent
 * twice (a crash between publish and commit) is still one job. If Redis is down the rows stay
 * pending and the next drain sends them.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running: Promise<number> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly clock: Clock,
    signal: OutboxSignal,
  ) {
    signal.onKick(() => void this.drainSoon());
  }

  onModuleInit(): void {
    this.stopped = false;
  }

  /** Polls the outbox every `intervalMs` (the worker does this; the API relies on kicks). */
  startPolling(intervalMs: number): void {
    const tick = async () => {
      if (this.stopped) {
        return;
      }
      await this.drainSoon();
      if (!this.stopped) {
        this.timer = setTimeout(() => void tick(), intervalMs);
      }
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  /** Stops polling and resolves once a drain under way has finished (the worker's shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    while (this.running) {
      await this.running;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Drains unless a drain is running, in which case that one drains once more when done. */
  async drainSoon(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    do {
      this.again = false;
      this.running = this.drain().catch((error: Error) => {
        this.logger.warn(`outbox relay paused: ${error.message}`);
        return 0;
      });
      await this.running;
      this.running = null;
    } while (this.again && !this.stopped);
  }

  /** Sends every pending row that is due; returns how many were sent. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, sent } = await this.dataSource.transaction(async (em) => {
        const rows: PendingRow[] = await em.query(
          `SELECT id, queue, job_name, payload, dedupe_key FROM outbox
           WHERE sent_at IS NULL AND available_at <= $1
           ORDER BY available_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [this.clock.now()],
        );
        const sentIds: string[] = [];
        for (const row of rows) {
          try {
            await withTimeout(
              this.queue(row.queue).add(row.job_name, row.payload, { jobId: row.dedupe_key }),
              PUBLISH_TIMEOUT_MS,
            );
            sentIds.push(row.id);
          } catch (error) {
            await em.query(
              `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
              [row.id, (error as Error).message.slice(0, 500)],
            );
            this.logger.warn(`outbox relay paused: ${(error as Error).message}`);
            break; // Redis is unwell: keep the rest pending, in order, for the next drain.
          }
        }
        if (sentIds.length > 0) {
          await em.query(
            `UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`,
            [sentIds, this.clock.now()],
          );
        }
        return { claimed: rows.length, sent: sentIds.length };
      });
      total += sent;
      if (sent < claimed || claimed < BATCH) {
        return total;
      }
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
