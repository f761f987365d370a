import { getQueueToken } from '@nestjs/bull';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueName } from 'src/common/queue/queues';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';
import { OutboxReconciler } from 'src/kernel/outbox/outbox.reconciler';
import { EmailJob, WelcomeJob } from 'src/modules/notifications/notifications.jobs';
import { ReanchorJob, SweepJob } from 'src/modules/follow-up/follow-up.jobs';
import { WorkerModule } from 'src/worker.module';
import { createTestDatabase, dropTestDatabase } from '../harness/database';
import { testConfig } from '../harness/env';
import { deleteRedisPrefix } from '../harness/redis';

/**
 * Which sent outbox rows the reconciliation re-sends (src/kernel/outbox/outbox.reconciler.ts):
 * only those whose Bull job is gone, whose contract has an effect check, whose effect is absent,
 * and that were sent within the window. The worker module is built, not started (no processor
 * takes the jobs), so what it re-sends stays in the queue for the test to see.
 */
describe('the outbox reconciliation (int)', () => {
  let database: string;
  let config: AppConfig;
  let worker: TestingModule;
  let db: DataSource;
  let notifications: Queue;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = testConfig(database, { OUTBOX_RECONCILE_BATCH: '10' });
    worker = await Test.createTestingModule({ imports: [WorkerModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .compile();
    db = worker.get(DataSource);
    notifications = worker.get<Queue>(getQueueToken(QueueName.Notifications));
  });
  afterAll(async () => {
    await worker.close();
    await dropTestDatabase(database);
    await deleteRedisPrefix(config.QUEUE_PREFIX);
  });

  const sentRow = (queue: string, name: string, payload: object, key: string, daysAgo = 0) =>
    db.query(
      `INSERT INTO outbox (queue, job_name, payload, dedupe_key, sent_at)
       VALUES ($1, $2, $3, $4, now() - make_interval(days => $5))`,
      [queue, name, JSON.stringify(payload), key, daysAgo],
    );

  it('[REQ-REL-002] re-sends only lost jobs whose owner says the effect is absent, within the window', async () => {
    const lost = randomUUID();
    const queued = randomUUID();
    const old = randomUUID();
    // Lost, effect absent (no welcome in that user's inbox): re-sent.
    await sentRow(QueueName.Notifications, WelcomeJob.name, { userId: lost }, `w:${lost}`);
    // Still in Redis: left alone.
    await sentRow(QueueName.Notifications, WelcomeJob.name, { userId: queued }, `w:${queued}`);
    await notifications.add(WelcomeJob.name, { userId: queued }, { jobId: `w:${queued}` });
    // Lost, but the effect check says there is nothing to do (no such message to e-mail).
    await sentRow(QueueName.Notifications, EmailJob.name, { notificationId: randomUUID() }, 'e:1');
    // Lost, but no effect check for its contract: never re-sent by the kernel. (Only the sweep has
    // none, and it is never written to the outbox: this row stands for a contract without one.)
    await sentRow(QueueName.FollowUp, SweepJob.name, {}, 's:1');
    // Lost, but the effect check says there is nothing to do (not a randomised participant).
    await sentRow(QueueName.FollowUp, ReanchorJob.name, { participantId: randomUUID() }, 'r:1');
    // Lost, effect absent, but sent before the window.
    await sentRow(QueueName.Notifications, WelcomeJob.name, { userId: old }, `w:${old}`, 30);
    // More rows than a page (the batch is 10): the pass pages through the whole window.
    const many = Array.from({ length: 12 }, () => randomUUID());
    for (const id of many) {
      await sentRow(QueueName.Notifications, WelcomeJob.name, { userId: id }, `w:${id}`);
    }

    const reconciler = worker.get(OutboxReconciler);
    expect(await reconciler.reconcile()).toEqual({ checked: 16, missing: 15, rerelayed: 13 });
    const ids = (await notifications.getJobs(['waiting'])).map((j) => String(j.id)).sort();
    expect(ids).toEqual([lost, queued, ...many].map((id) => `w:${id}`).sort());
    // A second pass finds every job in Redis: nothing more to send.
    expect(await reconciler.reconcile()).toEqual({ checked: 16, missing: 2, rerelayed: 0 });
  });
});
