import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { PayloadOf } from 'src/kernel/events/domain-event';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { seal } from 'src/modules/identity/identity-cipher';
import { DEV_IDENTITY_KEYS, parseIdentityKeys } from 'src/common/crypto/identity-keys';
import { IdentityService, identityAad } from 'src/modules/identity/identity.service';
import { ParticipantTransitioned } from 'src/modules/participants/participants.events';
import { createTestApp, TestApp } from '../harness/app';
import { superuserClient } from '../harness/database';
import { serverUrl } from '../harness/env';
import { bearer, TestUser } from '../harness/factory';

const NOW = '2026-03-01T10:00:00Z';

/** A person nobody else in the test database is called, with a valid BSN. */
const IDENTITY = {
  givenName: 'Wilhelmina',
  familyName: 'Zuiderzeeboer',
  birthDate: '1990-05-10',
  contact: {
    email: 'w.zuiderzeeboer@example.nl',
    phone: '+31 20 444 4444',
    address: {
      line1: 'Prinsengracht 263',
      postalCode: '1016 GV',
      city: 'Amsterdam',
      country: 'NL',
    },
  },
  nationalId: { type: 'nl_bsn', value: '111222333' },
};

describe('participants: registration, pathway, identity vault (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let investigator: TestUser;
  let otherCoordinator: TestUser;
  let monitor: TestUser;
  let ams: string;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: NOW });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    otherCoordinator = await t.factory.user('coordinator', { sites: ['NO-BER'] });
    monitor = await t.factory.user('monitor', { trialWide: true });
  });
  afterAll(() => t.close());

  /**
   * Registers; these tests register the same person many times on purpose, so they confirm the
   * likely duplicate (test/e2e/screening-failures.e2e-spec.ts covers the warning itself).
   */
  const register = (user: TestUser, body: Record<string, unknown>) =>
    t
      .http()
      .post('/participants')
      .set(bearer(user))
      .send({ confirmDuplicate: { reason: 'the same test person on purpose' }, ...body });

  async function registered(
    identity: Record<string, unknown> = IDENTITY,
    site = ams,
  ): Promise<{ id: string; studyId: string }> {
    const res = await register(coordinator, { siteId: site, identity }).expect(201);
    return res.body as { id: string; studyId: string };
  }

  it('registers a referred person with a study id, FHIR status and no identity in the trial data', async () => {
    const res = await register(coordinator, {
      siteId: ams,
      identity: IDENTITY,
      preScreening: { diagnosis: { course: 'RRMS' }, willingToBeRandomised: true },
    }).expect(201);
    expect(res.body).toMatchObject({
      studyId: expect.stringMatching(/^NL-AMS-\d{4}$/),
      siteId: ams,
      siteLabel: 'NL-AMS',
      status: 'registered',
      fhirStatus: 'candidate',
      screeningEpisode: 1,
      nextSteps: ['phone_check_done'],
      withdrawal: null,
      preScreening: { diagnosis: { course: 'RRMS' }, willingToBeRandomised: true },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Wilhelmina|Zuiderzeeboer|111222333|1990-05-10/);

    const [vault]: { key_id: string; iv: Buffer; ciphertext: Buffer }[] = await t.dataSource.query(
      `SELECT key_id, iv, ciphertext FROM participant_identities WHERE participant_id = $1`,
      [res.body.id],
    );
    expect(vault.key_id).toBe('dev');
    expect(vault.iv).toHaveLength(12);
    expect(vault.ciphertext.includes(Buffer.from('Wilhelmina'))).toBe(false);

    const audit = await t.factory.auditRows({
      action: 'participant.registered',
      entityId: res.body.id,
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: coordinator.id, actor_role: 'coordinator' });
    expect(JSON.stringify(audit)).not.toMatch(/Wilhelmina|111222333/);
  });

  it('registers only at the coordinator own sites, and only coordinators register', async () => {
    const ber = await t.factory.site('NO-BER');
    const res = await register(coordinator, { siteId: ber, identity: IDENTITY }).expect(403);
    expect(res.body.code).toBe('PARTICIPANT_SITE_OUT_OF_SCOPE');
    const forbidden = await register(investigator, { siteId: ams, identity: IDENTITY }).expect(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
  });

  it('[REQ-ACC-002] answers another site with 404 and scopes the list to own sites', async () => {
    const { id, studyId } = await registered();
    await t.http().get(`/participants/${id}`).set(bearer(coordinator)).expect(200);
    const foreign = await t
      .http()
      .get(`/participants/${id}`)
      .set(bearer(otherCoordinator))
      .expect(404);
    expect(foreign.body.code).toBe('PARTICIPANT_NOT_FOUND');
    await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(otherCoordinator))
      .send({ to: 'phone_check_done' })
      .expect(404);
    await t.http().get(`/participants/${id}/history`).set(bearer(otherCoordinator)).expect(404);

    const theirs = await t.http().get('/participants').set(bearer(otherCoordinator)).expect(200);
    expect(theirs.body.items.map((p: { id: string }) => p.id)).not.toContain(id);
    const mine = await t
      .http()
      .get('/participants')
      .query({ q: studyId.slice(-4) })
      .set(bearer(coordinator))
      .expect(200);
    expect(mine.body.items.map((p: { studyId: string }) => p.studyId)).toContain(studyId);
    const all = await t
      .http()
      .get('/participants')
      .query({ siteId: ams, pageSize: 1 })
      .set(bearer(monitor))
      .expect(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 1, total: expect.any(Number) });
    expect(all.body.items).toHaveLength(1);
    expect(all.body.total).toBeGreaterThan(1);
    const registeredOnly = await t
      .http()
      .get('/participants')
      .query({ status: 'withdrawn' })
      .set(bearer(monitor))
      .expect(200);
    expect(
      registeredOnly.body.items.every((p: { status: string }) => p.status === 'withdrawn'),
    ).toBe(true);
  });

  it('[REQ-PART-001] walks the pathway one step at a time, auditing each step with actor and reason', async () => {
    const { id } = await registered();
    const steps = [
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ];
    for (const to of steps) {
      const res = await t
        .http()
        .post(`/participants/${id}/transitions`)
        .set(bearer(coordinator))
        .send({ to, reason: `step ${to}` })
        .expect(200);
      expect(res.body.status).toBe(to);
      expect(res.body.fhirStatus).toBe('screening');
    }
    const rows = await t.factory.auditRows({ action: 'participant.transition', entityId: id });
    expect(rows.map((r) => (r as unknown as { after: { status: string } }).after.status)).toEqual(
      steps,
    );
    expect(
      rows.every((r) => (r as unknown as { actor_id: string }).actor_id === coordinator.id),
    ).toBe(true);
    expect(rows.map((r) => (r as unknown as { reason: string }).reason)).toEqual(
      steps.map((s) => `step ${s}`),
    );
    const history = await t
      .http()
      .get(`/participants/${id}/history`)
      .set(bearer(monitor))
      .expect(200);
    expect(history.body.map((h: { to: string }) => h.to)).toEqual(['registered', ...steps]);
    expect(history.body[1]).toMatchObject({
      from: 'registered',
      to: 'phone_check_done',
      kind: 'step',
      actorId: coordinator.id,
    });
  });

  it('[REQ-PART-001] refuses an illegal step with 409 PARTICIPANT_ILLEGAL_TRANSITION naming from and to', async () => {
    const { id } = await registered();
    const skip = await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'screening_visit_done' })
      .expect(409);
    expect(skip.body).toMatchObject({
      code: 'PARTICIPANT_ILLEGAL_TRANSITION',
      errors: [{ path: 'to', params: { from: 'registered', to: 'screening_visit_done' } }],
    });
    expect(skip.body.message).toContain('registered');
    const back = await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'pre_screened' })
      .expect(409);
    expect(back.body.code).toBe('PARTICIPANT_ILLEGAL_TRANSITION');
    const unknown = await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'happy' })
      .expect(400);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({
        path: 'to',
        code: 'isIn',
        message: expect.stringContaining('to must be one of'),
      }),
    ]);
    // Moves with their own use case cannot be requested as a plain step.
    for (const s of [
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ]) {
      await t
        .http()
        .post(`/participants/${id}/transitions`)
        .set(bearer(coordinator))
        .send({ to: s })
        .expect(200);
    }
    const eligible = await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'eligible' })
      .expect(409);
    expect(eligible.body).toMatchObject({
      code: 'PARTICIPANT_TRANSITION_NOT_MANUAL',
      errors: [{ path: 'to', params: { kind: 'decision' } }],
    });
    const withdrawn = await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'withdrawn' })
      .expect(409);
    expect(withdrawn.body.code).toBe('PARTICIPANT_TRANSITION_NOT_MANUAL');
  });

  it('records a pre-screening without a study id; registering it later assigns one', async () => {
    // Someone not registered before (registering a pre-screen also warns of likely duplicates).
    const res = await register(coordinator, {
      siteId: ams,
      identity: { givenName: 'Petronella', familyName: 'Voorlopig', birthDate: '1992-08-08' },
      stage: 'pre_screened',
    }).expect(201);
    expect(res.body).toMatchObject({
      status: 'pre_screened',
      fhirStatus: 'potential-candidate',
      studyId: null,
      registeredAt: null,
    });
    const reg = await t
      .http()
      .post(`/participants/${res.body.id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'registered' })
      .expect(200);
    expect(reg.body).toMatchObject({
      status: 'registered',
      fhirStatus: 'candidate',
      studyId: expect.stringMatching(/^NL-AMS-\d{4}$/),
    });
    expect(reg.body.registeredAt).toBe(new Date(NOW).toISOString());
  });

  it('[REQ-PRIV-002] lets coordinators and investigators of the site read identity, audits every read, and nobody else', async () => {
    const { id } = await registered();
    const read = await t
      .http()
      .get(`/participants/${id}/identity`)
      .set(bearer(coordinator))
      .expect(200);
    expect(read.body).toMatchObject({
      participantId: id,
      givenName: 'Wilhelmina',
      familyName: 'Zuiderzeeboer',
      birthDate: '1990-05-10',
      nationalId: { type: 'nl_bsn', value: '111222333' },
    });
    await t.http().get(`/participants/${id}/identity`).set(bearer(investigator)).expect(200);

    await t.http().get(`/participants/${id}/identity`).set(bearer(otherCoordinator)).expect(404);
    await t.http().get(`/participants/${id}/identity`).set(bearer(monitor)).expect(403);
    const staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    await t.http().get(`/participants/${id}/identity`).set(bearer(staff)).expect(403);
    // Trial-wide scope is not membership of the site.
    const wideCoordinator = await t.factory.user('coordinator', { trialWide: true });
    await t.http().get(`/participants/${id}/identity`).set(bearer(wideCoordinator)).expect(404);

    const reads = await t.factory.auditRows({ action: 'identity.read', entityId: id });
    expect(reads.map((r) => (r as unknown as { actor_id: string }).actor_id)).toEqual([
      coordinator.id,
      investigator.id,
    ]);
    expect(JSON.stringify(reads)).not.toMatch(/Wilhelmina|111222333|1990-05-10/);
    expect((reads[0] as unknown as { after: { fields: string[] } }).after.fields).toEqual(
      expect.arrayContaining(['givenName', 'familyName', 'birthDate', 'nationalId.value']),
    );
  });

  it('[REQ-PRIV-002] corrects identity only with a reason, auditing which fields changed but not their values', async () => {
    const { id } = await registered();
    const noReason = await t
      .http()
      .patch(`/participants/${id}/identity`)
      .set(bearer(coordinator))
      .send({ familyName: 'Zuiderzee' })
      .expect(400);
    expect(noReason.body).toMatchObject({
      code: 'REASON_REQUIRED',
      errors: [{ path: 'reason', params: { corrected: ['familyName'] } }],
    });
    const ok = await t
      .http()
      .patch(`/participants/${id}/identity`)
      .set(bearer(coordinator))
      .send({ familyName: 'Zuiderzee', reason: 'spelling on the referral letter' })
      .expect(200);
    expect(ok.body.familyName).toBe('Zuiderzee');
    const rows = await t.factory.auditRows({ action: 'identity.updated', entityId: id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason: 'spelling on the referral letter',
      after: { changedFields: ['familyName'] },
    });
    expect(JSON.stringify(rows)).not.toContain('Zuiderzee');
    await t
      .http()
      .patch(`/participants/${id}/identity`)
      .set(bearer(investigator))
      .send({ givenName: 'X' })
      .expect(403);
  });

  it('[REQ-PRIV-001] keeps plain-text names, national ids and birth dates out of the whole database', async () => {
    const marker = {
      ...IDENTITY,
      givenName: 'Hieronymus',
      familyName: 'Quackenbosch',
      birthDate: '1987-11-23',
      nationalId: { type: 'nl_bsn', value: '123456782' },
    };
    const { id } = await registered(marker);
    await t.http().get(`/participants/${id}/identity`).set(bearer(coordinator)).expect(200);
    await t
      .http()
      .patch(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .send({ diagnosis: { course: 'RRMS' }, edss: { score: 3, date: '2026-02-01' } })
      .expect(200);
    await t
      .http()
      .post(`/participants/${id}/assessments`)
      .set(bearer(coordinator))
      .send({})
      .expect(201);

    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', serverUrl(t.database)], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(dump).toContain(id); // the dump does contain this participant's rows
    for (const secret of [
      'Hieronymus',
      'Quackenbosch',
      '123456782',
      '1987-11-23',
      'w.zuiderzeeboer@example.nl',
      'Prinsengracht',
    ]) {
      expect(dump).not.toContain(secret);
      // bytea columns are dumped as hex: the plain text must not hide there either
      expect(dump).not.toContain(Buffer.from(secret, 'utf8').toString('hex'));
    }
    // And, as the database superuser, no text or JSON column anywhere holds them.
    const client = await superuserClient(t.database);
    try {
      const { rows: columns } = await client.query(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY', 'bytea')`,
      );
      for (const { table_name, column_name } of columns as {
        table_name: string;
        column_name: string;
      }[]) {
        const { rows } = await client.query(
          `SELECT count(*)::int AS n FROM "${table_name}" WHERE position($1 in "${column_name}"::text) > 0
             OR position($2 in "${column_name}"::text) > 0 OR position($3 in "${column_name}"::text) > 0`,
          ['Quackenbosch', '123456782', '1987-11-23'],
        );
        expect(`${table_name}.${column_name}: ${rows[0].n}`).toBe(
          `${table_name}.${column_name}: 0`,
        );
      }
    } finally {
      await client.end();
    }
  });

  it('[REQ-PART-002] gives 30 concurrent registrations at one site distinct, gapless study ids', async () => {
    const upp = await t.factory.site('SE-UPP');
    const sweden = await t.factory.user('coordinator', { sites: ['SE-UPP'] });
    const person = { givenName: 'Sven', familyName: 'Svensson', birthDate: '1985-01-01' };
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t
          .http()
          .post('/participants')
          .set(bearer(sweden))
          .send({ siteId: upp, identity: { ...person, givenName: `Sven${i}` } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(201));
    const ids = responses.map((r) => r.body.studyId as string).sort();
    expect(ids).toEqual(
      Array.from({ length: 30 }, (_, i) => `SE-UPP-${String(i + 1).padStart(4, '0')}`),
    );
  });

  it('[REQ-PART-002] leaves no gap when a registration fails after taking its number', async () => {
    const cph = await t.factory.site('DK-CPH');
    const dane = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    const person = { givenName: 'Karen', familyName: 'Jensen', birthDate: '1980-02-02' };
    const first = await t
      .http()
      .post('/participants')
      .set(bearer(dane))
      .send({ siteId: cph, identity: person })
      .expect(201);
    expect(first.body.studyId).toBe('DK-CPH-0001');
    // Make the next vault write fail once, after the study number was taken in the same transaction.
    await t.dataSource.query(`
      CREATE SEQUENCE fail_once_seq;
      CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF nextval('fail_once_seq') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_once BEFORE INSERT ON participant_identities FOR EACH ROW EXECUTE FUNCTION fail_once();`);
    try {
      await t
        .http()
        .post('/participants')
        .set(bearer(dane))
        .send({ siteId: cph, identity: { ...person, givenName: 'Karin' } })
        .expect(500);
      const next = await t
        .http()
        .post('/participants')
        .set(bearer(dane))
        .send({ siteId: cph, identity: { ...person, givenName: 'Karin' } })
        .expect(201);
      expect(next.body.studyId).toBe('DK-CPH-0002');
    } finally {
      await t.dataSource.query(
        `DROP TRIGGER fail_once ON participant_identities; DROP FUNCTION fail_once(); DROP SEQUENCE fail_once_seq;`,
      );
    }
  });

  it('[REQ-PART-003] withdraws at any time keeping data, and tracks the sample-destruction request until confirmed', async () => {
    const seen: string[] = [];
    const events = t.app.get(DomainEvents);
    const publish = events.publish.bind(events);
    jest.spyOn(events, 'publish').mockImplementation(async (uow, event, payload) => {
      if (event === ParticipantTransitioned) {
        const { participant: p, move } = payload as PayloadOf<typeof ParticipantTransitioned>;
        seen.push(`${p.id}:${move.from}>${move.to}:${move.kind}`);
      }
      return publish(uow, event, payload);
    });
    const { id } = await registered();
    await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'phone_check_done' })
      .expect(200);
    await t
      .http()
      .patch(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .send({ edss: { score: 2.5 } })
      .expect(200);
    const res = await t
      .http()
      .post(`/participants/${id}/withdraw`)
      .set(bearer(investigator))
      .send({ destroySamples: true })
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'withdrawn',
      fhirStatus: 'withdrawn',
      withdrawal: { withdrawnFrom: 'phone_check_done', reason: null, initiatedBy: 'participant' },
      sampleDestruction: { open: true, confirmedAt: null },
    });
    expect(seen).toEqual([
      `${id}:registered>phone_check_done:step`,
      `${id}:phone_check_done>withdrawn:withdrawal`,
    ]);
    const kept = await t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    expect(kept.body.data).toEqual({ edss: { score: 2.5 } });

    const again = await t
      .http()
      .post(`/participants/${id}/withdraw`)
      .set(bearer(coordinator))
      .send({ destroySamples: false })
      .expect(409);
    expect(again.body).toMatchObject({
      code: 'PARTICIPANT_ILLEGAL_TRANSITION',
      errors: [{ params: { from: 'withdrawn', to: 'withdrawn' } }],
    });
    await t
      .http()
      .post(`/participants/${id}/transitions`)
      .set(bearer(coordinator))
      .send({ to: 'records_reviewed' })
      .expect(409);

    const confirmed = await t
      .http()
      .post(`/participants/${id}/sample-destruction/confirm`)
      .set(bearer(coordinator))
      .send({ note: 'biobank box 12 destroyed' })
      .expect(200);
    expect(confirmed.body.sampleDestruction).toMatchObject({
      open: false,
      confirmedBy: coordinator.id,
      confirmationNote: 'biobank box 12 destroyed',
    });
    const twice = await t
      .http()
      .post(`/participants/${id}/sample-destruction/confirm`)
      .set(bearer(coordinator))
      .send({})
      .expect(409);
    expect(twice.body.code).toBe('SAMPLE_DESTRUCTION_NOT_OPEN');
    const actions = (await t.factory.auditRows({ entityId: id })).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'participant.sample_destruction_requested',
        'participant.sample_destruction_confirmed',
      ]),
    );
  });

  it('withdrawal without a sample request opens nothing', async () => {
    const { id } = await registered();
    const res = await t
      .http()
      .post(`/participants/${id}/withdraw`)
      .set(bearer(coordinator))
      .send({ destroySamples: false, reason: 'moved abroad', initiatedBy: 'investigator' })
      .expect(200);
    expect(res.body).toMatchObject({
      sampleDestruction: null,
      withdrawal: { reason: 'moved abroad', initiatedBy: 'investigator' },
    });
    await t
      .http()
      .post(`/participants/${id}/sample-destruction/confirm`)
      .set(bearer(coordinator))
      .send({})
      .expect(409);
  });

  it('[REQ-INPUT-001] answers bad registrations with 400 naming the field, never 500', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ siteId: ams }, 'identity'],
      [{ siteId: 'not-a-uuid', identity: IDENTITY }, 'siteId'],
      [{ siteId: ams, identity: { ...IDENTITY, givenName: 42 } }, 'identity.givenName'],
      [{ siteId: ams, identity: { ...IDENTITY, birthDate: '1990-02-30' } }, 'identity.birthDate'],
      [{ siteId: ams, identity: { ...IDENTITY, shoeSize: 44 } }, 'shoeSize'],
      [
        { siteId: ams, identity: { ...IDENTITY, nationalId: { type: 'passport', value: 'X' } } },
        'identity.nationalId.type',
      ],
      [
        { siteId: ams, identity: IDENTITY, preScreening: { edss: { score: 5.25 } } },
        'preScreening.edss.score',
      ],
      [{ siteId: ams, identity: IDENTITY, stage: 'randomised' }, 'stage'],
      [{ siteId: ams, identity: IDENTITY, extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await register(coordinator, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.message).toContain(field);
    }
    const bsn = await register(coordinator, {
      siteId: ams,
      identity: { ...IDENTITY, nationalId: { type: 'nl_bsn', value: '123456789' } },
    }).expect(400);
    expect(bsn.body.code).toBe('NATIONAL_ID_INVALID');
    const future = await register(coordinator, {
      siteId: ams,
      identity: { ...IDENTITY, birthDate: '2026-03-02' },
    }).expect(400);
    expect(future.body.code).toBe('BIRTH_DATE_IMPLAUSIBLE');
    await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .set('Content-Type', 'application/json')
      .send('{"siteId":')
      .expect(400);
    await t.http().get('/participants/not-a-uuid').set(bearer(coordinator)).expect(400);
    await t
      .http()
      .get('/participants')
      .query({ status: 'nope' })
      .set(bearer(coordinator))
      .expect(400);
  });
});

