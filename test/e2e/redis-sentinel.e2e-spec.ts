import * as bcrypt from 'bcrypt';
import Queue from 'bull';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ALL_QUEUES } from 'src/common/queue/queues';
import { redisOptions } from 'src/common/queue/redis-connection';
import { createTestDatabase, dropTestDatabase } from '../harness/database';
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
import { freePort, NodeProcess, spawnNode, waitFor, waitForOutput } from '../harness/processes';
import { SentinelGroup, startSentinelGroup } from '../harness/sentinel';

const PARTICIPANTS = 24;

/**
 * Redis Sentinel (issue 19): a master, its replica and three Sentinels (test/harness/sentinel.ts);
 * an API (src/main.ts) and a worker (the real WorkerModule, test/harness/worker-process.ts) are
 * configured with REDIS_SENTINELS and REDIS_SENTINEL_NAME only: their REDIS_URL points at a port
 * where nothing listens, so every Redis connection they make goes through the Sentinels. The
 * master is SIGKILLed in the middle of a burst of randomisations; the Sentinels promote the
 * replica. Replication is asynchronous, so jobs the master had taken may be gone: the outbox and
 * its reconciliation put them back. Afterwards every effect exists exactly once (one allocation,
 * one generated schedule, one live arm-A booking each), and every randomisation was answered 201:
 * the API never waits for Redis inside a request (the relay runs after commit; rate limits fall
 * back to per-process counters), so a client sees no error during the failover.
 */
