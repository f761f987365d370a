import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { jobEffectProblems, transactionProblems } from '../harness/invariants';
import { TcpProxy } from '../harness/tcp-proxy';
import { consentedParticipant, PATHWAY_NOW, pool } from '../harness/pathway';

/**
 * Redis goes away in the middle of a run (the app reaches it through a proxy the test cuts):
 * randomisations, user creations and a follow-up sweep go on succeeding, their jobs (schedule
 * generation, slot booking, welcome and reminder notifications) wait in the outbox, and once
 * Redis is back every schedule, booking and notification exists exactly once.
 */
describe('Redis going away mid-run (e2e)', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let coordinator: TestUser;
  let investigator: TestUser;
  let admin: TestUser;
  let ams: string;

  beforeAll(async () => {
    proxy = new TcpProxy(
      '127.0.0.1',
      Number(new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379),
    );
    const port = await proxy.start();
    t = await createTestApp({ now: PATHWAY_NOW, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    admin = await t.factory.user('admin', { trialWide: true });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await t.close();
    await proxy.cut();
  });

  const randomise = (id: string) =>
    t.http().post(`/participants/${id}/randomization`).set(bearer(investigator));
  const createUser = (email: string) =>
    t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email,
        displayName: 'Queued',
        password: 'a long enough passphrase',
        roles: ['site_staff'],
        siteIds: [ams],
      });
  const pendingKeys = async (): Promise<string[]> =>
    (
      await t.dataSource.query(`SELECT dedupe_key FROM outbox WHERE sent_at IS NULL ORDER BY id`)
    ).map((r: { dedupe_key: string }) => r.dedupe_key);

  it('[REQ-REL-002] keeps writing while Redis is away; after it returns every schedule and notification exists exactly once', async () => {
    const ids = await pool(9, 3, () =>
      consentedParticipant(t, { coordinator, investigator, siteId: ams }),
    );
    const sweeps = t.app.get(FollowUpSweepService);

    // Before: Redis is there, jobs run.
    for (const id of ids.slice(0, 3)) {
      await randomise(id).expect(201);
    }
    const before = (await createUser('before.cut@test.local').expect(201)).body.id as string;
    await t.drainJobs(30_000);

    // Redis goes away.
    await proxy.cut();
    await t.http().get('/health/ready').expect(503);
    const during: string[] = [];
    for (const id of ids.slice(3)) {
      await randomise(id).expect(201);
    }
    for (const email of ['during.one@test.local', 'during.two@test.local']) {
      during.push((await createUser(email).expect(201)).body.id as string);
    }
    // Three weeks on, the baseline visits of the first three participants were never logged: the
    // sweep marks them missed and writes a notice for each, to the outbox.
    t.clock!.advance(20 * 86_400_000);
    const swept = await sweeps.sweep();
    expect(swept.counts.enqueued).toBeGreaterThan(0);

    // Every job of the outage waits in the outbox; none of its effects exists yet.
    const pending = await pendingKeys();
    for (const id of ids.slice(3)) {
      expect(pending).toContain(`follow-up.generate-schedule:${id}`);
    }
    for (const id of during) {
      expect(pending).toContain(`notifications.welcome:${id}`);
    }
    expect(
      pending.filter(
        (k) =>
          !k.startsWith('follow-up.generate-schedule:') &&
          !k.startsWith('notifications.welcome:') &&
          !k.startsWith('scheduling.'),
      ).length,
    ).toBe(swept.counts.enqueued);
    const [{ n: schedules }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM follow_up_schedules WHERE participant_id = ANY($1::uuid[]) AND generated_at IS NOT NULL`,
      [ids.slice(3)],
    );
    expect(schedules).toBe(0);
    const [{ n: welcomes }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = ANY($1::uuid[])`,
      [during],
    );
    expect(welcomes).toBe(0);

    // Redis returns: the outbox drains, every job runs.
    await proxy.restore();
    await t.drainJobs(60_000);
    expect(await pendingKeys()).toEqual([]);
    // The sweep of the next tick finds the baseline visits of the participants randomised during the outage.
    await sweeps.sweep();
    await t.drainJobs(60_000);

    expect(await jobEffectProblems(t.dataSource)).toEqual([]);
    expect(await transactionProblems(t.dataSource)).toEqual([]);
    for (const userId of [before, ...during]) {
      expect(
        await t.dataSource.query(
          `SELECT kind FROM notifications WHERE user_id = $1 AND kind = 'welcome'`,
          [userId],
        ),
      ).toEqual([{ kind: 'welcome' }]);
    }
    // Every finding (missed baseline of all nine participants, and any reminder) reached the site's
    // staff, each person once.
    const findings: { job_id: string; kind: string; deliveries: number; people: number }[] =
      await t.dataSource.query(
        `SELECT f.job_id, f.kind, count(n.id)::int AS deliveries, count(DISTINCT n.user_id)::int AS people
       FROM follow_up_findings f LEFT JOIN notifications n ON n.dedupe_key = f.job_id GROUP BY f.job_id, f.kind`,
      );
    expect(findings.filter((f) => f.kind === 'missed')).toHaveLength(9);
    expect(findings.filter((f) => f.people < 2 || f.deliveries !== f.people)).toEqual([]);
    const failed = await Promise.all(t.queues.map((q) => q.getJobCounts()));
    expect(failed.map((c) => c.failed)).toEqual(t.queues.map(() => 0));
  }, 180_000);
});
