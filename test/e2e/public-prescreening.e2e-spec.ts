import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { PATHWAY_NOW } from '../harness/pathway';

/** Someone who may qualify: relapsing MS, a steroid-treated relapse on interferon, willing. */
const hopeful = () => ({
  birthDate: '1990-05-10',
  msType: 'RRMS',
  currentTreatment: 'interferon_beta',
  currentTreatmentSince: '2024-01-01',
  priorTreatments: [] as string[],
  relapseLastYear: 'yes',
  relapseOnsetDate: '2025-09-01',
  relapseSteroids: 'yes',
  mriActivityLastYear: 'unknown',
  pregnantOrBreastfeeding: 'no',
  neurologist: 'yes',
  willingToBeRandomised: 'yes',
  willingToLearnInfectionResults: 'yes',
});

describe('public pre-screening (e2e)', () => {
  let t: TestApp;
  let ams: string;
  let coordinator: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: PATHWAY_NOW });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  const counts = async () => {
    const [row]: { p: number; i: number; a: number }[] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM participants) AS p, (SELECT count(*)::int FROM participant_identities) AS i,
              (SELECT count(*)::int FROM audit_log WHERE entity = 'participant') AS a`,
    );
    return row;
  };
  const registration = (answers: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    siteId: ams,
    answers,
    givenName: 'Anna',
    familyName: 'de Vries',
    contact: { email: 'anna@example.org', phone: '+31 6 1234 5678' },
    agreeToContact: 'yes',
    ...extra,
  });

  it('lists the screening sites without a token, and nothing more than their names', async () => {
    const res = await t.http().get('/public/prescreening/sites').expect(200);
    const nl = res.body.find((s: { label: string }) => s.label === 'NL-AMS');
    expect(nl).toEqual({ id: ams, label: 'NL-AMS', name: expect.any(String), countryCode: 'NL' });
    for (const s of res.body) {
      expect(Object.keys(s).sort()).toEqual(['countryCode', 'id', 'label', 'name']);
    }
  });

  it('[REQ-ELIG-005] says kindly who cannot qualify, with the reason, and stores nothing', async () => {
    const before = await counts();
    const res = await t
      .http()
      .post('/public/prescreening/check')
      .send({
        answers: { ...hopeful(), priorTreatments: ['alemtuzumab'], willingToBeRandomised: 'no' },
      })
      .expect(200);
    expect(res.body.canQualify).toBe(false);
    expect(res.body.reasons.map((r: { criterionId: string }) => r.criterionId).sort()).toEqual([
      'E2',
      'E7',
    ]);
    expect(res.body.reasons[0]).toEqual({
      criterionId: expect.any(String),
      title: expect.any(String),
      explanation: expect.any(String),
    });
    expect(await counts()).toEqual(before);
  });

  it('lets a hopeful person through the check, listing what the team will check', async () => {
    const res = await t
      .http()
      .post('/public/prescreening/check')
      .send({ answers: hopeful() })
      .expect(200);
    expect(res.body).toMatchObject({ canQualify: true, reasons: [] });
    expect(res.body.toBeChecked).toEqual(expect.arrayContaining(['I4', 'E5']));
  });

  it('[REQ-ELIG-005] refuses a registration whose answers cannot qualify, storing nothing', async () => {
    const before = await counts();
    const res = await t
      .http()
      .post('/public/prescreening/registrations')
      .send(registration({ ...hopeful(), msType: 'PPMS' }))
      .expect(400);
    expect(res.body.code).toBe('PRESCREENING_CANNOT_QUALIFY');
    expect(
      res.body.errors.map((r: { params: { criterionId: string } }) => r.params.criterionId),
    ).toContain('E4');
    expect(await counts()).toEqual(before);
  });

  it('answers bad input field by field, and refuses fields the form does not ask', async () => {
    const bad = await t
      .http()
      .post('/public/prescreening/check')
      .send({ answers: { ...hopeful(), edss: 5.25, msType: 'maybe' } })
      .expect(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'answers.edss',
          message: expect.stringMatching(/^answers\.edss /),
        }),
        expect.objectContaining({
          path: 'answers.msType',
          message: expect.stringMatching(/^answers\.msType /),
        }),
      ]),
    );
    const future = await t
      .http()
      .post('/public/prescreening/check')
      .send({ answers: { ...hopeful(), relapseOnsetDate: '2026-06-01' } })
      .expect(400);
    expect(future.body.errors).toEqual([
      {
        path: 'answers.relapseOnsetDate',
        code: 'SCREENING_DATA_INVALID',
        message: expect.stringMatching(/after today/),
        params: {},
      },
    ]);
    await t
      .http()
      .post('/public/prescreening/registrations')
      .send(registration(hopeful(), { nationalId: '123456782' }))
      .expect(400);
    await t
      .http()
      .post('/public/prescreening/registrations')
      .send(registration(hopeful(), { agreeToContact: 'no' }))
      .expect(400);
  });

  it('registers a pre-screened candidate at the chosen site, identity in the vault, by the system', async () => {
    const res = await t
      .http()
      .post('/public/prescreening/registrations')
      .send(registration(hopeful()))
      .expect(201);
    expect(res.body).toEqual({
      siteName: expect.stringMatching(/Amsterdam/),
      nextSteps: ['team_review', 'phone_check', 'records', 'screening_visit'],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Anna|Vries|1990/);

    const list = await t
      .http()
      .get('/participants?status=pre_screened')
      .set(bearer(coordinator))
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    const p = list.body.items[0];
    expect(p).toMatchObject({ siteId: ams, status: 'pre_screened', studyId: null });
    const detail = await t.http().get(`/participants/${p.id}`).set(bearer(coordinator)).expect(200);
    expect(detail.body.preScreening).toMatchObject({
      diagnosis: { course: 'RRMS' },
      relapses: [{ onsetDate: '2025-09-01', steroidTreated: true }],
      willingToBeRandomised: true,
    });
    expect(JSON.stringify(detail.body)).not.toMatch(/Anna|Vries|1990-05-10|example\.org/);
    const identity = await t
      .http()
      .get(`/participants/${p.id}/identity`)
      .set(bearer(coordinator))
      .expect(200);
    expect(identity.body).toMatchObject({
      givenName: 'Anna',
      familyName: 'de Vries',
      birthDate: '1990-05-10',
      contact: { email: 'anna@example.org', phone: '+31 6 1234 5678' },
    });
    const history = await t
      .http()
      .get(`/participants/${p.id}/history`)
      .set(bearer(coordinator))
      .expect(200);
    expect(history.body).toEqual([
      expect.objectContaining({
        from: null,
        to: 'pre_screened',
        actorId: null,
        actorRole: 'system',
      }),
    ]);
    const audit = await t.factory.auditRows({ action: 'participant.pre_screened', entityId: p.id });
    expect(audit).toHaveLength(1);

    // The pathway continues as for any candidate: the coordinator registers them (study id now).
    const reg = await t
      .http()
      .post(`/participants/${p.id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'registered' })
      .expect(200);
    expect(reg.body.studyId).toMatch(/^NL-AMS-\d{4}$/);
  });

  it('refuses a site that does not screen, and is rate-limited per address', async () => {
    const ber = await t.factory.site('NO-BER');
    await t.dataSource.query(`UPDATE sites SET active = false WHERE id = $1`, [ber]);
    const res = await t
      .http()
      .post('/public/prescreening/registrations')
      .send(registration(hopeful(), { siteId: ber }))
      .expect(400);
    expect(res.body.code).toBe('PRESCREENING_SITE_UNKNOWN');
    // 5 registration attempts per hour per address, refused or not: this file made five (cannot
    // qualify, two bad inputs, one registered, the inactive site), so the sixth is refused.
    const sixth = await t
      .http()
      .post('/public/prescreening/registrations')
      .send(registration(hopeful()))
      .expect(429);
    expect(sixth.body.code).toBe('TOO_MANY_REQUESTS');
    // Checking stays possible (its own, more generous limit).
    await t.http().post('/public/prescreening/check').send({ answers: hopeful() }).expect(200);
  });
});
