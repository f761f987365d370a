import Redis from 'ioredis';
import { createTestApp, TestApp } from '../harness/app';
import { superuserClient } from '../harness/database';
import { bearer, TestUser } from '../harness/factory';
import { jobEffectProblems } from '../harness/invariants';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';
import { NodeProcess, spawnNode, waitFor, waitForOutput } from '../harness/processes';

/**
 * A worker is SIGKILLed in the middle of a job. The job (follow-up.generate-schedule, enqueued
 * by a randomisation) is held inside its transaction: the test holds the audit chain-head lock,
 * so the job's visits are written but its transaction cannot commit. The worker dies there; a
 * second worker takes the stalled job up again; its effect exists exactly once.
 *
 * The workers are child processes running the real WorkerModule (test/harness/worker-process.ts,
 * which only shortens Bull's 30 s lock and stalled-check intervals).
 */
describe('a worker killed in the middle of a job (e2e)', () => {
  let t: TestApp;
  let investigator: TestUser;
  let coordinator: TestUser;
  const workers: NodeProcess[] = [];

  const startWorker = async (name: string) => {
    const w = spawnNode(name, 'test/harness/worker-process.ts', {
      NODE_ENV: 'test',
      DATABASE_URL: t.config.DATABASE_URL,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: t.config.REDIS_URL,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      JWT_SECRET: t.config.JWT_SECRET,
      LOG_LEVEL: 'silent',
      MIGRATE_ON_START: 'false',
      OUTBOX_POLL_MS: '100',
      TEST_BULL_LOCK_MS: '2000',
      TEST_BULL_STALLED_MS: '1000',
    });
    workers.push(w);
    await waitForOutput(w, 'test worker ready');
    return w;
  };

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: PATHWAY_NOW });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await t.close();
  });

  it('[REQ-REL-002] runs the job again after SIGKILL and its effect exists once', async () => {
    const ams = await t.factory.site('NL-AMS');
    const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
    const randomised = await t
      .http()
      .post(`/participants/${id}/randomization`)
      .set(bearer(investigator))
      .expect(201);
    const jobId = `follow-up.generate-schedule:${id}`;
    // The API relayed the job to Bull after commit; no worker runs yet, so it waits there.
    await waitFor('the job to be relayed', async () => {
      const [row] = await t.dataSource.query(`SELECT sent_at FROM outbox WHERE dedupe_key = $1`, [
        jobId,
      ]);
      return row?.sent_at !== null && row !== undefined;
    });

    // Hold the audit chain head: the job's transaction writes its visits, then blocks on its audit row.
    const holder = await superuserClient(t.database);
    const watcher = await superuserClient(t.database);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE');
      const first = await startWorker('worker-1');
      // The job's backend: it has written to visits in its open transaction and waits for the lock.
      await waitFor(
        'the job to block inside its transaction',
        async () => {
          const { rows } = await watcher.query(
            `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid JOIN pg_class c ON c.oid = l.relation
             WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND c.relname = 'visits' AND l.mode = 'RowExclusiveLock'`,
          );
          return rows[0]?.pid as number | undefined;
        },
        30_000,
      );
      // Every backend of the worker that waits (the book-slot job of an arm-A allocation may wait too).
      const { rows: waiting } = await watcher.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      const blocked = waiting.map((r) => r.pid as number);
      // Mid-job: the visits are written but not committed.
      expect(await visitCount(t, id)).toBe(0);

      await first.kill();
      expect(first.child.signalCode).toBe('SIGKILL');
      await holder.query('ROLLBACK');
      // The dead worker's transactions never commit: their backends end without a COMMIT.
      await waitFor(
        "the killed worker's backends to end",
        async () => {
          const { rows } = await watcher.query(
            `SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])`,
            [blocked],
          );
          return rows.length === 0;
        },
        15_000,
      );
      expect(await visitCount(t, id)).toBe(0);
      expect(
        await t.factory.auditRows({ action: 'follow-up.schedule_generated', entityId: id }),
      ).toHaveLength(0);
    } finally {
      await holder.end().catch(() => undefined);
      await watcher.end();
    }

    // A second worker finds the stalled job (its lock expired with the dead worker) and runs it.
    await startWorker('worker-2');
    await waitFor(
      'the schedule to be generated',
      async () =>
        (
          await t.dataSource.query(
            `SELECT generated_at FROM follow_up_schedules WHERE participant_id = $1`,
            [id],
          )
        )[0]?.generated_at,
      60_000,
      200,
    );
    const redis = new Redis(t.config.REDIS_URL);
    try {
      const key = `${t.config.QUEUE_PREFIX}:follow-up:${jobId}`;
      await waitFor(
        'the job to complete in Bull',
        async () => (await redis.hget(key, 'finishedOn')) !== null,
        30_000,
      );
      // Bull counted the job as stalled once: it ran twice, the first run died with its worker.
      expect(await redis.hget(key, 'stalledCounter')).toBe('1');
      expect(await redis.hget(key, 'failedReason')).toBeNull();
    } finally {
      redis.disconnect();
    }
    expect(
      await t.factory.auditRows({ action: 'follow-up.schedule_generated', entityId: id }),
    ).toHaveLength(1);
    expect(await visitCount(t, id)).toBeGreaterThan(5);
    const codes: { code: string; n: number }[] = await t.dataSource.query(
      `SELECT code, count(*)::int AS n FROM visits WHERE participant_id = $1 GROUP BY code HAVING count(*) > 1`,
      [id],
    );
    expect(codes).toEqual([]);
    if (randomised.body.arm === 'A') {
      await waitFor(
        'the arm-A booking',
        async () =>
          (
            await t.dataSource.query(
              `SELECT 1 FROM transplant_bookings WHERE participant_id = $1`,
              [id],
            )
          ).length > 0,
        30_000,
      );
    }
    expect(await jobEffectProblems(t.dataSource)).toEqual([]);
  }, 150_000);
});

async function visitCount(t: TestApp, participantId: string): Promise<number> {
  const [{ n }]: { n: number }[] = await t.dataSource.query(
    `SELECT count(*)::int AS n FROM visits WHERE participant_id = $1`,
    [participantId],
  );
  return n;
}
