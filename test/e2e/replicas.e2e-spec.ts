import { randomBytes } from 'node:crypto';
import { seedRamMs } from 'src/cli/ram-ms.seed';
import { createDataSource, REPLICA_APPLICATION_NAME } from 'src/database/data-source';
import { ReadReplicas, type ReplicaStatus } from 'src/kernel/read-replicas';
import { MetricsRegistry } from 'src/modules/metrics/metrics.registry';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { waitFor } from '../harness/processes';
import { ReplicatedPostgres, startReplicatedPostgres } from '../harness/replication';

const DB = 'ram_ms';
/** Statements only these reads run (LIKE patterns). */
const CONSORT_SQL = '%p.consort_exclusion AS exclusion%';
const NEDA_SQL = '%a.randomised_at AS "randomisedAt", s.time_zone%';
const BALANCE_SQL = '%ORDER BY a.stratum_key, a.sequence_number%';

describe('PostgreSQL streaming replicas for stale-tolerant reads (e2e)', () => {
  let pg: ReplicatedPostgres;
  /** Tolerates 10 minutes of lag: a paused replica keeps serving within the test. */
  let tolerant: TestApp;
  /** Tolerates none: any WAL the replica has not replayed sends its reads to the primary. */
  let strict: TestApp;
  let statistician: TestUser;
  let coordinator: TestUser;

  const replicaOf = (t: TestApp): ReplicaStatus => t.app.get(ReadReplicas).status()[0];
  const assessed = async (t: TestApp, user: TestUser): Promise<number> => {
    const res = await t.http().get('/reports/consort').set(bearer(user)).expect(200);
    return (res.body as { enrolment: { assessedForEligibility: number } }).enrolment
      .assessedForEligibility;
  };
  /** Sessions on a server whose last statement matches `pattern` (default: the CONSORT report's). */
  const sessionsRunning = async (on: 'primary' | 'replica', pattern = CONSORT_SQL) =>
    pg.query<{ application_name: string }>(
      on,
      'postgres',
      `SELECT application_name FROM pg_stat_activity WHERE datname = $1 AND query LIKE $2 AND pid <> pg_backend_pid()`,
      [DB, pattern],
    );

  beforeAll(async () => {
    pg = await startReplicatedPostgres();
    try {
      // The app's database on the primary, migrated and seeded; it reaches the replica by streaming.
      await pg.query('primary', 'postgres', `CREATE DATABASE ${DB}`);
      const ds = createDataSource({ DATABASE_URL: pg.primaryUrl(DB), DATABASE_POOL_SIZE: 2 });
      await ds.initialize();
      try {
        await ds.runMigrations({ transaction: 'each' });
        await ds.transaction((em) => seedRamMs(em));
      } finally {
        await ds.destroy();
      }
      const env = (maxLagMs: string) => ({
        DATABASE_URL: pg.primaryUrl(DB),
        DATABASE_REPLICA_URLS: pg.replicaUrl(DB),
        REPLICA_MAX_LAG_MS: maxLagMs,
        REPLICA_CHECK_MS: '100',
        METRICS_TOKEN: randomBytes(24).toString('hex'),
      });
      tolerant = await createTestApp({ worker: false, env: env('600000') });
      strict = await createTestApp({ worker: false, env: env('0') });
      statistician = await tolerant.factory.user('statistician', { trialWide: true });
      coordinator = await tolerant.factory.user('coordinator', { sites: ['NL-AMS'] });
      // Randomisation goes live (by another statistician: a writer reads from the primary a while).
      const setup = await tolerant.factory.user('statistician', { trialWide: true });
      await tolerant
        .http()
        .post('/randomization/config/production/go-live')
        .set(bearer(setup))
        .expect(200);
      await tolerant.factory.participant('NL-AMS');
      await tolerant.factory.participant('NL-AMS');
      await waitFor('the replica to replay the seed', () => pg.caughtUp());
      await waitFor(
        'the replica to be measured fit',
        async () => replicaOf(tolerant).state === 'ok',
      );
    } catch (error) {
      await pg.destroy();
      throw error;
    }
  }, 120_000);

  afterAll(async () => {
    await tolerant?.close();
    await strict?.close();
    await pg?.destroy();
  });

  it('serves a report from the replica: its query is seen in the replica’s pg_stat_activity, not the primary’s', async () => {
    expect(await sessionsRunning('replica')).toEqual([]);
    expect(await assessed(tolerant, statistician)).toBe(2);
    const onReplica = await sessionsRunning('replica');
    expect(onReplica.length).toBeGreaterThan(0);
    expect(onReplica.every((s) => s.application_name === REPLICA_APPLICATION_NAME)).toBe(true);
    expect(await sessionsRunning('primary')).toEqual([]);
    // The follow-up reports read there too, and answer.
    await tolerant.http().get('/reports/follow-up').set(bearer(statistician)).expect(200);
    // So do NEDA-3 per arm and the randomisation balance.
    for (const [path, pattern] of [
      ['/follow-up/endpoints/neda?week=96', NEDA_SQL],
      ['/randomization/balance', BALANCE_SQL],
    ]) {
      // On a loaded machine a measurement can lapse (then reads go to the primary, as they should).
      await waitFor(
        'the replica to be measured fit',
        async () => replicaOf(tolerant).state === 'ok',
      );
      await tolerant.http().get(path).set(bearer(statistician)).expect(200);
      expect(await sessionsRunning('replica', pattern)).not.toEqual([]);
      expect(await sessionsRunning('primary', pattern)).toEqual([]);
    }
  });

  it('a user reads their own write at once, even while the replica does not have it yet', async () => {
    await pg.query('replica', 'postgres', 'SELECT pg_wal_replay_pause()');
    const register = await tolerant
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: coordinator.siteIds[0],
        identity: {
          givenName: `Test${randomBytes(4).toString('hex')}`,
          familyName: 'Participant',
          birthDate: '1990-01-01',
        },
      });
    expect(register.status).toBe(201);
    expect(await pg.caughtUp()).toBe(false);
    // The writer is sent to the primary: the new candidate is counted.
    expect(await assessed(tolerant, coordinator)).toBe(3);
    // Another user, within the tolerated lag, is served by the paused replica: not yet.
    expect(await assessed(tolerant, statistician)).toBe(2);
  });

  it('a replica beyond REPLICA_MAX_LAG_MS is skipped: reads go to the primary and are current', async () => {
    await waitFor('the strict app to see the replica lagging', async () => {
      const r = replicaOf(strict);
      return r.state === 'lagging' && r.lagMs !== null;
    });
    expect(await assessed(strict, statistician)).toBe(3);
    await pg.query('replica', 'postgres', 'SELECT pg_wal_replay_resume()');
    await waitFor('the replica to catch up', () => pg.caughtUp());
    await waitFor(
      'the strict app to use the replica again',
      async () => replicaOf(strict).state === 'ok',
    );
    expect(await assessed(strict, statistician)).toBe(3);
  });

  it('a stopped replica is skipped without failing a request, and the metrics say so', async () => {
    await pg.stopReplica();
    // Whether or not the replica was measured down yet, the report is answered (from the primary).
    expect(await assessed(tolerant, statistician)).toBe(3);
    await waitFor(
      'the replica to be measured down',
      async () => replicaOf(tolerant).state === 'down',
    );
    expect(await assessed(tolerant, statistician)).toBe(3);
    const metrics = await tolerant.app.get(MetricsRegistry).registry.metrics();
    expect(metrics).toMatch(/^db_replica_serving\{replica="replica-1"\} 0$/m);
    expect(metrics).not.toMatch(/^db_replica_lag_seconds\{/m);
  });
});