describe('identity vault key rotation (e2e)', () => {
  let t: TestApp;
  const newKey = randomBytes(32);

  beforeAll(async () => {
    // A new current key "k2", the old development key still listed for reading.
    t = await createTestApp({
      worker: false,
      now: NOW,
      env: { IDENTITY_KEYS: `k2:${newKey.toString('base64')},${DEV_IDENTITY_KEYS}` },
    });
  });
  afterAll(() => t.close());

  it('[REQ-PRIV-004] writes under the current key, reads older records by their key id and rewrites them', async () => {
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const ams = await t.factory.site('NL-AMS');
    const a = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({ siteId: ams, identity: IDENTITY })
      .expect(201);
    const b = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: { ...IDENTITY, givenName: 'Old' },
        confirmDuplicate: { reason: 'the same test person on purpose' },
      })
      .expect(201);
    const keyOf = async (id: string) =>
      (
        (await t.dataSource.query(
          `SELECT key_id FROM participant_identities WHERE participant_id = $1`,
          [id],
        )) as { key_id: string }[]
      )[0].key_id;
    expect(await keyOf(a.body.id)).toBe('k2');

    // B's record as it was written before the rotation: under the development key.
    const devKey = parseIdentityKeys(DEV_IDENTITY_KEYS).keyring?.keys.get('dev') as Buffer;
    const old = seal(
      Buffer.from(JSON.stringify({ ...IDENTITY, givenName: 'Old' })),
      identityAad(b.body.id),
      'dev',
      devKey,
      randomBytes(12),
    );
    await t.dataSource.query(
      `UPDATE participant_identities SET key_id = $2, iv = $3, auth_tag = $4, ciphertext = $5 WHERE participant_id = $1`,
      [b.body.id, old.keyId, old.iv, old.authTag, old.ciphertext],
    );
    expect(
      (
        await t
          .http()
          .get(`/participants/${b.body.id}/identity`)
          .set(bearer(coordinator))
          .expect(200)
      ).body.givenName,
    ).toBe('Old');

    const rewritten = await t.app
      .get(TransactionRunner)
      .run((uow) => t.app.get(IdentityService).reencryptStale(uow));
    expect(rewritten).toBe(1);
    expect(await keyOf(b.body.id)).toBe('k2');
    expect(
      (
        await t
          .http()
          .get(`/participants/${b.body.id}/identity`)
          .set(bearer(coordinator))
          .expect(200)
      ).body.givenName,
    ).toBe('Old');

    // A record under a key no longer configured is refused clearly, not misread.
    await t.dataSource.query(
      `UPDATE participant_identities SET key_id = 'retired' WHERE participant_id = $1`,
      [a.body.id],
    );
    const gone = await t
      .http()
      .get(`/participants/${a.body.id}/identity`)
      .set(bearer(coordinator))
      .expect(503);
    expect(gone.body.code).toBe('IDENTITY_KEY_UNKNOWN');
    // A record moved onto another participant does not decrypt (AAD binds it to its row).
    await t.dataSource.query(
      `UPDATE participant_identities SET key_id = s.key_id, iv = s.iv, auth_tag = s.auth_tag, ciphertext = s.ciphertext
       FROM participant_identities s WHERE participant_identities.participant_id = $1 AND s.participant_id = $2`,
      [a.body.id, b.body.id],
    );
    await t.http().get(`/participants/${a.body.id}/identity`).set(bearer(coordinator)).expect(500);
  });
});
