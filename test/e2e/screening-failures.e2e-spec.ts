import { IdentityApi } from 'src/modules/identity/identity.api';
import { TrialsService } from 'src/modules/trials/trials.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { consentedParticipant } from '../harness/pathway';

const NOW = '2026-03-10T10:00:00Z';

/**
 * Issue 15 (screening): a screen failure is not a withdrawal; step dates and undo; one person, one
 * participant (likely-duplicate warning across sites, confirmation with a reason).
 */
describe('screen failures, step dates, undo, duplicates (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let berCoordinator: TestUser;
  let statistician: TestUser;
  let monitor: TestUser;
  let ams: string;
  let ber: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: NOW });
    ams = await t.factory.site('NL-AMS');
    ber = await t.factory.site('NO-BER');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    berCoordinator = await t.factory.user('coordinator', { sites: ['NO-BER'] });
    statistician = await t.factory.user('statistician', { trialWide: true });
    monitor = await t.factory.user('monitor', { trialWide: true });
  });
  afterAll(() => t.close());

  const person = () => ({
    givenName: `Screen${++n}x`,
    familyName: 'Kandidaat',
    birthDate: '1988-04-0' + ((n % 9) + 1),
  });

  async function register(user = coordinator, site = ams, identity = person()): Promise<string> {
    const res = await t
      .http()
      .post('/participants')
      .set(bearer(user))
      .send({ siteId: site, identity })
      .expect(201);
    return res.body.id as string;
  }

  const step = (id: string, body: Record<string, unknown>) =>
    t.http().post(`/participants/${id}/transitions`).set(bearer(coordinator)).send(body);
  const fail = (id: string, body: Record<string, unknown>) =>
    t.http().post(`/participants/${id}/screen-failure`).set(bearer(coordinator)).send(body);

  it('[REQ-ELIG-004] records screen failures with a coded reason; CONSORT and the screening log count them as coded, withdrawal apart', async () => {
    // Phone check: declined (registered → screen_failed, stage phone_check).
    const declined = await register();
    const r1 = await fail(declined, {
      reason: 'declined',
      detail: 'does not want a transplant at all',
    }).expect(200);
    expect(r1.body).toMatchObject({
      status: 'screen_failed',
      fhirStatus: 'ineligible',
      withdrawal: null,
      screenFailure: {
        reason: 'declined',
        stage: 'phone_check',
        detail: 'does not want a transplant at all',
        date: '2026-03-10',
      },
    });
    // Records review: criterion not met.
    const criteria = await register();
    await step(criteria, { to: 'phone_check_done' }).expect(200);
    await fail(criteria, {
      reason: 'not_meeting_criteria',
      detail: 'EDSS 7.0 in the letter of referral',
      date: '2026-03-10',
    })
      .expect(200)
      .expect((res) =>
        expect(res.body.screenFailure).toMatchObject({
          stage: 'records_review',
          date: '2026-03-10',
        }),
      );
    // Screening visit: other.
    const other = await register();
    for (const to of ['phone_check_done', 'records_reviewed', 'screening_visit_planned']) {
      await step(other, { to }).expect(200);
    }
    await fail(other, { reason: 'other', detail: 'moved abroad', stage: 'screening_visit' }).expect(
      200,
    );
    // A withdrawal (consent withdrawn) stays a withdrawal.
    const withdrawn = await register();
    await t
      .http()
      .post(`/participants/${withdrawn}/withdraw`)
      .set(bearer(coordinator))
      .send({ destroySamples: false, reason: 'changed mind' })
      .expect(200);
    await register(); // still in screening

    // A bad code or missing text changes nothing.
    const still = await register();
    const bad = await fail(still, { reason: 'bored', detail: 'x' }).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain('reason');
    await fail(still, { reason: 'other' }).expect(400);
    const pre = await t.http().get(`/participants/${still}`).set(bearer(coordinator)).expect(200);
    expect(pre.body.status).toBe('registered');

    const consort = await t.http().get('/reports/consort').set(bearer(statistician)).expect(200);
    expect(consort.body.enrolment).toMatchObject({
      assessedForEligibility: 6,
      excluded: { total: 4 },
      stillInScreening: 2,
      randomised: 0,
    });
    const reasons = Object.fromEntries(
      (consort.body.enrolment.excluded.reasons as { reason: string; n: number }[]).map((r) => [
        r.reason,
        r.n,
      ]),
    );
    // declined: the phone-check refusal + the participant's own withdrawal.
    expect(reasons).toEqual({ not_meeting_criteria: 1, declined: 2, other: 1 });
    const svg = await t.http().get('/reports/consort.svg').set(bearer(statistician)).expect(200);
    const text = Buffer.isBuffer(svg.body) ? svg.body.toString('utf8') : svg.text;
    for (const fragment of [
      'Excluded (n=4)',
      'Not meeting inclusion criteria (n=1)',
      'Declined to participate (n=2)',
      'Other reasons (n=1)',
    ]) {
      expect(text).toContain(fragment);
    }

    const log = await t
      .http()
      .get('/screening-log')
      .query({ siteId: ams })
      .set(bearer(monitor))
      .expect(200);
    expect(log.body.consort).toEqual({
      assessedForEligibility: 6,
      excluded: 4,
      notMeetingCriteria: 1,
      declined: 2,
      other: 1,
      screenFailures: 3,
      withdrawn: 1,
      inScreening: 2,
      randomised: 0,
    });
    const byId = new Map(
      (log.body.items as { participantId: string }[]).map((i) => [i.participantId, i]),
    );
    expect(byId.get(declined)).toMatchObject({
      status: 'screen_failed',
      exclusion: 'declined',
      screenFailure: {
        reason: 'declined',
        stage: 'phone_check',
        detail: 'does not want a transplant at all',
        date: '2026-03-10',
      },
    });
    expect(byId.get(criteria)).toMatchObject({
      exclusion: 'not_meeting_criteria',
      screenFailure: { detail: 'EDSS 7.0 in the letter of referral' },
    });
    expect(byId.get(withdrawn)).toMatchObject({
      status: 'withdrawn',
      exclusion: 'declined',
      withdrawalReason: 'changed mind',
      screenFailure: null,
    });

    // A screen failure can start a new screening episode (re-screening), like an ineligible decision.
    const audit = await t.factory.auditRows({
      action: 'participant.transition',
      entityId: declined,
    });
    expect(audit).toHaveLength(1);
  });

  it('records the date a step happened: not in the future, not before registration, default today', async () => {
    const id = await register();
    const future = await step(id, { to: 'phone_check_done', date: '2026-03-11' }).expect(400);
    expect(future.body.errors).toEqual([
      expect.objectContaining({ path: 'date', code: 'DATE_IN_FUTURE' }),
    ]);
    const early = await step(id, { to: 'phone_check_done', date: '2026-03-01' }).expect(400);
    expect(early.body.errors).toEqual([
      expect.objectContaining({ path: 'date', code: 'DATE_BEFORE_REGISTRATION' }),
    ]);
    await step(id, { to: 'phone_check_done', date: 'tomorrow' }).expect(400);
    const unchanged = await t
      .http()
      .get(`/participants/${id}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(unchanged.body.status).toBe('registered');

    await step(id, { to: 'phone_check_done', date: '2026-03-10' }).expect(200);
    await step(id, { to: 'records_reviewed' }).expect(200);
    const failFuture = await fail(id, {
      reason: 'other',
      detail: 'x',
      date: '2026-04-01',
    }).expect(400);
    expect(failFuture.body.errors[0]).toMatchObject({ path: 'date', code: 'DATE_IN_FUTURE' });
    const history = await t
      .http()
      .get(`/participants/${id}/history`)
      .set(bearer(coordinator))
      .expect(200);
    expect(history.body.map((h: { to: string; date: string }) => [h.to, h.date])).toEqual([
      ['registered', '2026-03-10'],
      ['phone_check_done', '2026-03-10'],
      ['records_reviewed', '2026-03-10'],
    ]);
  });

  it('[REQ-PART-001] undoes the last step with a reason, keeping the undone step in the history and the audit trail', async () => {
    const id = await register();
    await step(id, { to: 'phone_check_done' }).expect(200);
    await t
      .http()
      .post(`/participants/${id}/transitions/undo`)
      .set(bearer(coordinator))
      .send({})
      .expect(400);
    const undone = await t
      .http()
      .post(`/participants/${id}/transitions/undo`)
      .set(bearer(coordinator))
      .send({ reason: 'recorded for the wrong candidate' })
      .expect(200);
    expect(undone.body.status).toBe('registered');
    const history = await t
      .http()
      .get(`/participants/${id}/history`)
      .set(bearer(coordinator))
      .expect(200);
    expect(history.body).toEqual([
      expect.objectContaining({ to: 'registered', kind: 'registration', undoneAt: null }),
      expect.objectContaining({
        to: 'phone_check_done',
        kind: 'step',
        undoneAt: expect.any(String),
        undoneBy: coordinator.id,
        undoReason: 'recorded for the wrong candidate',
      }),
      expect.objectContaining({
        from: 'phone_check_done',
        to: 'registered',
        kind: 'undo',
        reason: 'recorded for the wrong candidate',
      }),
    ]);
    const [audit] = (await t.factory.auditRows({
      action: 'participant.step_undone',
      entityId: id,
    })) as unknown as { before: { status: string }; after: { status: string }; reason: string }[];
    expect(audit).toMatchObject({
      before: { status: 'phone_check_done' },
      after: { status: 'registered' },
      reason: 'recorded for the wrong candidate',
    });
    // The registration itself is not undone here.
    const nothing = await t
      .http()
      .post(`/participants/${id}/transitions/undo`)
      .set(bearer(coordinator))
      .send({ reason: 'again' })
      .expect(409);
    expect(nothing.body.code).toBe('PARTICIPANT_NOTHING_TO_UNDO');

    // A screen failure is undone too: the coded reason goes, the history keeps it.
    await fail(id, { reason: 'declined', detail: 'said no on the phone' }).expect(200);
    const back = await t
      .http()
      .post(`/participants/${id}/transitions/undo`)
      .set(bearer(coordinator))
      .send({ reason: 'it was the partner who said no' })
      .expect(200);
    expect(back.body).toMatchObject({ status: 'registered', screenFailure: null });
    const [failAudit] = (
      await t.factory.auditRows({
        action: 'participant.step_undone',
        entityId: id,
      })
    ).slice(-1) as unknown as { before: Record<string, unknown> }[];
    expect(failAudit.before).toMatchObject({
      status: 'screen_failed',
      screenFailure: { reason: 'declined', detail: 'said no on the phone' },
    });
  });

  it('[REQ-PART-004] warns of a likely duplicate across sites without revealing the other record; a confirmation with a reason proceeds', async () => {
    const first = {
      givenName: 'Ingrid',
      familyName: 'Haugen-Ødegård',
      birthDate: '1984-07-21',
      nationalId: { type: 'nl_bsn', value: '123456782' },
    };
    const firstId = await register(coordinator, ams, first);
    const [row]: { study_id: string }[] = await t.dataSource.query(
      `SELECT study_id FROM participants WHERE id = $1`,
      [firstId],
    );

    // Same national id at another site, another name.
    const again = {
      givenName: 'Inga',
      familyName: 'Other',
      birthDate: '1980-01-01',
      nationalId: { type: 'nl_bsn', value: '1234 56-782' },
    };
    const dup = await t
      .http()
      .post('/participants')
      .set(bearer(berCoordinator))
      .send({ siteId: ber, identity: again })
      .expect(409);
    expect(dup.body.code).toBe('LIKELY_DUPLICATE');
    expect(dup.body.errors).toEqual([
      expect.objectContaining({ path: 'confirmDuplicate', params: { matchedOn: ['national_id'] } }),
    ]);
    const text = JSON.stringify(dup.body);
    for (const secret of [
      firstId,
      row.study_id,
      'Ingrid',
      'Haugen',
      '1984-07-21',
      '123456782',
      ams,
      'NL-AMS',
    ]) {
      expect(text).not.toContain(secret);
    }
    const [{ count }]: { count: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM participants WHERE site_id = $1`,
      [ber],
    );
    expect(count).toBe(0);

    // Same name (other spelling of case and accents) and birth date, no national id.
    const sameName = await t
      .http()
      .post('/participants')
      .set(bearer(berCoordinator))
      .send({
        siteId: ber,
        identity: { givenName: 'INGRID', familyName: 'Haugen Odegard', birthDate: '1984-07-21' },
      })
      .expect(409);
    expect(sameName.body.errors[0].params).toEqual({ matchedOn: ['name_birth_date'] });

    // Confirmation with a reason proceeds; the reason is audited.
    await t
      .http()
      .post('/participants')
      .set(bearer(berCoordinator))
      .send({ siteId: ber, identity: again, confirmDuplicate: {} })
      .expect(400);
    const ok = await t
      .http()
      .post('/participants')
      .set(bearer(berCoordinator))
      .send({
        siteId: ber,
        identity: again,
        confirmDuplicate: { reason: 'checked with the referring neurologist: typo in the BSN' },
      })
      .expect(201);
    const audit = (await t.factory.auditRows({
      action: 'participant.duplicate_confirmed',
      entityId: ok.body.id,
    })) as unknown as { after: unknown; reason: string }[];
    expect(audit).toEqual([
      expect.objectContaining({
        after: { matchedOn: ['national_id'] },
        reason: 'checked with the referring neurologist: typo in the BSN',
      }),
    ]);

    // No plain text in the identity module's match table.
    const keys: { digest: Buffer }[] = await t.dataSource.query(
      `SELECT digest FROM identity_match_keys WHERE participant_id = $1`,
      [firstId],
    );
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(k.digest.toString('latin1')).not.toContain('123456782');
      expect(k.digest.toString('latin1').toLowerCase()).not.toContain('ingrid');
    }
  });

  it('warns again when a pre-screened candidate who is already a participant is registered', async () => {
    const who = { givenName: 'Web', familyName: 'Formfiller', birthDate: '1991-02-03' };
    await register(coordinator, ams, who);
    const pre = await t
      .http()
      .post('/participants')
      .set(bearer(berCoordinator))
      .send({ siteId: ber, identity: who, stage: 'pre_screened' })
      .expect(201);
    const reg = (body: Record<string, unknown>) =>
      t
        .http()
        .post(`/participants/${pre.body.id}/transitions`)
        .set(bearer(berCoordinator))
        .send({ to: 'registered', ...body });
    const refused = await reg({}).expect(409);
    expect(refused.body).toMatchObject({ code: 'LIKELY_DUPLICATE' });
    expect(refused.body.errors[0].params).toEqual({ matchedOn: ['name_birth_date'] });
    expect(JSON.stringify(refused.body)).not.toMatch(/NL-AMS|Formfiller|1991-02-03/);
    const ok = await reg({
      confirmDuplicate: { reason: 'a different person, checked by phone' },
    }).expect(200);
    expect(ok.body.studyId).toMatch(/^NO-BER-/);
  });

  it('[REQ-PART-004] lets only one of two simultaneous registrations of the same person through unconfirmed', async () => {
    const twin = { givenName: 'Simul', familyName: 'Taneous', birthDate: '1979-11-30' };
    const responses = await Promise.all(
      [coordinator, berCoordinator].map((u, i) =>
        t
          .http()
          .post('/participants')
          .set(bearer(u))
          .send({ siteId: i === 0 ? ams : ber, identity: twin }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('backfills match hashes at start for identities stored without them', async () => {
    const id = await register();
    await t.dataSource.query(`DELETE FROM identity_match_keys WHERE participant_id = $1`, [id]);
    const identity = t.app.get(IdentityApi);
    // Re-run the start-up backfill.
    const svc = (identity as unknown as { identity: { backfillMatchKeys(): Promise<number> } })
      .identity;
    expect(await svc.backfillMatchKeys()).toBe(1);
    const rows: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM identity_match_keys WHERE participant_id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
  });

  it('lists who must re-consent after an amendment and records the new version and date (audited)', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const staff = { coordinator, investigator, siteId: ams };
    const a = await consentedParticipant(t, staff);
    const b = await consentedParticipant(t, staff);
    const pending = () => t.http().get('/reconsent/pending').set(bearer(coordinator)).expect(200);
    expect((await pending()).body).toEqual({ currentVersion: null, amendment: null, items: [] });

    await t.dataSource.query(
      `UPDATE trials SET settings = jsonb_set(settings, '{consent}', '{"currentVersion": "4.0", "amendment": "A2: new MRI schedule"}')`,
    );
    t.app.get(TrialsService).invalidate();
    const list = await pending();
    expect(list.body).toMatchObject({ currentVersion: '4.0', amendment: 'A2: new MRI schedule' });
    expect(list.body.items.map((i: { participantId: string }) => i.participantId).sort()).toEqual(
      [a, b].sort(),
    );
    expect(list.body.items[0]).toMatchObject({
      consentedVersion: '3.0',
      consentedOn: '2026-03-01',
    });
    // Another site's coordinator sees none of them.
    const other = await t.http().get('/reconsent/pending').set(bearer(berCoordinator)).expect(200);
    expect(other.body.items).toEqual([]);

    const record = (body: Record<string, unknown>, id = a) =>
      t.http().post(`/participants/${id}/reconsent`).set(bearer(coordinator)).send(body);
    const wrong = await record({ version: '3.1', date: '2026-03-10' }).expect(400);
    expect(wrong.body.errors[0]).toMatchObject({ path: 'version' });
    const future = await record({ version: '4.0', date: '2026-03-11' }).expect(400);
    expect(future.body.errors[0]).toMatchObject({ path: 'date', code: 'DATE_IN_FUTURE' });
    const early = await record({ version: '4.0', date: '2026-02-01' }).expect(400);
    expect(early.body.errors[0]).toMatchObject({ path: 'date', code: 'DATE_BEFORE_CONSENT' });
    await record({ version: '4.0', date: '2026-03-09' })
      .expect(201)
      .expect((res) =>
        expect(res.body).toEqual({ participantId: a, version: '4.0', date: '2026-03-09' }),
      );
    await record({ version: '4.0', date: '2026-03-10' }).expect(409);
    const still = await pending();
    expect(still.body.items.map((i: { participantId: string }) => i.participantId)).toEqual([b]);
    const audit = (await t.factory.auditRows({
      action: 'eligibility.reconsent_recorded',
      entityId: a,
    })) as unknown as { before: unknown; after: Record<string, unknown> }[];
    expect(audit).toHaveLength(1);
    expect(audit[0].before).toEqual({ version: '3.0', date: '2026-03-01' });
    expect(audit[0].after).toMatchObject({ version: '4.0', date: '2026-03-09' });
    // Not consented: nothing to renew.
    const fresh = await register();
    await record({ version: '4.0', date: '2026-03-10' }, fresh).expect(409);
  });

  it('answers "born on or before" without exposing the birth date or logging an identity read', async () => {
    const id = await register(coordinator, ams, {
      givenName: 'Born',
      familyName: 'Check',
      birthDate: '1990-06-15',
    });
    const api = t.app.get(IdentityApi);
    expect(await api.bornOnOrBefore(id, '1990-06-15')).toBe(true);
    expect(await api.bornOnOrBefore(id, '2020-01-01')).toBe(true);
    expect(await api.bornOnOrBefore(id, '1990-06-14')).toBe(false);
    expect(await t.factory.auditRows({ action: 'identity.read', entityId: id })).toHaveLength(0);
  });
});
