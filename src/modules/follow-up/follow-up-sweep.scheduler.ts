import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { CronRepeatOptions, EveryRepeatOptions, Queue } from 'bull';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { OutboxReconciler } from 'src/kernel/outbox/outbox.reconciler';
import { SweepJob } from './follow-up.jobs';

/**
 * Registers the sweep as ONE repeatable Bull job: a fixed name, job id and schedule give the same
 * repeat key from every worker, and Bull derives each tick's job id from that key and the tick
 * time, so however many workers register it, one sweep runs per tick. A changed schedule replaces
 * the old registration. Worker only; off by default under NODE_ENV=test (FOLLOW_UP_SWEEP).
 *
 * A repeatable job lives in Redis only: Redis restarted empty would lose it until the next worker
 * start. So at every pass of the worker's outbox reconciliation (start, each Redis reconnect, every
 * OUTBOX_RECONCILE_EVERY_MS) the scheduler checks that it is registered and registers it if not.
 */
@Injectable()
export class FollowUpSweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(FollowUpSweepScheduler.name);

  constructor(
    @InjectQueue(SweepJob.queue) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    reconciler: OutboxReconciler,
  ) {
    reconciler.onPass(async () => {
      await this.ensureRegistered();
    });
  }

  get enabled(): boolean {
    return this.config.FOLLOW_UP_SWEEP === 'auto'
      ? this.config.NODE_ENV !== 'test'
      : this.config.FOLLOW_UP_SWEEP === 'true';
  }

  repeat(): CronRepeatOptions | EveryRepeatOptions {
    return this.config.FOLLOW_UP_SWEEP_CRON !== ''
      ? { cron: this.config.FOLLOW_UP_SWEEP_CRON, tz: 'UTC' }
      : { every: this.config.FOLLOW_UP_SWEEP_EVERY_MS };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) {
      return;
    }
    try {
      await this.register();
    } catch (error) {
      // Redis may be down at start: the worker still runs; the next start registers it.
      this.logger.error(`could not register the follow-up sweep: ${(error as Error).message}`);
    }
  }

  /** Registers the sweep if Redis has no repeatable sweep job of the wanted schedule (e.g. after a flush). */
  async ensureRegistered(): Promise<boolean> {
    if (!this.enabled) {
      return false;
    }
    const repeat = this.repeat();
    const present = (await this.queue.getRepeatableJobs()).some(
      (j) =>
        j.name === SweepJob.name &&
        ('cron' in repeat ? j.cron === repeat.cron : Number(j.every) === repeat.every),
    );
    if (present) {
      return false;
    }
    await this.register();
    this.logger.warn('the follow-up sweep was not registered in Redis: registered it again');
    return true;
  }

  /** Idempotent: registering twice (or from two workers) leaves one repeatable job. */
  async register(): Promise<void> {
    const repeat = this.repeat();
    const wanted = (j: { cron?: string; every?: string | number | null }) =>
      'cron' in repeat ? j.cron === repeat.cron : Number(j.every) === repeat.every;
    for (const job of await this.queue.getRepeatableJobs()) {
      if (job.name === SweepJob.name && !wanted(job)) {
        await this.queue.removeRepeatableByKey(job.key);
      }
    }
    await this.queue.add(
      SweepJob.name,
      {},
      { repeat, jobId: SweepJob.key({}), attempts: 3, removeOnComplete: 48, removeOnFail: 100 },
    );
  }

  /** Removes the registration (for tests and for switching the sweep off). */
  async unregister(): Promise<void> {
    for (const job of await this.queue.getRepeatableJobs()) {
      if (job.name === SweepJob.name) {
        await this.queue.removeRepeatableByKey(job.key);
      }
    }
  }
}
