import type { Queue } from 'bull';
import { Client } from 'pg';
import { createTestApp, TestApp } from '../harness/app';
import { superuserClient } from '../harness/database';
import { bearer, TestUser } from '../harness/factory';
import { jobEffectProblems } from '../harness/invariants';
import { consentedParticipant, PATHWAY_NOW, pool } from '../harness/pathway';
import { NodeProcess, spawnNode, waitFor, waitForOutput } from '../harness/processes';
import { OwnRedis, startOwnRedis } from '../harness/redis';

const PARTICIPANTS = 10;

/**
 * Graceful shutdown of the worker (issue 19), with the real entry point src/worker.ts: SIGTERM
 * while jobs are in flight. The jobs are held inside their transactions (the test holds the audit
 * chain-head lock that each job's audit row waits for), so the signal certainly finds them
 * running. The worker stops taking jobs and stops its relay, the held jobs finish once the lock is
 * released, and it exits 0 saying so; the jobs it did not take wait in Bull. A second worker
 * runs the rest: every effect exists exactly once, no job failed, none ran twice (stalled).
 *
 * Its own redis-server runs with maxmemory-policy allkeys-lru: the worker warns of it at start.
 */
describe('graceful shutdown of the worker (e2e)', () => {
  let redis: OwnRedis;
  let t: TestApp;
  const workers: NodeProcess[] = [];
  let coordinator: TestUser;
  let investigator: TestUser;
  let ams: string;

  const startWorker = async (name: string) => {
    const w = spawnNode(name, 'src/worker.ts', {
      NODE_ENV: 'test',
      DATABASE_URL: t.config.DATABASE_URL,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      JWT_SECRET: t.config.JWT_SECRET!,
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'false',
      OUTBOX_POLL_MS: '100',
      SHUTDOWN_GRACE_MS: '120000',
    });
    workers.push(w);
    await waitForOutput(w, 'RAM-MS worker started');
    return w;
  };

  beforeAll(async () => {
    redis = await startOwnRedis(['--maxmemory-policy', 'allkeys-lru']);
    // The API side only (no processors): its relay hands the jobs to Bull, nothing runs them yet.
    t = await createTestApp({ worker: false, now: PATHWAY_NOW, env: { REDIS_URL: redis.url } });
    ams = await t.factory.site('NL-AMS');
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
    await redis.stop();
  });

  const generated = async () =>
    (
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM follow_up_schedules WHERE generated_at IS NOT NULL`,
      )
    )[0].n as number;

  it('finishes the jobs in flight on SIGTERM, takes no more, exits 0; a second worker runs the rest once', async () => {
    const ids = await pool(PARTICIPANTS, 4, () =>
      consentedParticipant(t, { coordinator, investigator, siteId: ams }),
    );
    for (const id of ids) {
      await t
        .http()
        .post(`/participants/${id}/randomization`)
        .set(bearer(investigator))
        .expect(201);
    }
    await waitFor('the jobs to be relayed to Bull', async () => {
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`,
      );
      return n === 0;
    });

    let holder: Client | null = await superuserClient(t.database);
    const watcher = await superuserClient(t.database);
    let first: NodeProcess;
    try {
      // Hold the audit chain head: every job the worker takes blocks before its commit.
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE');
      first = await startWorker('worker-1');
      expect(first.output()).toMatch(/maxmemory-policy is allkeys-lru, not noeviction/);
      await waitFor(
        'a job to block inside its transaction',
        async () => {
          const { rows } = await watcher.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
             AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          return rows[0].n > 0;
        },
        30_000,
      );
      expect(await generated()).toBe(0);

      first.child.kill('SIGTERM');
      // The worker waits for its held jobs (SHUTDOWN_GRACE_MS is 2 minutes): release them.
      await holder.query('ROLLBACK');
      await holder.end();
      holder = null;
      expect(await first.exited).toBe(0);
    } finally {
      await holder?.end().catch(() => undefined);
      await watcher.end();
    }
    expect(first.output()).toContain('worker shutdown: every job in flight finished');

    // What it had taken is done; what it had not taken waits in Bull for another worker.
    const afterFirst = await generated();
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(PARTICIPANTS);
    const counts = await Promise.all(t.queues.map((q: Queue) => q.getJobCounts()));
    expect(counts.reduce((n, c) => n + c.active, 0)).toBe(0);
    expect(counts.reduce((n, c) => n + c.waiting, 0)).toBeGreaterThan(0);

    const second = await startWorker('worker-2');
    await waitFor(
      'every effect',
      async () =>
        (await generated()) === PARTICIPANTS &&
        (await jobEffectProblems(t.dataSource)).length === 0,
      90_000,
      200,
    );
    await waitFor('the queues to be idle', async () => {
      const all = await Promise.all(t.queues.map((q: Queue) => q.getJobCounts()));
      return all.every((c) => c.waiting + c.active + c.delayed === 0);
    });
    expect(await jobEffectProblems(t.dataSource)).toEqual([]);
    const settled = await Promise.all(t.queues.map((q: Queue) => q.getJobCounts()));
    expect(settled.reduce((n, c) => n + c.failed, 0)).toBe(0);
    // No job ran twice: none was left stalled by the worker that shut down, none failed an attempt.
    const runs: { job: string; stalled: string | null; attemptsMade: number }[] = [];
    for (const q of t.queues as Queue[]) {
      for (const job of await q.getCompleted()) {
        const stalled = await q.client.hget(q.toKey(String(job.id)), 'stalledCounter');
        runs.push({ job: String(job.id), stalled, attemptsMade: job.attemptsMade });
      }
    }
    expect(runs.length).toBeGreaterThanOrEqual(PARTICIPANTS);
    expect(runs.filter((r) => r.stalled !== null || r.attemptsMade !== 0)).toEqual([]);

    // An idle worker shuts down at once, with exit code 0 as well.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240_000);
});
