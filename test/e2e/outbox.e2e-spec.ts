import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';
import { TcpProxy } from '../harness/tcp-proxy';

describe('outbox and queues with Redis going away (e2e)', () => {
  let t: TestApp;
  const proxy = new TcpProxy('127.0.0.1', 6379);

  beforeAll(async () => {
    const port = await proxy.start();
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await t.close();
    await proxy.cut();
  });

  const createUser = async (admin: { token: string }, email: string) => {
    const site = await t.factory.site('NL-AMS');
    return t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email,
        displayName: 'Queued',
        password: 'a long enough passphrase',
        roles: ['coordinator'],
        siteIds: [site],
      })
      .expect(201);
  };
  const inbox = (userId: string) =>
    t.dataSource.query(`SELECT kind FROM notifications WHERE user_id = $1`, [userId]) as Promise<
      { kind: string }[]
    >;

  it('[REQ-REL-002] runs a job written with a business change, exactly once', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const created = await createUser(admin, 'queued.one@test.local');
    await t.drainJobs();
    expect(await inbox(created.body.id)).toEqual([{ kind: 'welcome' }]);
    // A second relay of the same intent (e.g. after a crash before marking it sent) is one job.
    await t.dataSource.query(`UPDATE outbox SET sent_at = NULL WHERE dedupe_key = $1`, [
      `notifications.welcome:${created.body.id}`,
    ]);
    await t.drainJobs();
    expect(await inbox(created.body.id)).toHaveLength(1);
  });

  it('[REQ-REL-002] keeps writing while Redis is unreachable; the job waits in the outbox and runs once Redis is back', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    await proxy.cut();

    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.message).toMatch(/redis down/);

    const started = Date.now();
    const created = await createUser(admin, 'queued.two@test.local');
    expect(Date.now() - started).toBeLessThan(2000);
    const userId = created.body.id as string;
    // The relay tries and fails: the row stays pending with its error recorded.
    await new Promise((r) => setTimeout(r, 2500));
    const [pending] = await t.dataSource.query(
      `SELECT sent_at, attempts FROM outbox WHERE dedupe_key = $1`,
      [`notifications.welcome:${userId}`],
    );
    expect(pending.sent_at).toBeNull();
    expect(await inbox(userId)).toEqual([]);

    await proxy.restore();
    await t.drainJobs(30_000);
    expect(await inbox(userId)).toEqual([{ kind: 'welcome' }]);
    const [sent] = await t.dataSource.query(`SELECT sent_at FROM outbox WHERE dedupe_key = $1`, [
      `notifications.welcome:${userId}`,
    ]);
    expect(sent.sent_at).not.toBeNull();
    await t.http().get('/health/ready').expect(200);
  }, 60_000);
});
