import { Test, type TestingModule } from '@nestjs/testing';
import { APP_CONFIG } from 'src/config/app-config';
import { ALL_JOB_CONTRACTS } from 'src/job-contracts';
import { JobHandlersCheck } from 'src/kernel/jobs/job-handlers.check';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import { WorkerModule } from 'src/worker.module';
import { createTestDatabase, dropTestDatabase } from '../harness/database';
import { testConfig } from '../harness/env';

/**
 * The job-contract registry against the real worker module: its start-up check passes (the
 * module builds) and each contract has its one handler. The failing case (a contract without a
 * handler) is src/kernel/jobs/job-handlers.check.spec.ts. Built, not started: the check runs when
 * the worker's providers are created, before any queue is processed.
 */
describe('job contracts and their handlers in the worker (int)', () => {
  let database: string;
  let worker: TestingModule;

  beforeAll(async () => {
    database = await createTestDatabase();
    worker = await Test.createTestingModule({ imports: [WorkerModule] })
      .overrideProvider(APP_CONFIG)
      .useValue(testConfig(database))
      .compile();
  });
  afterAll(async () => {
    await worker.close();
    await dropTestDatabase(database);
  });

  it('handles every registered contract with exactly one processor method', () => {
    const handlers = worker.get(JobHandlersCheck).handlers;
    expect(
      ALL_JOB_CONTRACTS.map((c) => {
        const h = handlers.filter((x) => x.contract === c);
        return `${c.queue}/${c.name} → ${h.map((x) => x.handler).join(', ')}`;
      }),
    ).toEqual([
      'notifications/notifications.welcome → NotificationsProcessor.welcome',
      'notifications/notifications.email → NotificationsProcessor.email',
      'scheduling/scheduling.book-slot → SchedulingProcessor.bookSlot',
      'scheduling/scheduling.notify → SchedulingProcessor.notify',
      'scheduling/scheduling.fill-centre → SchedulingProcessor.fillCentre',
      'follow-up/follow-up.generate-schedule → FollowUpProcessor.generate',
      'follow-up/follow-up.reanchor → FollowUpProcessor.reanchor',
      'follow-up/follow-up.sweep → FollowUpProcessor.sweep',
      'notifications/follow-up.notify-finding → FollowUpNotifyProcessor.notify',
      'notifications/access.password-reset-mail → PasswordResetMailProcessor.send',
      'exports/exports.run-export → ExportsProcessor.run',
    ]);
  });

  it('gives every contract but the repeatable sweep an effect check, so the outbox reconciliation re-sends any lost job', () => {
    const checks = worker.get(JobEffectChecks);
    expect(
      ALL_JOB_CONTRACTS.filter((c) => !checks.get(c.queue, c.name)).map(
        (c) => `${c.queue}/${c.name}`,
      ),
    ).toEqual(['follow-up/follow-up.sweep']);
  });
});
