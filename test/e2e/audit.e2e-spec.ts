import { createTestApp, TestApp } from '../harness/app';
import { superuserClient } from '../harness/database';
import { bearer } from '../harness/factory';

describe('audit trail (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  const count = async () => {
    const [{ n }]: { n: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log`,
    );
    return n;
  };

  it('[REQ-AUD-001] writes exactly one audit row per change, with actor, role, before/after and request id', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const site = await t.factory.site('NL-AMS');
    let before = await count();
    const created = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .set('X-Request-Id', 'req-create-1')
      .send({
        email: 'audit.me@test.local',
        displayName: 'Audit Me',
        password: 'a long enough passphrase',
        roles: ['site_staff'],
        siteIds: [site],
      })
      .expect(201);
    expect((await count()) - before).toBe(1);

    before = await count();
    await t
      .http()
      .patch(`/users/${created.body.id}`)
      .set(bearer(admin))
      .send({ roles: ['site_staff', 'coordinator'], reason: 'promoted' })
      .expect(200);
    expect((await count()) - before).toBe(1);

    before = await count();
    await t
      .http()
      .patch(`/sites/${site}`)
      .set(bearer(admin))
      .send({ defaultQuarterlyCapacity: 1, reason: 'summer' })
      .expect(200);
    await t
      .http()
      .put(`/sites/${site}/capacity/2027-Q3`)
      .set(bearer(admin))
      .send({ capacity: 1 })
      .expect(200);
    expect((await count()) - before).toBe(2);

    const list = await t
      .http()
      .get('/audit')
      .query({ entity: 'user', entityId: created.body.id })
      .set(bearer(admin))
      .expect(200);
    expect(list.body.items.map((r: { action: string }) => r.action)).toEqual([
      'user.updated',
      'user.created',
    ]);
    const [updated, creation] = list.body.items;
    expect(creation).toMatchObject({
      actorId: admin.id,
      actorRole: 'admin',
      requestId: 'req-create-1',
      entity: 'user',
    });
    expect(updated.before.roles).toEqual(['site_staff']);
    expect(updated.after.roles).toEqual(['site_staff', 'coordinator']);
    expect(updated.reason).toBe('promoted');
    expect(JSON.stringify(list.body)).not.toContain('passphrase');
  });

  it('[REQ-AUD-001] leaves no audit row when the change fails', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const before = await count();
    // Unknown site: the use case throws inside its transaction, which is rolled back.
    await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email: 'rollback@test.local',
        displayName: 'R',
        password: 'a long enough passphrase',
        roles: ['coordinator'],
        siteIds: ['00000000-0000-4000-8000-000000000000'],
      })
      .expect(400);
    expect(await count()).toBe(before);
    const users: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM users WHERE email = 'rollback@test.local'`,
    );
    expect(users).toHaveLength(0);
  });

  it('[REQ-AUD-004] filters and pages the trail for monitors; other roles are refused', async () => {
    const monitor = await t.factory.user('monitor', { trialWide: true });
    const page = await t
      .http()
      .get('/audit')
      .query({ page: 1, pageSize: 2 })
      .set(bearer(monitor))
      .expect(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    const byActor = await t
      .http()
      .get('/audit')
      .query({ actorId: monitor.id })
      .set(bearer(monitor))
      .expect(200);
    expect(byActor.body.total).toBe(0);
    await t.http().get('/audit').query({ from: 'yesterday' }).set(bearer(monitor)).expect(400);
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    await t.http().get('/audit').set(bearer(coordinator)).expect(403);
  });

  it('[REQ-AUD-002] is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    const db = await superuserClient(t.database);
    try {
      await expect(db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    } finally {
      await db.end();
    }
  });

  it('[REQ-AUD-003] verifies the chain, and names the row a superuser tampered with', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const ok = await t.http().get('/audit/verify').set(bearer(admin)).expect(200);
    expect(ok.body).toMatchObject({ valid: true, firstBreak: null });
    expect(ok.body.rows).toBeGreaterThan(3);

    const db = await superuserClient(t.database);
    try {
      const [{ seq }] = (
        await db.query(
          `SELECT seq::text FROM audit_log WHERE action = 'user.updated' ORDER BY seq LIMIT 1`,
        )
      ).rows;
      await db.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await db.query(`UPDATE audit_log SET reason = 'nothing to see' WHERE seq = $1`, [seq]);
      await db.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
      const broken = await t.http().get('/audit/verify').set(bearer(admin)).expect(200);
      expect(broken.body.valid).toBe(false);
      expect(broken.body.firstBreak).toEqual({ seq, problem: 'hash_mismatch' });
    } finally {
      await db.end();
    }
  });
});
