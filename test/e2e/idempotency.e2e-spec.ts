import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

/**
 * Idempotent creates (issue 15): a client that retries after a lost answer sends the same
 * Idempotency-Key and gets the first answer, never a second record — also when the retry races
 * the first request.
 */
describe('Idempotency-Key on creates (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let otherCoordinator: TestUser;
  let staff: TestUser;
  let admin: TestUser;
  let ams: string;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: '2026-07-10T10:00:00Z' });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    otherCoordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    admin = await t.factory.user('admin', { trialWide: true });
  });
  afterAll(() => t.close());

  const person = (familyName: string) => ({
    siteId: ams,
    identity: { givenName: 'Retry', familyName, birthDate: '1991-02-03' },
  });
  const register = (user: TestUser, body: unknown, key?: string) => {
    const req = t.http().post('/participants').set(bearer(user));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body as object);
  };
  const participantCount = async (): Promise<number> =>
    Number(
      ((await t.dataSource.query(`SELECT count(*) AS n FROM participants`)) as { n: string }[])[0]
        .n,
    );

  it('[REQ-INPUT-003] a registration retried with the same key returns the first participant and registers no one else', async () => {
    const before = await participantCount();
    const first = await register(coordinator, person('Eenmaal'), 'reg-0001-abcdef').expect(201);
    const retry = await register(coordinator, person('Eenmaal'), 'reg-0001-abcdef').expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await participantCount()).toBe(before + 1);
    const audits = (await t.dataSource.query(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'participant.registered' AND entity_id = $1`,
      [first.body.id],
    )) as { n: string }[];
    expect(Number(audits[0].n)).toBe(1);
  });

  it('[REQ-INPUT-003] two requests with one key at once register one participant; both answer with it', async () => {
    const before = await participantCount();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => register(coordinator, person('Gelijktijdig'), 'race-key-42')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await participantCount()).toBe(before + 1);
  });

  it('the same key with another request is refused and changes nothing', async () => {
    await register(coordinator, person('Eerste'), 'reused-key-1').expect(201);
    const before = await participantCount();
    const res = await register(coordinator, person('Ander'), 'reused-key-1').expect(409);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await participantCount()).toBe(before);
  });

  it('keys are per user: another user with the same key creates their own record', async () => {
    const a = await register(coordinator, person('Perpersoon'), 'shared-key-77').expect(201);
    const b = await register(otherCoordinator, person('Anderpersoon'), 'shared-key-77').expect(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('a malformed key is a 400 and changes nothing; a refused create does not use up its key', async () => {
    const before = await participantCount();
    const bad = await register(coordinator, person('Sleutel'), 'short').expect(400);
    expect(bad.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
    await register(coordinator, person('Sleutel'), 'x'.repeat(129)).expect(400);
    await register(coordinator, person('Sleutel'), 'has space in it').expect(400);
    const invalid = await register(
      coordinator,
      { ...person('Sleutel'), siteId: 'not-a-uuid' },
      'retry-after-400',
    ).expect(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect(await participantCount()).toBe(before);
    await register(coordinator, person('Sleutel'), 'retry-after-400').expect(201);
    expect(await participantCount()).toBe(before + 1);
  });

  it('an unscheduled visit and its adverse events: a retry returns the first, nothing twice', async () => {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', '2026-04-01T09:00:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const send = () =>
      t
        .http()
        .post(`/follow-up/participants/${p.id}/unscheduled-visits`)
        .set(bearer(staff))
        .set('Idempotency-Key', 'unscheduled-1')
        .send({
          visitDate: '2026-07-01',
          reason: 'other',
          relapseAssessment: { newRelapse: false },
        });
    const first = await send().expect(201);
    const retry = await send().expect(200);
    expect(retry.body.visit.id).toBe(first.body.visit.id);
    const visits = (await t.dataSource.query(
      `SELECT count(*) AS n FROM visits WHERE participant_id = $1 AND kind = 'unscheduled'`,
      [p.id],
    )) as { n: string }[];
    expect(Number(visits[0].n)).toBe(1);
  });

  it('an adverse event between visits and an unblinding event: a retry returns the first', async () => {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', '2026-04-01T09:00:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const ae = () =>
      t
        .http()
        .post(`/follow-up/participants/${p.id}/adverse-events`)
        .set(bearer(staff))
        .set('Idempotency-Key', 'ae-between-1')
        .send({
          adverseEvents: [
            {
              term: 'Headache',
              onsetDate: '2026-07-01',
              severity: 'mild',
              serious: false,
              outcome: 'recovered',
            },
          ],
        });
    const first = await ae().expect(201);
    const retry = await ae().expect(200);
    expect(retry.body.map((e: { id: string }) => e.id)).toEqual(
      first.body.map((e: { id: string }) => e.id),
    );
    const aes = (await t.dataSource.query(
      `SELECT count(*) AS n FROM adverse_events WHERE participant_id = $1`,
      [p.id],
    )) as { n: string }[];
    expect(Number(aes[0].n)).toBe(1);

    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const unblinding = () =>
      t
        .http()
        .post('/randomization/unblinding-events')
        .set(bearer(investigator))
        .set('Idempotency-Key', 'unblinding-1')
        .send({
          participantId: p.id,
          disclosedToRole: 'blinded_assessor',
          kind: 'accidental',
          occurredAt: '2026-07-09T09:00:00Z',
          reason: 'a letter copied to the assessor',
          impact: 'assessor replaced for this participant',
        });
    const u1 = await unblinding().expect(201);
    const u2 = await unblinding().expect(200);
    expect(u2.body.id).toBe(u1.body.id);
  });

  it('an admin creating a site or a user: a retry returns the first', async () => {
    const site = {
      code: 'IDM',
      countryCode: 'NL',
      name: 'Idempotent hospital',
      timeZone: 'Europe/Amsterdam',
      roles: ['screening'],
    };
    const send = () =>
      t.http().post('/sites').set(bearer(admin)).set('Idempotency-Key', 'site-create-1').send(site);
    const first = await send();
    expect(first.status).toBe(201);
    const retry = await send().expect(200);
    expect(retry.body.id).toBe(first.body.id);
    const user = () =>
      t
        .http()
        .post('/users')
        .set(bearer(admin))
        .set('Idempotency-Key', 'user-create-1')
        .send({
          email: 'retry.user@test.local',
          displayName: 'Retry User',
          password: 'a long enough passphrase',
          roles: ['site_staff'],
          siteIds: [ams],
        });
    const u1 = await user().expect(201);
    const u2 = await user().expect(200);
    expect(u2.body.id).toBe(u1.body.id);
  });
});
