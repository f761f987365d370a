import { ParticipantsService } from 'src/modules/participants/participants.service';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { EligibilityService } from 'src/modules/eligibility/eligibility.service';
import type { ScreeningData } from 'src/modules/eligibility/engine';
import {
  ramMsEligibleRecord,
  zinEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, TestUser } from '../harness/factory';

/** The engine builders' records are made for 2026-03-01 (ASSESSMENT_DATE). */
const NOW = '2026-03-01T10:00:00Z';
const PATHWAY = [
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
];

type AuditRow = {
  action: string;
  entity_id: string;
  actor_id: string | null;
  actor_role: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

/** The builder record split as the system stores it: birth date to identity, the rest entered in steps. */
function entrySteps(record: ScreeningData): {
  birthDate: string;
  steps: Record<string, unknown>[];
} {
  const {
    birthDate,
    consent: _consent,
    diagnosis,
    edss,
    treatments,
    relapses,
    mriExams,
    referredFromNeurology,
    ...rest
  } = record;
  return {
    birthDate: birthDate ?? '1990-05-10',
    steps: [
      { diagnosis, referredFromNeurology },
      { edss },
      { treatments, relapses },
      { mriExams },
      rest,
    ].filter((step) => Object.values(step).some((v) => v !== undefined)),
  };
}

describe('eligibility: screening data, criteria, sign-off, consent (e2e)', () => {
  /** Distinct people: the same name and birth date twice is a likely duplicate (409). */
  let people = 0;
  let t: TestApp;
  let coordinator: TestUser;
  let investigator: TestUser;
  let otherInvestigator: TestUser;
  let otherCoordinator: TestUser;
  let monitor: TestUser;
  let ams: string;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: NOW });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    otherInvestigator = await t.factory.user('investigator', { sites: ['NO-BER'] });
    otherCoordinator = await t.factory.user('coordinator', { sites: ['NO-BER'] });
    monitor = await t.factory.user('monitor', { trialWide: true });
  });
  afterAll(() => t.close());

  const audit = async (entityId: string, action?: string) =>
    (await t.factory.auditRows({ entityId, action })) as unknown as AuditRow[];
  const patch = (id: string, body: Record<string, unknown>, user = coordinator) =>
    t.http().patch(`/participants/${id}/screening`).set(bearer(user)).send(body);
  const assess = (id: string, body: Record<string, unknown> = {}) =>
    t.http().post(`/participants/${id}/assessments`).set(bearer(coordinator)).send(body);
  const sign = (id: string, aid: string, user = investigator, password = TEST_PASSWORD) =>
    t
      .http()
      .post(`/participants/${id}/assessments/${aid}/sign`)
      .set(bearer(user))
      .send({ password, meaning: 'I confirm this eligibility decision' });
  const participant = async (id: string) =>
    (await t.http().get(`/participants/${id}`).set(bearer(monitor)).expect(200)).body;

  /** Registers a candidate, walks the pathway to the screening visit and enters the record step by step. */
  async function candidate(record: ScreeningData, opts: { walk?: boolean } = {}): Promise<string> {
    const { birthDate, steps } = entrySteps(record);
    const res = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: { givenName: `Test${++people}`, familyName: 'Candidate', birthDate },
      })
      .expect(201);
    const id = res.body.id as string;
    if (opts.walk !== false) {
      for (const to of PATHWAY) {
        await t
          .http()
          .post(`/participants/${id}/transitions`)
          .set(bearer(coordinator))
          .send({ to })
          .expect(200);
      }
    }
    for (const step of steps) {
      await patch(id, step).expect(200);
    }
    return id;
  }

  it('[REQ-ELIG-002] takes a candidate from registration to a signed eligible decision and consent, auditing every step', async () => {
    const id = await candidate(ramMsEligibleRecord());
    const screening = await t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    expect(screening.body).toMatchObject({
      episodeNo: 1,
      current: true,
      decision: null,
      data: { edss: { score: 3.5 } },
    });
    expect(screening.body.data.birthDate).toBeUndefined();

    const live = await t
      .http()
      .get(`/participants/${id}/eligibility`)
      .set(bearer(coordinator))
      .expect(200);
    expect(live.body).toMatchObject({
      assessmentDate: '2026-03-01',
      activeSetId: 'ram-ms-v2',
      ageAtAssessment: 35,
    });
    expect(live.body.results).toHaveLength(1);
    expect(live.body.results[0]).toMatchObject({
      criteriaSetId: 'ram-ms-v2',
      active: true,
      result: 'eligible',
      disabledCriteria: ['I7', 'E3'],
    });

    const a = await assess(id).expect(201);
    expect(a.body).toMatchObject({
      criteriaSetId: 'ram-ms-v2',
      criteriaSetVersion: 'v2',
      assessmentDate: '2026-03-01',
      ageAtAssessment: 35,
      result: 'eligible',
      exclusionCodes: [],
      inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      matchesCurrentData: true,
      signature: null,
    });
    expect(a.body.criteria.map((c: { id: string }) => c.id)).toEqual([
      'I1',
      'I2',
      'I3',
      'I4',
      'I5',
      'I6',
      'E1',
      'E2',
      'E4',
      'E5',
      'E6',
      'E7',
      'E8',
      'E9',
      'E10',
      'E11',
      'E12',
    ]);
    expect(JSON.stringify(a.body)).not.toContain('1990-05-10');

    const signed = await sign(id, a.body.id).expect(200);
    expect(signed.body.signature).toMatchObject({
      status: 'signed',
      signerId: investigator.id,
      signerName: 'Test investigator',
      signedAt: new Date(NOW).toISOString(),
      meaning: 'I confirm this eligibility decision',
    });
    expect(await participant(id)).toMatchObject({ status: 'eligible', fhirStatus: 'eligible' });

    const consented = await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-03-01' })
      .expect(200);
    expect(consented.body).toMatchObject({ status: 'consented', fhirStatus: 'pending-on-study' });
    const episode = await t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    expect(episode.body).toMatchObject({
      decision: 'eligible',
      decidedAssessmentId: a.body.id,
      consent: { version: '3.0', date: '2026-03-01', ageAtConsent: 35 },
    });

    const rows = await audit(id);
    const actions = rows.map((r) => r.action);
    expect(actions).toEqual([
      'participant.registered',
      ...PATHWAY.map(() => 'participant.transition'),
      ...Array(5).fill('screening.updated'),
      'eligibility.assessed',
      'eligibility.signed',
      'participant.transition',
      'eligibility.consent_recorded',
      'participant.transition',
    ]);
    const signedRow = rows.find((r) => r.action === 'eligibility.signed') as AuditRow;
    expect(signedRow).toMatchObject({
      actor_id: investigator.id,
      actor_role: 'investigator',
      after: { result: 'eligible', signerName: 'Test investigator' },
    });
    const moves = rows
      .filter((r) => r.action === 'participant.transition')
      .map((r) => r.after?.status);
    expect(moves).toEqual([...PATHWAY, 'eligible', 'consented']);

    // The randomisation gate passes, and moves the participant inside the caller's transaction.
    const gate = t.app.get(EligibilityService);
    const tx = t.app.get(TransactionRunner);
    const candidateInfo = await tx.run((uow) => gate.assertRandomisable(uow, id));
    expect(candidateInfo).toMatchObject({
      participantId: id,
      countryCode: 'NL',
      assessmentId: a.body.id,
      criteriaSetId: 'ram-ms-v2',
      consentVersion: '3.0',
      ageAtConsent: 35,
    });
    await tx.run((uow) =>
      t.app.get(ParticipantsService).transition(uow, id, 'randomised', { kind: 'randomisation' }),
    );
    expect(await participant(id)).toMatchObject({ status: 'randomised', fhirStatus: 'on-study' });
    await expect(tx.run((uow) => gate.assertRandomisable(uow, id))).rejects.toMatchObject({
      code: 'PARTICIPANT_NOT_CONSENTED',
    });
  });

  it("dates assessments by the site's calendar, from the injected clock", async () => {
    const id = await candidate(ramMsEligibleRecord(), { walk: false });
    t.clock?.set('2026-03-01T23:30:00Z'); // 00:30 on 2 March in Amsterdam
    try {
      const res = await t
        .http()
        .get(`/participants/${id}/eligibility`)
        .set(bearer(coordinator))
        .expect(200);
      expect(res.body.assessmentDate).toBe('2026-03-02');
      const a = await assess(id).expect(201);
      expect(a.body.assessmentDate).toBe('2026-03-02');
    } finally {
      t.clock?.set(NOW);
    }
  });

  it('evaluates the pre-screening answers on their own, without touching the screening data', async () => {
    const { birthDate, steps } = entrySteps(ramMsEligibleRecord());
    const preScreening = Object.assign({}, ...steps) as Record<string, unknown>;
    const res = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: { givenName: `Pre${++people}`, familyName: 'Screen', birthDate },
        preScreening,
        stage: 'pre_screened',
      })
      .expect(201);
    const pre = await t
      .http()
      .get(`/participants/${res.body.id}/eligibility`)
      .query({ source: 'pre_screening' })
      .set(bearer(coordinator))
      .expect(200);
    expect(pre.body).toMatchObject({
      source: 'pre_screening',
      results: [{ criteriaSetId: 'ram-ms-v2', result: 'eligible' }],
    });
    const screening = await t
      .http()
      .get(`/participants/${res.body.id}/eligibility`)
      .set(bearer(coordinator))
      .expect(200);
    expect(screening.body.results[0].result).toBe('incomplete');
    expect(
      (await t.http().get(`/participants/${res.body.id}/screening`).set(bearer(coordinator))).body
        .data,
    ).toEqual({});
  });

  it('[REQ-ELIG-004] takes a candidate to a signed ineligible decision with coded exclusion reasons', async () => {
    const record = ramMsEligibleRecord();
    record.treatments = [
      { drug: 'alemtuzumab', startDate: '2022-01-01', endDate: '2022-01-05' },
      ...(record.treatments ?? []),
    ];
    const id = await candidate(record);
    const a = await assess(id).expect(201);
    expect(a.body).toMatchObject({ result: 'ineligible', exclusionCodes: ['E2'] });
    expect(a.body.criteria.find((c: { id: string }) => c.id === 'E2')).toMatchObject({
      outcome: 'not_met',
      explanation: expect.stringContaining('alemtuzumab'),
    });
    await sign(id, a.body.id).expect(200);
    expect(await participant(id)).toMatchObject({ status: 'ineligible', fhirStatus: 'ineligible' });
    const episode = await t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    expect(episode.body).toMatchObject({ decision: 'ineligible', exclusionCodes: ['E2'] });
    const [move] = (await audit(id, 'participant.transition')).filter(
      (r) => r.after?.status === 'ineligible',
    );
    expect(move.reason).toBe('not eligible: E2');

    // Consent is only for eligible participants.
    const refused = await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-03-01' })
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'PARTICIPANT_ILLEGAL_TRANSITION',
      errors: [{ path: 'to', params: { from: 'ineligible', to: 'consented' } }],
    });

    const log = await t
      .http()
      .get('/screening-log')
      .query({ exclusionCode: 'E2' })
      .set(bearer(coordinator))
      .expect(200);
    expect(log.body.items.map((i: { participantId: string }) => i.participantId)).toContain(id);
    expect(
      log.body.items.find((i: { participantId: string }) => i.participantId === id),
    ).toMatchObject({
      status: 'ineligible',
      siteLabel: 'NL-AMS',
      decision: 'ineligible',
      exclusionCodes: ['E2'],
      assessmentDate: '2026-03-01',
      criteriaSetId: 'ram-ms-v2',
    });
    expect(log.body.exclusionCounts).toEqual(
      expect.arrayContaining([
        { code: 'E2', title: expect.stringContaining('alemtuzumab'), count: expect.any(Number) },
      ]),
    );
  });

  it('[REQ-ELIG-001] evaluates one candidate against all three criteria sets side by side', async () => {
    const id = await candidate(zinEligibleRecord());
    const res = await t
      .http()
      .get(`/participants/${id}/eligibility`)
      .query({ sets: 'ram-ms-v1,ram-ms-v2,zin-2022' })
      .set(bearer(investigator))
      .expect(200);
    expect(
      res.body.results.map((r: { criteriaSetId: string; result: string; active: boolean }) => [
        r.criteriaSetId,
        r.result,
        r.active,
      ]),
    ).toEqual([
      ['ram-ms-v1', 'ineligible', false],
      ['ram-ms-v2', 'ineligible', true],
      ['zin-2022', 'eligible', false],
    ]);
    expect(res.body.results[1].exclusionCodes).toEqual(['I5', 'E2', 'E8']);
    expect(res.body.summary[2]).toBe('ZIN 2022: meets the criteria');
    expect(res.body.summary[1]).toMatch(
      /^RAM-MS v2 \(2021 amendment\): not eligible \(.*E2: prior ocrelizumab/,
    );
    expect(res.body.ageAtAssessment).toBe(45);
    expect(JSON.stringify(res.body)).not.toContain('1980-07-15');

    // Prior rituximab: excluded by v1, allowed by v2 (the ~2021 amendment).
    const rtx = ramMsEligibleRecord();
    rtx.treatments = [
      { drug: 'rituximab', startDate: '2021-01-01', endDate: '2021-06-01' },
      ...(rtx.treatments ?? []),
    ];
    const id2 = await candidate(rtx);
    const both = await t
      .http()
      .get(`/participants/${id2}/eligibility`)
      .query({ sets: 'ram-ms-v1,ram-ms-v2,zin-2022' })
      .set(bearer(monitor))
      .expect(200);
    expect(both.body.results.map((r: { result: string }) => r.result)).toEqual([
      'ineligible',
      'eligible',
      'ineligible',
    ]);
    expect(both.body.results[0].exclusionCodes).toEqual(['E3']);

    const unknown = await t
      .http()
      .get(`/participants/${id}/eligibility`)
      .query({ sets: 'ram-ms-v9' })
      .set(bearer(investigator))
      .expect(400);
    expect(unknown.body.code).toBe('CRITERIA_SET_UNKNOWN');
    await t
      .http()
      .get(`/participants/${id}/eligibility`)
      .query({ sets: 'DROP TABLE' })
      .set(bearer(investigator))
      .expect(400);

    // An assessment may be stored under another set, but only the active set's are signed.
    const zin = await assess(id, { criteriaSetId: 'zin-2022' }).expect(201);
    expect(zin.body).toMatchObject({ criteriaSetId: 'zin-2022', result: 'eligible' });
    const refused = await sign(id, zin.body.id).expect(409);
    expect(refused.body.code).toBe('ASSESSMENT_NOT_ACTIVE_SET');
  });

  it('[REQ-ELIG-002] voids a signature when the screening data it judged change, and reopens the decision', async () => {
    const id = await candidate(ramMsEligibleRecord());
    const a = await assess(id).expect(201);
    await sign(id, a.body.id).expect(200);
    expect((await participant(id)).status).toBe('eligible');

    const noReason = await patch(id, { edss: { score: 4 } }).expect(400);
    expect(noReason.body).toMatchObject({
      code: 'REASON_REQUIRED',
      errors: [{ path: 'reason', params: { corrected: ['edss.score'] } }],
    });
    // Nothing changed by the refused write.
    expect(
      (
        await t
          .http()
          .get(`/participants/${id}/assessments/${a.body.id}`)
          .set(bearer(monitor))
          .expect(200)
      ).body.signature.status,
    ).toBe('signed');

    await patch(id, { edss: { score: 4 }, reason: 'EDSS re-scored by the neurologist' }).expect(
      200,
    );
    const after = await t
      .http()
      .get(`/participants/${id}/assessments/${a.body.id}`)
      .set(bearer(monitor))
      .expect(200);
    expect(after.body).toMatchObject({
      matchesCurrentData: false,
      signature: { status: 'void', voidReason: 'screening data changed (edss)' },
    });
    expect(await participant(id)).toMatchObject({
      status: 'screening_visit_done',
      fhirStatus: 'screening',
    });
    const episode = await t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    expect(episode.body).toMatchObject({ decision: null, exclusionCodes: [] });

    const corrected = (await audit(id, 'screening.corrected'))[0];
    // Exactly the corrected field, before and after.
    expect(corrected).toMatchObject({
      reason: 'EDSS re-scored by the neurologist',
      before: { 'edss.score': 3.5 },
      after: { 'edss.score': 4 },
    });
    expect(Object.keys(corrected.after as object)).toEqual(['edss.score']);
    expect(await audit(id, 'eligibility.signature_voided')).toHaveLength(1);
    const reopen = (await audit(id, 'participant.transition')).at(-1) as AuditRow;
    expect(reopen).toMatchObject({
      before: { status: 'eligible' },
      after: { status: 'screening_visit_done', kind: 'reopen' },
    });

    // Consent now needs a new signed assessment.
    await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-03-01' })
      .expect(409);
    const b = await assess(id).expect(201);
    await sign(id, b.body.id).expect(200);
    await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-03-01' })
      .expect(200);

    // After consent a correction still voids the signature; the gate then refuses randomisation.
    // A recorded list changes item by item (by itemId).
    const recorded = await t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    const [relapse] = recorded.body.data.relapses as { itemId: string }[];
    await patch(id, {
      lists: { relapses: { change: [{ itemId: relapse.itemId, onsetDate: '2025-09-02' }] } },
      reason: 'onset date per letter',
    }).expect(200);
    expect(await participant(id)).toMatchObject({ status: 'consented' });
    const gate = t.app.get(EligibilityService);
    await expect(
      t.app.get(TransactionRunner).run((uow) => gate.assertRandomisable(uow, id)),
    ).rejects.toMatchObject({ code: 'ELIGIBILITY_NOT_SIGNED' });
    const tx = t.app.get(TransactionRunner);
    const blockers = await tx.run((uow) => gate.randomisationBlockers(uow, id));
    expect(blockers.map((b) => b.code)).toEqual(['ELIGIBILITY_NOT_SIGNED']);
    const fresh = await candidate(ramMsEligibleRecord());
    const all = await tx.run((uow) => gate.randomisationBlockers(uow, fresh));
    expect(all.map((b) => b.code)).toEqual(['PARTICIPANT_NOT_CONSENTED', 'ELIGIBILITY_NOT_SIGNED']);
  });

  it('[REQ-ELIG-002] voids a signature when a birth-date correction changes the age it judged', async () => {
    const id = await candidate(ramMsEligibleRecord());
    const a = await assess(id).expect(201);
    await sign(id, a.body.id).expect(200);
    // The same age (35 on 2026-03-01): the signature stands.
    await t
      .http()
      .patch(`/participants/${id}/identity`)
      .set(bearer(coordinator))
      .send({ birthDate: '1990-05-11', reason: 'typo' })
      .expect(200);
    expect(
      (await t.http().get(`/participants/${id}/assessments/${a.body.id}`).set(bearer(monitor))).body
        .signature.status,
    ).toBe('signed');
    // A different age: void.
    await t
      .http()
      .patch(`/participants/${id}/identity`)
      .set(bearer(coordinator))
      .send({ birthDate: '1970-05-11', reason: 'wrong year' })
      .expect(200);
    const after = await t
      .http()
      .get(`/participants/${id}/assessments/${a.body.id}`)
      .set(bearer(monitor))
      .expect(200);
    expect(after.body.signature).toMatchObject({
      status: 'void',
      voidReason: 'birth date corrected',
    });
    expect((await participant(id)).status).toBe('screening_visit_done');
  });

  it('[REQ-ESIG-001][REQ-ELIG-002] signs only with the right password, as an investigator of the site, a current and complete assessment', async () => {
    const id = await candidate(ramMsEligibleRecord());
    const a = await assess(id).expect(201);

    const wrong = await sign(id, a.body.id, investigator, 'not my password').expect(401);
    expect(wrong.body.code).toBe('SIGNATURE_PASSWORD_INVALID');
    expect(
      (await t.http().get(`/participants/${id}/assessments/${a.body.id}`).set(bearer(monitor))).body
        .signature,
    ).toBeNull();
    expect(await audit(id, 'eligibility.signature_failed')).toHaveLength(1);
    expect((await participant(id)).status).toBe('screening_visit_done');

    await t
      .http()
      .post(`/participants/${id}/assessments/${a.body.id}/sign`)
      .set(bearer(coordinator))
      .send({ password: TEST_PASSWORD, meaning: 'x' })
      .expect(403);
    const foreign = await sign(id, a.body.id, otherInvestigator).expect(404);
    expect(foreign.body.code).toBe('PARTICIPANT_NOT_FOUND');
    await t
      .http()
      .post(`/participants/${id}/assessments/${a.body.id}/sign`)
      .set(bearer(investigator))
      .send({ password: TEST_PASSWORD })
      .expect(400);

    // Stale: the data changed after the assessment was made (first entry: no signature to void).
    await patch(id, { willingToBeRandomised: false, reason: 'changed mind at the visit' }).expect(
      200,
    );
    const stale = await sign(id, a.body.id).expect(409);
    expect(stale.body.code).toBe('ASSESSMENT_STALE');
    const b = await assess(id).expect(201);
    expect(b.body).toMatchObject({ result: 'ineligible', exclusionCodes: ['E7'] });
    await sign(id, b.body.id).expect(200);
    expect((await sign(id, b.body.id).expect(409)).body.code).toBe('ASSESSMENT_ALREADY_SIGNED');

    // Incomplete: nothing to sign.
    const empty = await candidate({});
    const c = await assess(empty).expect(201);
    expect(c.body.result).toBe('incomplete');
    expect((await sign(empty, c.body.id).expect(409)).body.code).toBe('ASSESSMENT_INCOMPLETE');
  });

  it('refuses signing before the screening visit is done', async () => {
    const id = await candidate(ramMsEligibleRecord(), { walk: false });
    const a = await assess(id).expect(201);
    const res = await sign(id, a.body.id).expect(409);
    expect(res.body).toMatchObject({
      code: 'PARTICIPANT_ILLEGAL_TRANSITION',
      errors: [{ path: 'to', params: { from: 'registered', to: 'eligible' } }],
    });
  });

  it('[REQ-ELIG-003] records consent only from eligible, with a plausible date and age, and re-screens a screen failure once', async () => {
    const id = await candidate(ramMsEligibleRecord());
    const early = await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-03-01' })
      .expect(409);
    expect(early.body.code).toBe('PARTICIPANT_ILLEGAL_TRANSITION');
    const a = await assess(id).expect(201);
    await sign(id, a.body.id).expect(200);
    const future = await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-03-02' })
      .expect(400);
    expect(future.body.code).toBe('CONSENT_DATE_IN_FUTURE');
    await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '01-03-2026' })
      .expect(400);

    // Re-screening: an ineligible candidate gets a new episode; the old one is kept.
    const failed = ramMsEligibleRecord();
    failed.infections = { ...failed.infections, tb: 'positive' };
    const sf = await candidate(failed);
    const s1 = await assess(sf).expect(201);
    expect(s1.body.exclusionCodes).toEqual(['E5']);
    await sign(sf, s1.body.id).expect(200);
    const notYet = await t
      .http()
      .post(`/participants/${id}/rescreen`)
      .set(bearer(coordinator))
      .send({})
      .expect(409);
    expect(notYet.body.code).toBe('PARTICIPANT_ILLEGAL_TRANSITION');
    const re = await t
      .http()
      .post(`/participants/${sf}/rescreen`)
      .set(bearer(coordinator))
      .send({ reason: 'TB treated' })
      .expect(200);
    expect(re.body).toMatchObject({ status: 'registered', screeningEpisode: 2 });
    const episodes = await t
      .http()
      .get(`/participants/${sf}/screening/episodes`)
      .set(bearer(monitor))
      .expect(200);
    expect(
      episodes.body.map(
        (e: {
          episodeNo: number;
          current: boolean;
          decision: string | null;
          exclusionCodes: string[];
        }) => [e.episodeNo, e.current, e.decision, e.exclusionCodes],
      ),
    ).toEqual([
      [1, false, 'ineligible', ['E5']],
      [2, true, null, []],
    ]);
    expect(
      (await t.http().get(`/participants/${sf}/screening`).set(bearer(coordinator))).body.data,
    ).toEqual({});
    // The old assessment belongs to the closed episode.
    const old = await t
      .http()
      .get(`/participants/${sf}/assessments`)
      .set(bearer(monitor))
      .expect(200);
    expect(old.body[0]).toMatchObject({ episodeNo: 1, matchesCurrentData: false });

    for (const to of PATHWAY) {
      await t
        .http()
        .post(`/participants/${sf}/transitions`)
        .set(bearer(coordinator))
        .send({ to })
        .expect(200);
    }
    for (const step of entrySteps(failed).steps) {
      await patch(sf, step).expect(200);
    }
    const s2 = await assess(sf).expect(201);
    expect(s2.body).toMatchObject({ episodeNo: 2, exclusionCodes: ['E5'] });
    await sign(sf, s2.body.id).expect(200);
    const limit = await t
      .http()
      .post(`/participants/${sf}/rescreen`)
      .set(bearer(coordinator))
      .send({})
      .expect(409);
    expect(limit.body.code).toBe('RESCREEN_LIMIT_REACHED');
  });

  it('[REQ-ELIG-003] refuses consent when the age at consent is outside the active set', async () => {
    // 18 at the assessment date; a consent dated before the 18th birthday is refused (age checkpoint, Q12).
    const record = ramMsEligibleRecord();
    record.birthDate = '2008-02-20'; // 18 on 2026-02-20, 17 the day before
    const id = await candidate(record);
    const a = await assess(id).expect(201);
    expect(a.body).toMatchObject({ result: 'eligible', ageAtAssessment: 18 });
    await sign(id, a.body.id).expect(200);
    const young = await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-02-19' })
      .expect(409);
    expect(young.body).toMatchObject({
      code: 'CONSENT_AGE_OUT_OF_RANGE',
      errors: [{ code: 'CONSENT_AGE_OUT_OF_RANGE', params: { ageAtConsent: 17 } }],
    });
    await t
      .http()
      .post(`/participants/${id}/consent`)
      .set(bearer(coordinator))
      .send({ version: '3.0', date: '2026-02-20' })
      .expect(200);
  });

  it('[REQ-INPUT-001] answers bad screening input with 400 naming the field, never 500', async () => {
    const id = await candidate({}, { walk: false });
    const cases: [Record<string, unknown>, string][] = [
      [{ edss: { score: 5.25 } }, 'edss.score must be a number from 0 to 10 in steps of 0.5'],
      [{ edss: { score: 11 } }, 'edss.score must be a number from 0 to 10 in steps of 0.5'],
      [{ edss: { score: -0.5 } }, 'edss.score'],
      [{ edss: { score: '3.5' } }, 'edss.score'],
      [{ edss: 7 }, 'edss'],
      [{ diagnosis: { course: 'RRMSX' } }, 'diagnosis.course must be one of'],
      [{ diagnosis: { foo: 1 } }, 'foo should not exist'],
      [{ relapses: 'yesterday' }, 'relapses'],
      [{ relapses: [{ onsetDate: '2025-13-01' }] }, 'relapses.0.onsetDate'],
      [{ relapses: [{ steroidTreated: true }] }, 'relapses.0.onsetDate'],
      [
        { relapses: Array.from({ length: 51 }, () => ({ onsetDate: '2025-01-01' })) },
        'relapses must contain no more than 50',
      ],
      [{ mriExams: [{ date: '2025-01-01', gdEnhancingT1: 1.5 }] }, 'mriExams.0.gdEnhancingT1'],
      [{ treatments: [{ drug: 'aspirin' }] }, 'treatments.0.drug must be one of'],
      [{ infections: { tb: 'maybe' } }, 'infections.tb must be one of'],
      [{ willingToBeRandomised: 'yes' }, 'willingToBeRandomised'],
      [{ birthDate: '1990-01-01' }, 'birthDate should not exist'],
      [{ consent: { signed: true } }, 'consent should not exist'],
    ];
    for (const [body, expected] of cases) {
      const res = await patch(id, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toContain(expected);
    }
    const future = await patch(id, { edss: { score: 3, date: '2026-03-02' } }).expect(400);
    expect(future.body).toMatchObject({
      code: 'SCREENING_DATA_INVALID',
      message: expect.stringContaining('edss.date is after today'),
    });
    const ref = await patch(id, {
      mriExams: [{ date: '2025-01-01', comparedWithExamId: 'nope' }],
    }).expect(400);
    expect(ref.body.message).toContain('mriExams[0].comparedWithExamId');
    // Nothing was stored by any of them.
    expect(
      (await t.http().get(`/participants/${id}/screening`).set(bearer(coordinator))).body.data,
    ).toEqual({});
  });

  it('keeps screening data, assessments and the log to the right people', async () => {
    const id = await candidate(ramMsEligibleRecord(), { walk: false });
    await t.http().get(`/participants/${id}/screening`).set(bearer(otherCoordinator)).expect(404);
    await patch(id, { edss: { score: 1 } }, otherCoordinator).expect(404);
    await t.http().get(`/participants/${id}/eligibility`).set(bearer(otherCoordinator)).expect(404);
    await t
      .http()
      .post(`/participants/${id}/assessments`)
      .set(bearer(otherCoordinator))
      .send({})
      .expect(404);
    await t.http().get(`/participants/${id}/assessments`).set(bearer(otherCoordinator)).expect(404);
    await patch(id, { edss: { score: 1 } }, monitor).expect(403);
    const admin = await t.factory.user('admin', { trialWide: true });
    await t.http().get('/screening-log').set(bearer(admin)).expect(403);

    const theirs = await t.http().get('/screening-log').set(bearer(otherCoordinator)).expect(200);
    expect(theirs.body.items).toEqual([]);
    expect(theirs.body.consort.assessedForEligibility).toBe(0);
    const mine = await t
      .http()
      .get('/screening-log')
      .query({ pageSize: 200 })
      .set(bearer(coordinator))
      .expect(200);
    expect(mine.body.items.map((i: { participantId: string }) => i.participantId)).toContain(id);
    const all = await t
      .http()
      .get('/screening-log')
      .query({ siteId: ams, pageSize: 200 })
      .set(bearer(monitor))
      .expect(200);
    expect(all.body.total).toBe(mine.body.total);
  });

  it('[REQ-ELIG-004] counts the CONSORT enrolment boxes and exclusions per reason', async () => {
    const dk = await t.factory.site('DK-CPH');
    const dkCoordinator = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    const dkInvestigator = await t.factory.user('investigator', { sites: ['DK-CPH'] });
    const make = async (record: ScreeningData) => {
      const { birthDate, steps } = entrySteps(record);
      const res = await t
        .http()
        .post('/participants')
        .set(bearer(dkCoordinator))
        .send({ siteId: dk, identity: { givenName: `A${++people}`, familyName: 'B', birthDate } })
        .expect(201);
      const id = res.body.id as string;
      for (const to of PATHWAY) {
        await t
          .http()
          .post(`/participants/${id}/transitions`)
          .set(bearer(dkCoordinator))
          .send({ to })
          .expect(200);
      }
      for (const step of steps) {
        await t
          .http()
          .patch(`/participants/${id}/screening`)
          .set(bearer(dkCoordinator))
          .send(step)
          .expect(200);
      }
      const a = await t
        .http()
        .post(`/participants/${id}/assessments`)
        .set(bearer(dkCoordinator))
        .send({})
        .expect(201);
      await t
        .http()
        .post(`/participants/${id}/assessments/${a.body.id}/sign`)
        .set(bearer(dkInvestigator))
        .send({ password: TEST_PASSWORD, meaning: 'eligibility decision' })
        .expect(200);
      return id;
    };
    const alem = ramMsEligibleRecord();
    alem.treatments = [
      { drug: 'alemtuzumab', startDate: '2022-01-01', endDate: '2022-01-05' },
      ...(alem.treatments ?? []),
    ];
    const tb = ramMsEligibleRecord();
    tb.infections = { ...tb.infections, tb: 'positive', hiv: 'positive' };
    await make(alem);
    await make(alem);
    await make(tb);
    const declined = await make(ramMsEligibleRecord());
    await t
      .http()
      .post(`/participants/${declined}/withdraw`)
      .set(bearer(dkCoordinator))
      .send({ destroySamples: false })
      .expect(200);
    const other = await make(ramMsEligibleRecord());
    await t
      .http()
      .post(`/participants/${other}/withdraw`)
      .set(bearer(dkCoordinator))
      .send({ destroySamples: false, initiatedBy: 'investigator', reason: 'waiting time exceeded' })
      .expect(200);
    await make(ramMsEligibleRecord()); // eligible, still in screening (not consented)
    await t
      .http()
      .post('/participants')
      .set(bearer(dkCoordinator))
      .send({
        siteId: dk,
        identity: { givenName: 'C', familyName: 'D', birthDate: '1990-01-01' },
        stage: 'pre_screened',
      })
      .expect(201);

    const log = await t
      .http()
      .get('/screening-log')
      .query({ siteId: dk })
      .set(bearer(monitor))
      .expect(200);
    expect(log.body.consort).toEqual({
      assessedForEligibility: 6,
      excluded: 5,
      notMeetingCriteria: 3,
      declined: 1,
      other: 1,
      screenFailures: 0,
      withdrawn: 2,
      inScreening: 1,
      randomised: 0,
    });
    expect(log.body.exclusionCounts).toEqual([
      { code: 'E2', title: 'prior HSCT, alemtuzumab, cladribine or ocrelizumab', count: 2 },
      { code: 'E5', title: 'positive TB, hepatitis (HBsAg, HCV PCR) or HIV test', count: 1 },
    ]);
    expect(log.body.total).toBe(7);
    const filtered = await t
      .http()
      .get('/screening-log')
      .query({ siteId: dk, decision: 'ineligible', pageSize: 2 })
      .set(bearer(monitor))
      .expect(200);
    expect(filtered.body).toMatchObject({ total: 3, pageSize: 2 });
    expect(filtered.body.items).toHaveLength(2);
    const dated = await t
      .http()
      .get('/screening-log')
      .query({ siteId: dk, from: '2026-03-02' })
      .set(bearer(monitor))
      .expect(200);
    expect(dated.body.consort.assessedForEligibility).toBe(0);
    await t
      .http()
      .get('/screening-log')
      .query({ exclusionCode: 'DROP' })
      .set(bearer(monitor))
      .expect(400);
  });
});
