import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';

const DAY = 86_400_000;

describe('form drafts on the server, per user (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      now: '2026-03-01T08:00:00Z',
      env: { DRAFT_MAX_BYTES: '2048', DRAFT_RETENTION_DAYS: '3' },
    });
  });
  afterAll(() => t.close());

  it('saves, replaces, reads and deletes the own draft of a form', async () => {
    const staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const key = `visit:${randomUUID()}`;
    await t.http().get(`/drafts/${key}`).set(bearer(staff)).expect(404);
    const first = await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(staff))
      .send({ data: { visitDate: '2026-03-01', edss: { score: 3 } } })
      .expect(200);
    expect(first.body).toEqual({
      formKey: key,
      data: { visitDate: '2026-03-01', edss: { score: 3 } },
      savedAt: '2026-03-01T08:00:00.000Z',
      expiresAt: '2026-03-04T08:00:00.000Z',
    });
    t.clock!.advance(60_000);
    await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(staff))
      .send({ data: { visitDate: '2026-03-01', notes: 'half done' } })
      .expect(200);
    const read = await t.http().get(`/drafts/${key}`).set(bearer(staff)).expect(200);
    expect(read.body).toMatchObject({
      data: { visitDate: '2026-03-01', notes: 'half done' },
      savedAt: '2026-03-01T08:01:00.000Z',
    });
    await t.http().delete(`/drafts/${key}`).set(bearer(staff)).expect(200, { deleted: true });
    await t.http().delete(`/drafts/${key}`).set(bearer(staff)).expect(200, { deleted: false });
    const gone = await t.http().get(`/drafts/${key}`).set(bearer(staff)).expect(404);
    expect(gone.body.code).toBe('DRAFT_NOT_FOUND');
  });

  it("keeps drafts per user: another user neither reads nor deletes one's draft", async () => {
    const owner = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const other = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const key = `adverse-event:${randomUUID()}:new`;
    await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(owner))
      .send({ data: { term: 'Headache' } })
      .expect(200);
    await t.http().get(`/drafts/${key}`).set(bearer(other)).expect(404);
    await t.http().delete(`/drafts/${key}`).set(bearer(other)).expect(200, { deleted: false });
    // The other user's own draft of the same form is separate.
    await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(other))
      .send({ data: { term: 'Fatigue' } })
      .expect(200);
    const mine = await t.http().get(`/drafts/${key}`).set(bearer(owner)).expect(200);
    expect(mine.body.data).toEqual({ term: 'Headache' });
    await t.http().get(`/drafts/${key}`).expect(401);
  });

  it('refuses bad form keys, a body that is not an object, and a draft over DRAFT_MAX_BYTES', async () => {
    const staff = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    for (const key of [
      'Visit:1',
      'visit',
      'visit:',
      'visit:a b',
      `visit:${'x'.repeat(65)}`,
      'a:b:c:d:e',
    ]) {
      const res = await t
        .http()
        .put(`/drafts/${encodeURIComponent(key)}`)
        .set(bearer(staff))
        .send({ data: {} });
      expect([res.status, res.body.code, res.body.errors?.[0]?.path]).toEqual([
        400,
        'VALIDATION_FAILED',
        'formKey',
      ]);
    }
    const key = `screening:${randomUUID()}`;
    const notObject = await t.http().put(`/drafts/${key}`).set(bearer(staff)).send({ data: 'x' });
    expect(notObject.status).toBe(400);
    expect(notObject.body.errors[0].path).toBe('data');
    await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(staff))
      .send({ data: {}, extra: 1 })
      .expect(400);
    const big = await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(staff))
      .send({ data: { notes: 'x'.repeat(2100) } });
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toMatchObject({
      path: 'data',
      code: 'maxBytes',
      params: { max: 2048 },
    });
    await t.http().get(`/drafts/${key}`).set(bearer(staff)).expect(404);
  });

  it('lets a draft expire after DRAFT_RETENTION_DAYS, and purges expired drafts', async () => {
    const staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const key = `visit:${randomUUID()}`;
    await t
      .http()
      .put(`/drafts/${key}`)
      .set(bearer(staff))
      .send({ data: { a: 1 } })
      .expect(200);
    t.clock!.advance(3 * DAY - 1000);
    await t.http().get(`/drafts/${key}`).set(bearer(staff)).expect(200);
    t.clock!.advance(1000);
    await t.http().get(`/drafts/${key}`).set(bearer(staff)).expect(404);
    await t
      .http()
      .put(`/drafts/visit:${randomUUID()}`)
      .set(bearer(staff))
      .send({ data: { b: 2 } })
      .expect(200);
    const left: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM form_drafts WHERE user_id = $1 AND form_key = $2`,
      [staff.id, key],
    );
    expect(left).toHaveLength(0);
  });
});