describe('Redis Sentinel failover during a burst of randomisations (e2e)', () => {
  let group: SentinelGroup;
  let database: string;
  let db: Client;
  let api: NodeProcess;
  let worker: NodeProcess;
  let http: Http;
  const prefix = `test:sentinel-${randomBytes(4).toString('hex')}`;
  const staff: Record<string, { coordinator: string; investigator: string; siteId: string }> = {};
  let statistician: string;

  beforeAll(async () => {
    group = await startSentinelGroup();
    database = await createTestDatabase();
    db = new Client({ connectionString: serverUrl(database) });
    await db.connect();
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: serverUrl(database),
      DATABASE_POOL_SIZE: '5',
      // Nothing listens here: a connection that ignored the Sentinels would never reach Redis.
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      REDIS_SENTINELS: group.sentinels,
      REDIS_SENTINEL_NAME: group.name,
      QUEUE_PREFIX: prefix,
      JWT_SECRET: 'sentinel-test-secret-sentinel-test-secret-01',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      BCRYPT_ROUNDS: '4',
      OUTBOX_POLL_MS: '200',
      OUTBOX_RECONCILE_EVERY_MS: '2000',
    };
    const port = await freePort();
    api = spawnNode('api', 'src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    worker = spawnNode('worker', 'test/harness/worker-process.ts', {
      ...env,
      TEST_BULL_LOCK_MS: '2000',
      TEST_BULL_STALLED_MS: '1000',
    });
    const base = `http://127.0.0.1:${port}`;
    http = httpAt(base);
    await waitFor(
      'the API to be ready (Redis through the Sentinels)',
      async () => (await fetch(`${base}/health/ready`)).ok,
      120_000,
      250,
    );
    await waitForOutput(worker, 'test worker ready');

    const hash = bcrypt.hashSync(TEST_PASSWORD, 4);
    const user = async (role: string, site: string | null) => {
      const email = `${role}-${randomBytes(3).toString('hex')}@sentinel.test`;
      const { rows } = await db.query(
        `INSERT INTO users (email, display_name, password_hash, roles, trial_wide) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [email, `Sentinel ${role}`, hash, [role], site === null],
      );
      if (site) {
        await db.query(`INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)`, [
          rows[0].id,
          site,
        ]);
      }
      return login(http, email);
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
    statistician = await user('statistician', null);
  }, 240_000);

  afterAll(async () => {
    // Every Redis process goes, whatever happened above.
    await Promise.all([api?.kill(), worker?.kill()]);
    await group?.stop();
    await db?.end();
    if (database) {
      await dropTestDatabase(database);
    }
  }, 60_000);

  it('loses no effect and answers every request when the master dies in the middle', async () => {
    await http()
      .post('/randomization/config/production/go-live')
      .set(bearerOf(statistician))
      .expect(200);
    const sites = ['NL-AMS', 'NO-BER'];
    const ids = await pool(PARTICIPANTS, 4, (i) =>
      consentedParticipantVia(http, staff[sites[i % 2]]),
    );

    // The burst: 4 randomisations at a time; the master is SIGKILLed once a third are answered.
    let answered = 0;
    let answeredAfterKill = 0;
    let killed: Promise<void> | null = null;
    const statuses = await pool(ids.length, 4, async (i) => {
      const res = await http()
        .post(`/participants/${ids[i]}/randomization`)
        .set(bearerOf(staff[sites[i % 2]].investigator));
      answered++;
      if (killed) {
        answeredAfterKill++;
      } else if (answered === Math.floor(PARTICIPANTS / 3)) {
        killed = group.killMaster();
      }
      return { id: ids[i], status: res.status, body: res.body as unknown };
    });
    expect(killed).not.toBeNull();
    await killed;
    expect(statuses.filter((s) => s.status !== 201)).toEqual([]);
    // Most of the burst was answered after the kill, before the failover completed (about 3 s).
    expect(answeredAfterKill).toBeGreaterThanOrEqual(PARTICIPANTS / 2);

    // The Sentinels promoted the replica; the API reaches Redis again through them.
    await waitFor(
      'the Sentinels to promote the replica',
      async () => (await group.currentMasterPort()) === group.replicaPort,
      30_000,
      200,
    );
    await waitFor('the API to be ready again', async () => {
      const res = await http().get('/health/ready');
      return res.status === 200;
    });
    // The worker's connections went to the new master, and it reconciled the outbox on reconnect.
    await waitForOutput(worker, 'Redis is ready again: reconciling the outbox');

    // The worker finishes everything: the outbox relayed, every schedule and arm-A booking made.
    await waitFor(
      'every effect of the burst',
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`,
        );
        return rows[0].n === 0 && (await jobEffectProblems(db)).length === 0;
      },
      90_000,
      250,
    );
    const { rows: allocations } = await db.query(
      `SELECT participant_id, count(*)::int AS n FROM allocations GROUP BY participant_id`,
    );
    expect(allocations).toHaveLength(PARTICIPANTS);
    expect(allocations.filter((a) => a.n !== 1)).toEqual([]);
    expect(await jobEffectProblems(db)).toEqual([]);
    expect(await transactionProblems(db)).toEqual([]);
    expect(await sequenceProblems(db)).toEqual([]);
    expect(await capacityProblems(db)).toEqual([]);

    // The jobs live on the new master, reached through the Sentinels; none failed.
    const counts = await queueCounts(group, prefix);
    expect(Object.entries(counts).filter(([, c]) => c.failed > 0)).toEqual([]);
    expect(counts['follow-up'].completed).toBeGreaterThan(0);
    // A burst later, nothing is stuck: the queues drain to idle.
    await waitFor(
      'the queues to be idle',
      async () =>
        Object.values(await queueCounts(group, prefix)).every((c) => c.waiting + c.active === 0),
      30_000,
      250,
    );
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }, 240_000);
});

async function queueCounts(
  group: SentinelGroup,
  prefix: string,
): Promise<Record<string, { waiting: number; active: number; completed: number; failed: number }>> {
  const out: Record<
    string,
    { waiting: number; active: number; completed: number; failed: number }
  > = {};
  const redis = redisOptions({
    REDIS_URL: 'redis://127.0.0.1:1',
    REDIS_SENTINELS: group.sentinels,
    REDIS_SENTINEL_NAME: group.name,
  });
  for (const name of ALL_QUEUES) {
    const q = new Queue(name, { redis, prefix });
    try {
      out[name] = await q.getJobCounts();
    } finally {
      await q.close();
    }
  }
  return out;
}
