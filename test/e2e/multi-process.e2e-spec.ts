import * as bcrypt from 'bcrypt';
import Queue from 'bull';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Cluster, startCluster } from '../../scripts/multi-process';
import { ALL_QUEUES } from 'src/common/queue/queues';
import { dropTestDatabase } from '../harness/database';
import { serverUrl } from '../harness/env';
import { TEST_PASSWORD } from '../harness/factory';
import { bearerOf, consentedParticipantVia, Http, httpAt, login } from '../harness/http';
import {
  capacityProblems,
  jobEffectProblems,
  sequenceProblems,
  transactionProblems,
} from '../harness/invariants';
import { pool } from '../harness/pathway';
import { freePort, sleep, waitFor } from '../harness/processes';
import { deleteRedisPrefix, redisUrl } from '../harness/redis';

/** Sweep tick of this test: every 2 seconds (Bull cron with a seconds field). */
const TICK_MS = 2000;
const PER_SITE = 14;

/**
 * scripts/multi-process.ts: two API processes and two workers started at the same moment on one
 * EMPTY database and one Bull prefix. Registrations, pathway steps, randomisations (each sent to
 * both APIs at once) and arm-A bookings (both APIs at once, while the workers' book-slot jobs run)
 * go through both APIs concurrently. Then: one allocation per participant, gapless sequences, no
 * quarter over capacity, every schedule generated exactly once, one sweep per tick.
 */
