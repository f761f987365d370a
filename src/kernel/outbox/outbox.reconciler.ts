import { getQueueToken } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { ALL_QUEUES, type QueueName } from 'src/common/queue/queues';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { JobEffectChecks } from './job-effect-checks';
import { withTimeout } from './outbox.relay';

type SentRow = {
  id: string;
  queue: QueueName;
  job_name: string;
  payload: Record<string, string | number | boolean | null>;
  dedupe_key: string;
  sent_at: string;
};

export type ReconcileResult = { checked: number; missing: number; rerelayed: number };

const REDIS_TIMEOUT_MS = 5000;

/**
 * Redis holds only Bull's queues; PostgreSQL holds every fact. When Redis comes back empty (a
 * restart without persistence, a FLUSHALL, a failover to an empty replica), the jobs the relay had
 * already handed to Bull are gone, and their outbox rows (`sent_at` set) would never be sent again.
 * This reconciliation, run by the worker at start, whenever Redis is ready again after a
 * disconnect, and every OUTBOX_RECONCILE_EVERY_MS, re-relays such rows:
 *
 * - only rows sent in the last OUTBOX_RECONCILE_WINDOW_DAYS, read OUTBOX_RECONCILE_BATCH at a time;
 * - only rows whose Bull job (jobId = the row's dedupe key) is in no state at all, neither waiting,
 *   active, delayed, completed nor failed (a failed job stays for review: it is not re-sent);
 * - only rows whose job contract has an effect check (./job-effect-checks.ts) registered by the
 *   module that handles the job, and whose check says the effect is absent (a randomised
 *   participant without a generated schedule, an arm-A participant without any booking, visits
 *   not following the recorded transplant day 0, a notice in nobody's inbox). The kernel never
 *   reads another module's tables; a contract without a check is not re-relayed (every contract
 *   written to the outbox has one: test/int/job-contracts.int-spec.ts).
 *
 * Exactly once in effect: the job is re-added with the same jobId (so two workers reconciling at
 * once still make one job), and the handlers are idempotent (a second schedule generation or
 * booking finds the first one and does nothing), which also covers the one race the check cannot
 * see: a job that was running while Redis was emptied. The check only keeps completed jobs whose
 * records Bull trimmed (removeOnComplete) from running again, and effects later undone on purpose
 * (a cancelled booking, an ended schedule) from being redone. Logs counts only, no payloads.
 */
@Injectable()
export class OutboxReconciler implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxReconciler.name);
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly listeners: (() => Promise<void>)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly clock: Clock,
    private readonly checks: JobEffectChecks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Also run at every pass (start, reconnect, periodic): e.g. the follow-up module makes sure its
   * repeatable sweep is registered. A listener's failure is logged and does not stop the pass.
   */
  onPass(listener: () => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** The worker's loop: a pass now, on every Redis reconnect, and every `everyMs`. */
  start(everyMs = this.config.OUTBOX_RECONCILE_EVERY_MS): void {
    this.stopped = false;
    for (const name of ALL_QUEUES) {
      const client = this.queue(name).client;
      let lost = false;
      client.on('close', () => {
        lost = true;
      });
      client.on('ready', () => {
        if (lost && !this.stopped) {
          lost = false;
          this.logger.log('Redis is ready again: reconciling the outbox');
          void this.runSoon();
        }
      });
    }
    const tick = async () => {
      if (this.stopped) {
        return;
      }
      await this.runSoon();
      if (!this.stopped) {
        this.timer = setTimeout(() => void tick(), everyMs);
        this.timer.unref();
      }
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  /** Stops the loop and resolves once a pass under way has finished (the worker's shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    while (this.running) {
      await this.running.catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Runs a pass unless one is running, in which case that one runs once more when done. */
  async runSoon(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const loop = async () => {
      do {
        this.again = false;
        for (const listener of this.listeners) {
          await listener().catch((error: Error) =>
            this.logger.warn(`reconciliation listener failed: ${error.message}`),
          );
        }
        await this.reconcile().catch((error: Error) =>
          this.logger.warn(`outbox reconciliation paused: ${error.message}`),
        );
      } while (this.again && !this.stopped);
    };
    this.running = loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** One pass over the window; returns the counts (also logged when anything was re-relayed). */
  async reconcile(): Promise<ReconcileResult> {
    const since = new Date(
      this.clock.now().getTime() - this.config.OUTBOX_RECONCILE_WINDOW_DAYS * 86_400_000,
    );
    const batch = this.config.OUTBOX_RECONCILE_BATCH;
    const result: ReconcileResult = { checked: 0, missing: 0, rerelayed: 0 };
    // Keyset pages by (sent_at, id) over the index outbox_sent_idx; sent_at travels as text, so
    // the page boundary keeps its microseconds (a JS Date would cut them and re-read a row).
    let after: { sentAt: string; id: string } = { sentAt: since.toISOString(), id: '0' };
    for (;;) {
      const rows: SentRow[] = await this.dataSource.query(
        `SELECT id, queue, job_name, payload, dedupe_key, sent_at::text AS sent_at FROM outbox
         WHERE sent_at IS NOT NULL AND (sent_at, id) > ($1::timestamptz, $2::bigint)
         ORDER BY sent_at, id LIMIT ${batch}`,
        [after.sentAt, after.id],
      );
      for (const row of rows) {
        const effectPresent = this.checks.get(row.queue, row.job_name);
        if (!effectPresent) {
          continue;
        }
        result.checked += 1;
        const queue = this.queue(row.queue);
        const job = await withTimeout(queue.getJob(row.dedupe_key), REDIS_TIMEOUT_MS);
        if (job) {
          continue;
        }
        result.missing += 1;
        if (await effectPresent(row.payload)) {
          continue;
        }
        await withTimeout(
          queue.add(row.job_name, row.payload, { jobId: row.dedupe_key }),
          REDIS_TIMEOUT_MS,
        );
        result.rerelayed += 1;
      }
      if (rows.length < batch) {
        break;
      }
      const last = rows[rows.length - 1];
      after = { sentAt: last.sent_at, id: last.id };
    }
    if (result.rerelayed > 0) {
      this.logger.warn(
        `outbox reconciliation re-relayed ${result.rerelayed} job(s) Redis had lost (checked ${result.checked}, missing ${result.missing})`,
      );
    }
    return result;
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
