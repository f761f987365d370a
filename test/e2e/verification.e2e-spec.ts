import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, TestUser } from '../harness/factory';

/**
 * Source-data verification and casebook sign-off (issue 18): a change after SDV clears the mark
 * (audited, progress moves back); a change after casebook sign-off voids the signature (audited);
 * a stale version is a 409; only the monitor marks, only the investigator signs, the blinded
 * assessor sees neither.
 */

const NOW = '2026-07-10T10:00:00Z';
const RANDOMISED = '2026-03-28T23:30:00Z';

type Item = {
  entity: string;
  entityId: string;
  detail: string | null;
  version: number;
  verified: boolean;
  verifiedBy: string | null;
  verifiedAt: string | null;
  cleared: {
    byVersion: number | null;
    byName: string | null;
    undoReason: string | null;
    fields: string[];
    verifiedVersion: number;
  } | null;
};
type Verification = {
  participantId: string;
  records: number;
  verified: number;
  percent: number;
  items: Item[];
};
type Progress = {
  sites: { siteId: string; participants: number; records: number; verified: number }[];
  participants: { participantId: string; records: number; verified: number; percent: number }[];
};
type Casebook = {
  state: string;
  followUpEnded: boolean;
  signatures: {
    state: string;
    printedName: string;
    signedAt: string;
    meaning: string;
    signerRole: string;
    signatureMethod: string;
    records: number;
    voided: { entity: string; entityId: string; version: number; fields: string[] } | null;
  }[];
};