describe('two APIs and two workers on one database and one Redis prefix (e2e)', () => {
  const database = `rt_mp_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const prefix = `test:${database}`;
  let cluster: Cluster;
  let db: Client;
  let apis: Http[];
  const staff: Record<string, { coordinator: string; investigator: string; siteId: string }> = {};
  let statistician: string;
  let monitor: string;
  let clusterStarted = 0;

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    clusterStarted = Date.now();
    cluster = await startCluster({
      ports,
      workers: 2,
      timeoutMs: 150_000,
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: serverUrl(database),
        DATABASE_POOL_SIZE: '5',
        REDIS_URL: redisUrl(),
        QUEUE_PREFIX: prefix,
        JWT_SECRET: 'multi-process-secret-multi-process-secret-01',
        BCRYPT_ROUNDS: '4',
        LOG_LEVEL: 'warn',
        ADMIN_EMAIL: 'admin@multi.test',
        ADMIN_PASSWORD: 'an admin passphrase for the test',
        MIGRATE_ON_START: 'true',
        OUTBOX_POLL_MS: '200',
        FOLLOW_UP_SWEEP: 'true',
        FOLLOW_UP_SWEEP_CRON: `*/${TICK_MS / 1000} * * * * *`,
      },
    });
    apis = cluster.apis.map((a) => httpAt(a.url as string));
    db = new Client({ connectionString: serverUrl(database) });
    await db.connect();
    const hash = bcrypt.hashSync(TEST_PASSWORD, 4);
    const user = async (role: string, site: string | null, trialWide = false) => {
      const email = `${role}-${randomBytes(3).toString('hex')}@multi.test`;
      const { rows } = await db.query(
        `INSERT INTO users (email, display_name, password_hash, roles, trial_wide) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [email, `MP ${role}`, hash, [role], trialWide],
      );
      if (site) {
        await db.query(`INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)`, [
          rows[0].id,
          site,
        ]);
      }
      // Sign in on alternating APIs: a token from one process works on the other.
      return login(apis[Math.floor(Math.random() * 2)], email);
    };
    for (const label of ['NL-AMS', 'NO-BER']) {
      const [country, code] = label.split('-');
      const { rows } = await db.query(
        `SELECT id FROM sites WHERE country_code = $1 AND code = $2`,
        [country, code],
      );
      staff[label] = {
        siteId: rows[0].id,
        coordinator: await user('coordinator', rows[0].id),
        investigator: await user('investigator', rows[0].id),
      };
    }
    statistician = await user('statistician', null, true);
    monitor = await user('monitor', null, true);
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
    await db?.end();
    await dropTestDatabase(database);
    await deleteRedisPrefix(prefix);
  }, 60_000);

  it('migrated and seeded the empty database once, although four processes started on it at the same moment', async () => {
    const migrations = await db.query(
      `SELECT name, count(*)::int AS n FROM typeorm_migrations GROUP BY name HAVING count(*) > 1`,
    );
    expect(migrations.rows).toEqual([]);
    const counts = await db.query(
      `SELECT (SELECT count(*)::int FROM trials) AS trials, (SELECT count(*)::int FROM sites) AS sites,
              (SELECT count(*)::int FROM users WHERE email = 'admin@multi.test') AS admins`,
    );
    expect(counts.rows[0]).toEqual({ trials: 1, sites: 7, admins: 1 });
  });

  it('[REQ-RAND-002][REQ-SLOT-001] keeps one allocation per participant, gapless sequences, capacity and one schedule each with both APIs and both workers busy', async () => {
    await apis[1]()
      .post('/randomization/config/production/go-live')
      .set(bearerOf(statistician))
      .expect(200);
    const sites = ['NL-AMS', 'NO-BER'];
    // Enrolment through both APIs: every participant's steps alternate between the two processes.
    const ids = await pool(PER_SITE * sites.length, 8, (i) =>
      consentedParticipantVia(i % 2 ? apis : [apis[1], apis[0]], staff[sites[i % 2]]),
    );

    // Randomisation: each participant sent to BOTH APIs at the same instant, 8 participants at a time.
    const outcomes = await pool(ids.length, 8, async (i) => {
      const investigator = staff[sites[i % 2]].investigator;
      const both = await Promise.all(
        apis.map((api) =>
          api().post(`/participants/${ids[i]}/randomization`).set(bearerOf(investigator)),
        ),
      );
      return {
        id: ids[i],
        site: sites[i % 2],
        statuses: both.map((r) => r.status).sort(),
        bodies: both.map((r) => r.body),
      };
    });
    for (const o of outcomes) {
      expect({ id: o.id, statuses: o.statuses }).toEqual({ id: o.id, statuses: [200, 201] });
      expect(o.bodies[0].sequenceNumber).toBe(o.bodies[1].sequenceNumber);
      expect(o.bodies[0].arm).toBe(o.bodies[1].arm);
    }

    // Arm-A bookings requested through both APIs at once, while the workers run the book-slot jobs.
    const armA = outcomes.filter((o) => o.bodies[0].arm === 'A');
    expect(armA.length).toBeGreaterThan(4);
    const bookings = await pool(armA.length, 4, async (i) => {
      const { id, site } = armA[i];
      const both = await Promise.all(
        apis.map((api) =>
          api()
            .post(`/scheduling/participants/${id}/booking`)
            .set(bearerOf(staff[site].coordinator)),
        ),
      );
      return {
        id,
        statuses: both.map((r) => r.status),
        bodies: both.map((r) => r.body as { id?: string; code?: string }),
      };
    });
    for (const b of bookings) {
      const failed = b.statuses.some((s) => s !== 200 && s !== 201);
      expect(failed ? b : 'booked').toBe('booked');
      expect(b.bodies[0].id).toBe(b.bodies[1].id);
    }

    // The workers finish: outbox relayed, every schedule generated, every arm-A participant booked.
    await waitFor(
      'the workers to finish every job',
      async () => {
        const { rows } = await db.query(
          `SELECT (SELECT count(*)::int FROM outbox WHERE sent_at IS NULL) AS pending,
                  (SELECT count(*)::int FROM allocations a LEFT JOIN follow_up_schedules s ON s.participant_id = a.participant_id
                   WHERE s.generated_at IS NULL) AS ungenerated`,
        );
        return rows[0].pending === 0 && rows[0].ungenerated === 0;
      },
      90_000,
      250,
    );
    // Idle: nothing waiting or running, and nothing delayed but the sweep's next tick.
    await waitFor(
      'the queues to be idle',
      async () => {
        const counts = await queueCounts(prefix);
        return Object.entries(counts).every(
          ([name, c]) => c.waiting + c.active === 0 && c.delayed <= (name === 'follow-up' ? 1 : 0),
        );
      },
      60_000,
      250,
    );

    const { rows: allocations } = await db.query(
      `SELECT participant_id, count(*)::int AS n FROM allocations GROUP BY participant_id`,
    );
    expect(allocations).toHaveLength(ids.length);
    expect(allocations.every((a) => a.n === 1)).toBe(true);
    expect(await sequenceProblems(db)).toEqual([]);
    expect(await capacityProblems(db)).toEqual([]);
    expect(await transactionProblems(db)).toEqual([]);
    expect(await jobEffectProblems(db)).toEqual([]);
    const failed = await queueCounts(prefix);
    expect(Object.entries(failed).filter(([, c]) => c.failed > 0)).toEqual([]);

    const verify = await apis[0]().get('/audit/verify').set(bearerOf(monitor)).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBreak: null });
  }, 240_000);

  it('runs one sweep per tick, although both workers registered the repeatable sweep', async () => {
    // Let a few ticks pass beyond the workload.
    await waitFor(
      'three sweeps',
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM follow_up_sweep_runs`)).rows[0].n >= 3,
      30_000,
      250,
    );
    await sleep(TICK_MS);
    const { rows } = await db.query(`SELECT job_id FROM follow_up_sweep_runs ORDER BY id`);
    const jobIds = rows.map((r) => r.job_id as string);
    expect(new Set(jobIds).size).toBe(jobIds.length);
    // Bull names each tick's job repeat:<key>:<tick millis>: one key, distinct ticks on the tick grid.
    const parsed = jobIds.map((id) => /^repeat:([^:]+):(\d+)$/.exec(id));
    expect(parsed.every(Boolean)).toBe(true);
    expect(new Set(parsed.map((m) => m![1])).size).toBe(1);
    const ticks = parsed.map((m) => Number(m![2]));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.every((t) => t % TICK_MS === 0)).toBe(true);
    expect(ticks.length).toBeLessThanOrEqual(
      Math.ceil((Date.now() - clusterStarted) / TICK_MS) + 1,
    );
    const repeatable = new Queue('follow-up', redisUrl(), { prefix });
    try {
      expect(
        (await repeatable.getRepeatableJobs()).filter((j) => j.name === 'follow-up.sweep'),
      ).toHaveLength(1);
    } finally {
      await repeatable.close();
    }
  }, 60_000);
});

async function queueCounts(
  prefix: string,
): Promise<Record<string, { waiting: number; active: number; delayed: number; failed: number }>> {
  const out: Record<string, { waiting: number; active: number; delayed: number; failed: number }> =
    {};
  for (const name of ALL_QUEUES) {
    const q = new Queue(name, redisUrl(), { prefix });
    try {
      out[name] = await q.getJobCounts();
    } finally {
      await q.close();
    }
  }
  return out;
}
