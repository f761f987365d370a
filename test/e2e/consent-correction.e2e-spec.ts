import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';

type Episode = {
  current: boolean;
  version: number;
  consent: { version: string; date: string; ageAtConsent: number | null } | null;
};

/**
 * The recorded consent (pathway data) is corrected like every other record (issue 13): only the
 * fields sent change, with a reason; the age at consent is derived again; every version is kept;
 * the audit row lists exactly the changed fields; a stale version is refused.
 */
describe('correcting the recorded consent (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let investigator: TestUser;
  let ams: string;

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW, worker: false });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  const episode = async (id: string): Promise<Episode> => {
    const res = await t
      .http()
      .get(`/participants/${id}/screening/episodes`)
      .set(bearer(coordinator))
      .expect(200);
    return (res.body as Episode[]).find((e) => e.current) as Episode;
  };
  const correct = (id: string, body: object, user = coordinator) =>
    t.http().patch(`/participants/${id}/consent`).set(bearer(user)).send(body);
  const audits = async (id: string) =>
    (await t.dataSource.query(
      `SELECT before, after, reason FROM audit_log WHERE action = 'eligibility.consent_corrected' AND entity_id = $1 ORDER BY seq`,
      [id],
    )) as { before: Record<string, unknown>; after: Record<string, unknown>; reason: string }[];

  it('[REQ-CORR-001] changes only the field sent, derives the age again, keeps every version and audits exactly the change', async () => {
    const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
    const before = await episode(id);
    expect(before.consent).toMatchObject({ version: '3.0', date: '2026-03-01', ageAtConsent: 35 });

    // The date alone: the version stays; the age does not change (same birthday year).
    const first = await correct(id, {
      date: '2026-02-20',
      reason: 'date typed wrongly',
      expectedVersion: before.version,
    });
    expect(first.status).toBe(200);
    const afterDate = await episode(id);
    expect(afterDate.consent).toMatchObject({
      version: '3.0',
      date: '2026-02-20',
      ageAtConsent: 35,
    });
    expect((await audits(id)).at(-1)).toEqual({
      before: { date: '2026-03-01' },
      after: { date: '2026-02-20' },
      reason: 'date typed wrongly',
    });

    // The version alone: the date stays.
    await correct(id, { version: '3.1', reason: 'form version misread' }).expect(200);
    expect((await episode(id)).consent).toMatchObject({ version: '3.1', date: '2026-02-20' });
    expect((await audits(id)).at(-1)).toEqual({
      before: { version: '3.0' },
      after: { version: '3.1' },
      reason: 'form version misread',
    });

    // A date across the birthday changes the derived age, which is audited too.
    await correct(id, { date: '2025-05-09', reason: 'signed earlier' }).expect(200);
    expect((await episode(id)).consent).toMatchObject({ date: '2025-05-09', ageAtConsent: 34 });
    expect((await audits(id)).at(-1)).toEqual({
      before: { date: '2026-02-20', ageAtConsent: 35 },
      after: { date: '2025-05-09', ageAtConsent: 34 },
      reason: 'signed earlier',
    });

    // Every version is kept: the original and three corrections, newest first.
    const history = await t
      .http()
      .get(`/participants/${id}/consent/history`)
      .set(bearer(investigator))
      .expect(200);
    expect((history.body as { reason: string | null }[]).map((v) => v.reason)).toEqual([
      'signed earlier',
      'form version misread',
      'date typed wrongly',
      null,
    ]);
  });

  it('[REQ-CORR-002] refuses a correction based on a stale version with 409 listing what changed, and bad input with 4xx, changing nothing', async () => {
    const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
    const { version } = await episode(id);
    await correct(id, { date: '2026-02-27', reason: 'first', expectedVersion: version }).expect(
      200,
    );
    const stale = await correct(id, { version: '3.1', reason: 'second', expectedVersion: version });
    expect([stale.status, stale.body.code]).toEqual([409, 'STALE_VERSION']);
    expect(JSON.stringify(stale.body)).toContain('2026-02-27');
    const now = await episode(id);
    for (const [body, status] of [
      [{ date: '2026-02-26' }, 400], // no reason
      [{ date: '2026-03-02', reason: 'x' }, 400], // after today at the site
      [{ date: '2026-02-30', reason: 'x' }, 400],
      [{ date: '2026-W09-1', reason: 'x' }, 400],
      [{ date: 20260226, reason: 'x' }, 400],
      [{ version: '', reason: 'x' }, 400],
      [{ date: '1990-01-01', reason: 'x' }, 409], // the age at consent would be out of range
    ] as const) {
      const res = await correct(id, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
    }
    expect(await episode(id)).toEqual(now);
  });

  it('is 409 without a recorded consent, and 404 for another site', async () => {
    const reg = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: { givenName: 'No', familyName: 'Consent', birthDate: '1990-01-01' },
      })
      .expect(201);
    const none = await correct(reg.body.id, { date: '2026-02-01', reason: 'x' });
    expect([none.status, none.body.code]).toEqual([409, 'CONSENT_NOT_RECORDED']);
    const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
    const other = await t.factory.user('coordinator', { sites: ['NO-BER'] });
    await correct(id, { date: '2026-02-01', reason: 'x' }, other).expect(404);
    await t.http().get(`/participants/${id}/consent/history`).set(bearer(other)).expect(404);
  });
});
