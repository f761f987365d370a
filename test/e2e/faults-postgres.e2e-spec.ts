import { Client } from 'pg';
import { createTestApp, TestApp } from '../harness/app';
import { superuserClient } from '../harness/database';
import { bearer, TestUser } from '../harness/factory';
import { transactionProblems } from '../harness/invariants';
import { consentedParticipant, PATHWAY_NOW, pool } from '../harness/pathway';
import { sleep, waitFor } from '../harness/processes';
import { TcpProxy } from '../harness/tcp-proxy';

type Outcome = { what: string; status: number; body: unknown };

/**
 * PostgreSQL faults under write load. The app reaches PostgreSQL through a TCP proxy the test can
 * cut, and the test kills the app's connections with pg_terminate_backend while registrations,
 * pathway moves, randomisations and user creations are in flight. The API answers 503 (never 500)
 * while it cannot reach the database, recovers without a restart, and no transaction is
 * half-applied: the status history matches the audit trail, every allocation has its counter,
 * audit row and outbox job, and the audit chain verifies.
 */
describe('PostgreSQL connections killed and the database unreachable (e2e)', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let killer: Client;
  let admin: TestUser;
  let coordinator: TestUser;
  let investigator: TestUser;
  let monitor: TestUser;
  let ams: string;

  beforeAll(async () => {
    const direct = new URL(
      process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    );
    proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
    const port = await proxy.start();
    // The harness builds DATABASE_URL from TEST_DATABASE_URL: point it at the proxy while the app is created.
    const saved = process.env.TEST_DATABASE_URL;
    const viaProxy = new URL(direct.toString());
    viaProxy.host = `127.0.0.1:${port}`;
    process.env.TEST_DATABASE_URL = viaProxy.toString();
    try {
      t = await createTestApp({
        worker: false,
        now: PATHWAY_NOW,
        env: { DATABASE_POOL_SIZE: '6' },
      });
    } finally {
      if (saved === undefined) {
        delete process.env.TEST_DATABASE_URL;
      } else {
        process.env.TEST_DATABASE_URL = saved;
      }
    }
    expect(t.config.DATABASE_URL).toContain(`:${port}/`);
    killer = await superuserClient(t.database);
    ams = await t.factory.site('NL-AMS');
    admin = await t.factory.user('admin', { trialWide: true });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    monitor = await t.factory.user('monitor', { trialWide: true });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await killer?.end();
    await t?.close();
    await proxy.cut();
  });

  const register = (i: number) =>
    t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: {
          givenName: `Killed${i}`,
          familyName: 'Connection',
          birthDate: '1988-04-0' + ((i % 9) + 1),
        },
      });

  const unexpected = (outcomes: Outcome[], allowed: number[]) =>
    outcomes
      .filter((o) => !allowed.includes(o.status))
      .map((o) => `${o.what}: ${o.status} ${JSON.stringify(o.body)}`);

  it('[REQ-REL-001] answers 503, never 500, while connections are killed during writes, and no transaction is half-applied', async () => {
    const consented = await pool(8, 4, () =>
      consentedParticipant(t, { coordinator, investigator, siteId: ams }),
    );
    const registered: string[] = [];
    for (let i = 0; i < 8; i++) {
      registered.push((await register(100 + i).expect(201)).body.id as string);
    }

    // Kill the app's backends over and over: those in a transaction or a query, and now and then the idle ones.
    let killing = true;
    let kills = 0;
    const killerLoop = (async () => {
      for (let round = 0; killing; round++) {
        const { rows } = await killer.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
             AND (state IN ('active', 'idle in transaction') OR $1)`,
          [round % 10 === 0],
        );
        kills += rows.filter((r) => r.ok).length;
        // Now and then a quiet spell, so that on a slow, busy machine writes still get through between faults.
        await sleep(round % 5 === 4 ? 300 : 40);
      }
    })();

    const work: (() => Promise<Outcome>)[] = [
      ...Array.from({ length: 16 }, (_, i) => async () => {
        const r = await register(i);
        return { what: `register ${i}`, status: r.status, body: r.body };
      }),
      ...consented.map((id) => async () => {
        const r = await t
          .http()
          .post(`/participants/${id}/randomization`)
          .set(bearer(investigator));
        return { what: `randomise ${id}`, status: r.status, body: r.body };
      }),
      ...registered.map((id) => async () => {
        const r = await t
          .http()
          .post(`/participants/${id}/transitions`)
          .set(bearer(coordinator))
          .send({ to: 'phone_check_done' });
        return { what: `transition ${id}`, status: r.status, body: r.body };
      }),
      ...Array.from({ length: 6 }, (_, i) => async () => {
        const r = await t
          .http()
          .post('/users')
          .set(bearer(admin))
          .send({
            email: `killed.${i}@test.local`,
            displayName: 'Under fire',
            password: 'a long enough passphrase',
            roles: ['site_staff'],
            siteIds: [ams],
          });
        return { what: `create user ${i}`, status: r.status, body: r.body };
      }),
    ];
    // Interleave the kinds of write.
    const shuffled = work
      .map((w, i) => ({ w, k: (i * 7919) % work.length }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.w);
    let outcomes: Outcome[];
    try {
      outcomes = await pool(shuffled.length, 4, (i) => shuffled[i]());
      process.stdout.write(
        `writes under pg_terminate_backend: ${outcomes.filter((o) => o.status < 300).length} succeeded, ${outcomes.filter((o) => o.status === 503).length} refused with 503\n`,
      );
    } finally {
      killing = false;
      await killerLoop;
    }
    expect(kills).toBeGreaterThan(0);
    expect(unexpected(outcomes, [200, 201, 503])).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    // The faults hit (some writes were refused) and writes went on succeeding between them.
    expect(unavailable.length).toBeGreaterThan(0);
    expect(outcomes.length - unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(o.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
    }

    // Recovered without a restart: the same writes succeed now (a retried randomisation returns the first allocation).
    for (const id of consented) {
      const r = await t.http().post(`/participants/${id}/randomization`).set(bearer(investigator));
      expect([200, 201]).toContain(r.status);
    }
    await register(999).expect(201);
    await t.http().get('/participants').set(bearer(coordinator)).expect(200);

    expect(await transactionProblems(t.dataSource)).toEqual([]);
    const verify = await t.http().get('/audit/verify').set(bearer(monitor)).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBreak: null });
  }, 120_000);

  it('[REQ-REL-001] answers 503 while the database cannot be reached at all, and serves again when it can', async () => {
    await proxy.cut();
    const attempts: Outcome[] = [];
    const record = async (what: string, req: PromiseLike<{ status: number; body: unknown }>) => {
      const r = await req;
      attempts.push({ what, status: r.status, body: r.body });
      return r;
    };
    await record('list participants', t.http().get('/participants').set(bearer(coordinator)));
    await record('register', register(500));
    await record(
      'sign in',
      t
        .http()
        .post('/auth/login')
        .send({ email: coordinator.email, password: 'correct horse battery staple' }),
    );
    await record('audit trail', t.http().get('/audit').set(bearer(monitor)));
    await record(
      'create user',
      t
        .http()
        .post('/users')
        .set(bearer(admin))
        .send({
          email: 'unreachable@test.local',
          displayName: 'X',
          password: 'a long enough passphrase',
          roles: ['monitor'],
          siteIds: [],
        }),
    );
    expect(
      attempts
        .filter((a) => a.status !== 503)
        .map((a) => `${a.what}: ${a.status} ${JSON.stringify(a.body)}`),
    ).toEqual([]);
    for (const a of attempts) {
      expect(a.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    }
    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.message).toMatch(/postgres down/);
    await t.http().get('/health').expect(200);

    await proxy.restore();
    await waitFor(
      'the API to reach the database again',
      async () => (await t.http().get('/participants').set(bearer(coordinator))).status === 200,
      30_000,
      200,
    );
    await register(501).expect(201);
    await t.http().get('/health/ready').expect(200);
    expect(await transactionProblems(t.dataSource)).toEqual([]);
    const verify = await t.http().get('/audit/verify').set(bearer(monitor)).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBreak: null });
  }, 60_000);
});