describe('source-data verification and casebook sign-off (e2e)', () => {
  let t: TestApp;
  let monitor: TestUser;
  let staff: TestUser;
  let coordinator: TestUser;
  let investigator: TestUser;
  let assessor: TestUser;
  let otherInvestigator: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
    monitor = await t.factory.user('monitor', { trialWide: true });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    otherInvestigator = await t.factory.user('investigator', { sites: ['NO-BER'] });
  });
  afterAll(() => t.close());

  const displayName = async (u: TestUser) =>
    (
      (await t.dataSource.query(`SELECT display_name FROM users WHERE id = $1`, [u.id])) as {
        display_name: string;
      }[]
    )[0].display_name;

  /** A new arm-B participant with W000 logged (and one adverse event). */
  async function loggedVisit(): Promise<{ participantId: string; visitId: string; aeId: string }> {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const rows: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
      [p.id],
    );
    const visitId = rows[0].id;
    const res = await t
      .http()
      .post(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-04-05',
        relapseAssessment: { newRelapse: false },
        notes: 'Seen by the study nurse',
        adverseEvents: [
          {
            term: 'Headache',
            onsetDate: '2026-04-02',
            endDate: '2026-04-04',
            severity: 'mild',
            serious: false,
            outcome: 'recovered',
          },
        ],
      })
      .expect(200);
    const ae = (res.body as { adverseEvents: { id: string }[] }).adverseEvents[0];
    return { participantId: p.id, visitId, aeId: ae.id };
  }

  const verification = async (id: string, as: TestUser = monitor) =>
    (await t.http().get(`/participants/${id}/verification`).set(bearer(as)).expect(200))
      .body as Verification;
  const itemOf = (v: Verification, entity: string, entityId: string) => {
    const item = v.items.find((i) => i.entity === entity && i.entityId === entityId);
    if (!item) {
      throw new Error(`no ${entity} ${entityId} in ${JSON.stringify(v.items)}`);
    }
    return item;
  };
  const progressOf = async (id: string) => {
    const body = (await t.http().get('/verification/progress').set(bearer(monitor)).expect(200))
      .body as Progress;
    return { body, row: body.participants.find((p) => p.participantId === id) };
  };
  const correctNotes = (visitId: string, notes: string, expectedVersion: number) =>
    t
      .http()
      .patch(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({ notes, reason: 'transcription error', expectedVersion })
      .expect(200);
  const visitVersion = async (visitId: string) =>
    (
      (await t.dataSource.query(`SELECT version FROM visits WHERE id = $1`, [visitId])) as {
        version: number;
      }[]
    )[0].version;
  const audits = async (action: string, participantId: string) =>
    (await t.dataSource.query(
      `SELECT before, after FROM audit_log WHERE action = $1 AND entity_id = $2 ORDER BY seq`,
      [action, participantId],
    )) as { before: Record<string, unknown>; after: Record<string, unknown> }[];

  it('[REQ-MON-003] a change after SDV clears the mark (audited), and progress moves with it', async () => {
    const { participantId, visitId, aeId } = await loggedVisit();
    const before = await verification(participantId);
    const log = itemOf(before, 'visit_log', visitId);
    expect(log).toMatchObject({ verified: false, cleared: null, detail: 'W000 (2026-04-05)' });
    expect(itemOf(before, 'adverse_event', aeId).detail).toBe('Headache');
    expect(before.records).toBe(before.items.length);
    expect(before.verified).toBe(0);
    const start = await progressOf(participantId);
    expect(start.row).toMatchObject({ records: before.records, verified: 0 });
    const siteBefore = start.body.sites.find((s) => s.participants > 0) as Progress['sites'][0];

    const marked = await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: visitId, version: log.version })
      .expect(200);
    expect(marked.body).toMatchObject({
      entity: 'visit_log',
      entityId: visitId,
      version: log.version,
      verified: true,
      verifiedBy: await displayName(monitor),
      verifiedAt: NOW.replace('Z', '.000Z'),
    });
    // The adverse event too: a change of the visit log leaves its mark alone.
    const ae = itemOf(before, 'adverse_event', aeId);
    await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ entity: 'adverse_event', entityId: aeId, version: ae.version })
      .expect(200);
    expect(await audits('verification.sdv_marked', participantId)).toHaveLength(2);
    const mid = await progressOf(participantId);
    expect(mid.row).toMatchObject({ records: before.records, verified: 2 });
    expect(mid.row?.percent).toBe(Math.floor((2 * 100) / before.records));
    const siteMid = mid.body.sites.find((s) => s.siteId === siteBefore.siteId);
    expect(siteMid?.verified).toBe(siteBefore.verified + 2);
    // Marking the verified version again changes nothing.
    await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: visitId, version: log.version })
      .expect(200);
    expect(await audits('verification.sdv_marked', participantId)).toHaveLength(2);

    // Site staff correct the visit log: the mark is cleared, in the same transaction, audited.
    await correctNotes(
      visitId,
      'Seen by the study nurse and the neurologist',
      await visitVersion(visitId),
    );
    const after = await verification(participantId);
    const changed = itemOf(after, 'visit_log', visitId);
    expect(changed.version).toBeGreaterThan(log.version);
    expect(changed).toMatchObject({
      verified: false,
      verifiedBy: null,
      cleared: {
        byVersion: changed.version,
        byName: await displayName(staff),
        fields: ['notes'],
        verifiedVersion: log.version,
      },
    });
    expect(itemOf(after, 'adverse_event', aeId).verified).toBe(true);
    expect(await audits('verification.sdv_cleared', participantId)).toEqual([
      {
        before: { entity: 'visit_log', entityId: visitId, verifiedVersion: log.version },
        after: {
          entity: 'visit_log',
          entityId: visitId,
          version: changed.version,
          fields: ['notes'],
          reason: 'transcription error',
        },
      },
    ]);
    const end = await progressOf(participantId);
    expect(end.row).toMatchObject({ records: before.records, verified: 1 });

    // The version the monitor looked at is stale now: 409 with the current one, nothing marked.
    const stale = await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: visitId, version: log.version })
      .expect(409);
    expect(stale.body.code).toBe('SDV_STALE_VERSION');
    expect(stale.body.errors[0].params).toEqual({
      currentVersion: changed.version,
      givenVersion: log.version,
    });
    expect(itemOf(await verification(participantId), 'visit_log', visitId).verified).toBe(false);
    // Verified again at the current version.
    await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: visitId, version: changed.version })
      .expect(200);
    expect((await progressOf(participantId)).row).toMatchObject({ verified: 2 });

    // The monitor withdraws a mark made by mistake, with a reason (audited); only a mark there is.
    const undo = { entity: 'visit_log', entityId: visitId, reason: 'marked by mistake' };
    await t
      .http()
      .post(`/participants/${participantId}/verification/undo`)
      .set(bearer(staff))
      .send(undo)
      .expect(403);
    const undone = await t
      .http()
      .post(`/participants/${participantId}/verification/undo`)
      .set(bearer(monitor))
      .send(undo)
      .expect(200);
    expect(undone.body).toMatchObject({
      verified: false,
      cleared: {
        byVersion: null,
        undoReason: 'marked by mistake',
        verifiedVersion: changed.version,
      },
    });
    expect(await audits('verification.sdv_undone', participantId)).toEqual([
      { before: { entity: 'visit_log', entityId: visitId, version: changed.version }, after: null },
    ]);
    const twice = await t
      .http()
      .post(`/participants/${participantId}/verification/undo`)
      .set(bearer(monitor))
      .send(undo)
      .expect(409);
    expect(twice.body.code).toBe('SDV_NOT_VERIFIED');
    expect((await progressOf(participantId)).row).toMatchObject({ verified: 1 });
  }, 60_000);

  it('only the monitor marks; the blinded assessor sees none of it; records of others are not found', async () => {
    const { participantId, visitId } = await loggedVisit();
    const other = await loggedVisit();
    const body = { entity: 'visit_log', entityId: visitId, version: await visitVersion(visitId) };
    for (const u of [staff, coordinator, investigator, assessor]) {
      await t
        .http()
        .post(`/participants/${participantId}/verification`)
        .set(bearer(u))
        .send(body)
        .expect(403);
    }
    await t
      .http()
      .get(`/participants/${participantId}/verification`)
      .set(bearer(assessor))
      .expect(403);
    await t
      .http()
      .get(`/participants/${participantId}/casebook-signature`)
      .set(bearer(assessor))
      .expect(403);
    await t.http().get('/verification/progress').set(bearer(assessor)).expect(403);
    // Another site's investigator does not find the participant.
    await t
      .http()
      .get(`/participants/${participantId}/verification`)
      .set(bearer(otherInvestigator))
      .expect(404);
    // A record of another participant, or no record at all.
    await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ ...body, entityId: other.visitId })
      .expect(404);
    await t
      .http()
      .post(`/participants/${participantId}/verification`)
      .set(bearer(monitor))
      .send({ ...body, entity: 'not_a_record' })
      .expect(400);
    // Site staff read it.
    expect(itemOf(await verification(participantId, staff), 'visit_log', visitId).verified).toBe(
      false,
    );
    expect(await audits('verification.sdv_marked', participantId)).toEqual([]);
  }, 60_000);

  it('[REQ-MON-004] a change after casebook sign-off voids the signature (audited); wrong password refused; re-signing works', async () => {
    const { participantId, visitId } = await loggedVisit();
    const sign = (body: object, as: TestUser = investigator) =>
      t.http().post(`/participants/${participantId}/casebook-signature`).set(bearer(as)).send(body);
    const casebook = async () =>
      (
        await t
          .http()
          .get(`/participants/${participantId}/casebook-signature`)
          .set(bearer(coordinator))
          .expect(200)
      ).body as Casebook;

    // Follow-up has not ended.
    expect(await casebook()).toMatchObject({ state: 'unsigned', followUpEnded: false });
    const early = await sign({ password: TEST_PASSWORD }).expect(409);
    expect(early.body.code).toBe('CASEBOOK_FOLLOW_UP_NOT_ENDED');
    await t
      .http()
      .post(`/participants/${participantId}/outcome`)
      .set(bearer(coordinator))
      .send({ outcome: 'completed', reason: 'week 240 reached' })
      .expect(200);
    expect((await casebook()).followUpEnded).toBe(true);

    // Only the investigator signs, with the right password.
    await sign({ password: TEST_PASSWORD }, coordinator).expect(403);
    const wrong = await sign({ password: 'not my password' }).expect(401);
    expect(wrong.body.code).toBe('SIGNATURE_PASSWORD_INVALID');
    expect(await audits('verification.casebook_signature_failed', participantId)).toHaveLength(1);
    expect((await casebook()).state).toBe('unsigned');

    const signed = await sign({ password: TEST_PASSWORD }).expect(200);
    const records = (await verification(participantId)).records;
    expect(signed.body).toMatchObject({ state: 'signed', followUpEnded: true });
    expect((signed.body as Casebook).signatures).toEqual([
      {
        id: expect.any(String),
        state: 'signed',
        printedName: await displayName(investigator),
        signerRole: 'investigator',
        signedAt: NOW.replace('Z', '.000Z'),
        meaning: "I approve this participant's casebook as complete and accurate",
        signatureMethod: 'password',
        participantStatus: 'completed',
        records,
        voided: null,
      },
    ]);
    expect(await audits('verification.casebook_signed', participantId)).toHaveLength(1);
    const again = await sign({ password: TEST_PASSWORD }).expect(409);
    expect(again.body.code).toBe('CASEBOOK_ALREADY_SIGNED');

    // A correction after sign-off voids the signature, in the correction's transaction. The end
    // of follow-up froze the participant's records: the monitor unfreezes the visit for it first.
    const version = await visitVersion(visitId);
    await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: visitId, reason: 'source shows another note' })
      .expect(201);
    await correctNotes(visitId, 'Seen by the neurologist', version);
    const voided = await casebook();
    expect(voided.state).toBe('voided');
    expect(voided.signatures[0]).toMatchObject({
      state: 'voided',
      voided: { entity: 'visit_log', entityId: visitId, version: version + 1, fields: ['notes'] },
    });
    const voidAudits = await audits('verification.casebook_signature_voided', participantId);
    expect(voidAudits).toHaveLength(1);
    expect(voidAudits[0].after).toEqual({
      entity: 'visit_log',
      entityId: visitId,
      version: version + 1,
      fields: ['notes'],
      reason: 'transcription error',
    });
    expect(voidAudits[0].before).toMatchObject({
      signatureId: (signed.body as Casebook & { signatures: { id: string }[] }).signatures[0].id,
      printedName: await displayName(investigator),
    });

    // Signed again, with its own meaning; the voided signature stays in the history.
    const resigned = await sign({
      password: TEST_PASSWORD,
      meaning: 'I approve the corrected casebook',
    }).expect(200);
    expect((resigned.body as Casebook).state).toBe('signed');
    expect((resigned.body as Casebook).signatures.map((s) => [s.state, s.meaning])).toEqual([
      ['signed', 'I approve the corrected casebook'],
      ['voided', "I approve this participant's casebook as complete and accurate"],
    ]);

    // A record added later (an adverse event reported after the end of follow-up) voids it too.
    await t
      .http()
      .post(`/follow-up/participants/${participantId}/adverse-events`)
      .set(bearer(staff))
      .send({
        adverseEvents: [
          {
            term: 'Fatigue',
            onsetDate: '2026-07-01',
            severity: 'mild',
            serious: false,
            outcome: 'recovering',
          },
        ],
      })
      .expect((res) => expect(res.status).toBeLessThan(300));
    const added = await casebook();
    expect(added.state).toBe('voided');
    expect(added.signatures[0].voided).toMatchObject({ entity: 'adverse_event', version: 0 });
  }, 60_000);
});
