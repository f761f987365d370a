import { createHash } from 'node:crypto';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

/**
 * Calendar subscriptions (issue 16): a per-user, revocable, read-only iCal address with a secret,
 * showing what its subscriber may see today (acting role, current sites), study ids only.
 */
describe('calendar subscriptions (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let otherSite: TestUser;
  let assessor: TestUser;
  let investigator: TestUser;
  let ams: string;
  let studyId: string;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-01-12T08:00:00Z' });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    otherSite = await t.factory.user('coordinator', { sites: ['SE-UPP'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'A', '2026-01-05T09:00:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    // One arm-A weekly visit after transplant (a visit that reveals the arm to a blinded reader).
    await t.dataSource.query(
      `INSERT INTO visits (participant_id, site_id, code, kind, anchor, offset_days, label, target_date, window_start, window_end)
       VALUES ($1, $2, 'A-D007', 'arm_a_weekly', 'transplant', 7, 'Week 1 after transplant', '2026-03-03', '2026-03-01', '2026-03-05')`,
      [p.id, ams],
    );
    await t
      .http()
      .post(`/scheduling/participants/${p.id}/booking`)
      .set(bearer(investigator))
      .expect(200);
    [{ studyId }] = await t.dataSource.query(
      `SELECT study_id AS "studyId" FROM participants WHERE id = $1`,
      [p.id],
    );
  });
  afterAll(() => t.close());

  const subscribe = (user: TestUser, kind: 'visits' | 'admissions', siteId = ams, body = {}) =>
    t
      .http()
      .post(
        kind === 'visits'
          ? `/follow-up/sites/${siteId}/calendar-feeds`
          : `/scheduling/centres/${siteId}/calendar-feeds`,
      )
      .set(bearer(user))
      .send(body);

  it('gives a secret address, shown once, that calendar applications read without signing in', async () => {
    const created = await subscribe(coordinator, 'visits', ams, { label: 'Ward Outlook' }).expect(
      201,
    );
    expect(created.body).toMatchObject({
      feed: 'visits',
      siteId: ams,
      label: 'Ward Outlook',
      actingRole: 'coordinator',
      revokedAt: null,
    });
    const path = created.body.path as string;
    expect(path).toMatch(/^\/follow-up\/feeds\/[A-Za-z0-9_-]{43}\/visits\.ics$/);
    const ics = await t.http().get(path).expect(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.headers['cache-control']).toContain('no-store');
    expect(ics.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics.text).toContain(`SUMMARY:${studyId} W012`);
    expect(ics.text).toContain(`SUMMARY:${studyId} A-D007`);
    expect(ics.text).not.toMatch(/Test coordinator/);

    // Only the hash is kept; the list never shows the secret again.
    const secret = path.split('/')[3];
    const [row] = await t.dataSource.query(
      `SELECT token_hash, last_used_at FROM calendar_feeds WHERE id = $1`,
      [created.body.id],
    );
    expect(Buffer.from(row.token_hash)).toEqual(createHash('sha256').update(secret).digest());
    expect(row.last_used_at).not.toBeNull();
    const list = await t.http().get('/calendar-feeds').set(bearer(coordinator)).expect(200);
    expect(list.body.map((f: { id: string }) => f.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body[0]).not.toHaveProperty('path');
    expect(await t.factory.auditRows({ action: 'calendar_feed.created' })).toHaveLength(1);
  });

  it("[REQ-BLIND-004] follows the transplant centre's admissions, never for blinded roles, never another site's", async () => {
    const created = await subscribe(coordinator, 'admissions').expect(201);
    expect(created.body.label).toBe('NL-AMS aHSCT admissions');
    const ics = await t.http().get(created.body.path).expect(200);
    expect(ics.text).toContain(`SUMMARY:aHSCT admission ${studyId}`);

    // A blinded assessor may subscribe to visits (arm-A visits left out) but not to admissions.
    await subscribe(assessor, 'admissions').expect(403);
    const blinded = await subscribe(assessor, 'visits').expect(201);
    const text = (await t.http().get(blinded.body.path).expect(200)).text;
    expect(text).toContain(`SUMMARY:${studyId} W012`);
    expect(text).not.toContain(' A-D');

    // Another site's calendar: as if it did not exist.
    await subscribe(otherSite, 'visits').expect(404);
    await subscribe(otherSite, 'admissions').expect(404);
    await subscribe(coordinator, 'visits', '00000000-0000-4000-8000-000000000000').expect(404);
    await subscribe(coordinator, 'visits', 'not-a-uuid').expect(400);
    await subscribe(coordinator, 'visits', ams, { label: 'x'.repeat(101) }).expect(400);
    await subscribe(coordinator, 'visits', ams, { label: 5 }).expect(400);
  });

  it('answers 404 for unknown, mistyped, revoked or orphaned addresses', async () => {
    const visits = await subscribe(coordinator, 'visits').expect(201);
    const secret = visits.body.path.split('/')[3];
    // The same secret on the other kind of feed, garbage and near misses.
    await t.http().get(`/scheduling/feeds/${secret}/admissions.ics`).expect(404);
    await t
      .http()
      .get(`/follow-up/feeds/${secret.slice(1)}x/visits.ics`)
      .expect(404);
    await t
      .http()
      .get(`/follow-up/feeds/${'a'.repeat(5000)}/visits.ics`)
      .expect(404);
    await t.http().get(`/follow-up/feeds/%00/visits.ics`).expect(400);

    // Someone else cannot revoke it; its owner can, and it stops at once.
    await t.http().delete(`/calendar-feeds/${visits.body.id}`).set(bearer(otherSite)).expect(404);
    await t.http().get(visits.body.path).expect(200);
    const revoked = await t
      .http()
      .delete(`/calendar-feeds/${visits.body.id}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    await t.http().get(visits.body.path).expect(404);
    expect(
      await t.factory.auditRows({ action: 'calendar_feed.revoked', entityId: visits.body.id }),
    ).toHaveLength(1);

    // A membership that ended takes the site out of view; a deactivated account ends every feed.
    const staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const mine = await subscribe(staff, 'visits').expect(201);
    await t.http().get(mine.body.path).expect(200);
    await t.dataSource.query(`UPDATE user_sites SET ends_on = '2026-01-01' WHERE user_id = $1`, [
      staff.id,
    ]);
    await t.http().get(mine.body.path).expect(404);
    await t.dataSource.query(`UPDATE user_sites SET ends_on = NULL WHERE user_id = $1`, [staff.id]);
    await t.http().get(mine.body.path).expect(200);
    await t.dataSource.query(`UPDATE users SET active = false WHERE id = $1`, [staff.id]);
    const gone = await t.http().get(mine.body.path).expect(404);
    expect(gone.body.code).toBe('CALENDAR_FEED_NOT_FOUND');
  });
});
