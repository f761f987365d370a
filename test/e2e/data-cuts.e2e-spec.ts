import { FixedClock, Clock } from 'src/common/clock/clock';
import {
  type CutReadinessCheck,
  CutReadinessChecks,
} from 'src/modules/data-locks/cut-readiness.api';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

/**
 * Data cuts (issue 18): the statistician declares a cut at a date, a monitor confirms it once the
 * data up to it is clean (registered readiness checks), and the records first recorded on or
 * before it are frozen: a change needs a monitor's unfreeze with a reason (audited, one change),
 * while data recorded after the cut keeps flowing. The cut's export is reproducible: exported
 * again after more data has flowed, the files have the same SHA-256. The end of a participant's
 * follow-up freezes their records the same way.
 */

const RANDOMISED = '2026-03-28T23:30:00Z';
const DAY = 86_400_000;

type ExportFile = { name: string; sha256: string; rows: number };

describe('data cuts: freeze at a date, unfreeze with a reason, reproducible export (e2e)', () => {
  let t: TestApp;
  let clock: FixedClock;
  let staff: TestUser;
  let investigator: TestUser;
  let statistician: TestUser;
  let monitor: TestUser;
  let cutId = '';
  let p1 = '';
  let p1StudyId = '';
  let w000 = '';

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-07-10T10:00:00Z' });
    clock = t.app.get(Clock) as FixedClock;
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    statistician = await t.factory.user('statistician', { trialWide: true });
    monitor = await t.factory.user('monitor', { trialWide: true });
  }, 60_000);
  afterAll(() => t.close());

  const visitOf = async (participantId: string, code: string): Promise<string> =>
    (
      (await t.dataSource.query(`SELECT id FROM visits WHERE participant_id = $1 AND code = $2`, [
        participantId,
        code,
      ])) as { id: string }[]
    )[0].id;
  const nextScheduled = async (participantId: string): Promise<string> =>
    (
      (await t.dataSource.query(
        `SELECT id FROM visits WHERE participant_id = $1 AND status = 'scheduled' ORDER BY target_date LIMIT 1`,
        [participantId],
      )) as { id: string }[]
    )[0].id;

  /** A randomised arm-B participant with W000 logged now. */
  async function withLoggedVisit(): Promise<{ id: string; studyId: string; visit: string }> {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const visit = await visitOf(p.id, 'W000');
    await t
      .http()
      .post(`/follow-up/visits/${visit}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-04-05', relapseAssessment: { newRelapse: false } })
      .expect(200);
    return { id: p.id, studyId: p.studyId, visit };
  }
  const correct = (visit: string, notes: string) =>
    t
      .http()
      .patch(`/follow-up/visits/${visit}/log`)
      .set(bearer(staff))
      .send({ reason: 'transcription error', notes });

  async function exportCut(): Promise<{ id: string; files: ExportFile[]; text: string }> {
    const res = await t
      .http()
      .post('/exports')
      .set(bearer(statistician))
      .send({ format: 'csv', dataCutId: cutId })
      .expect(201);
    const id = (res.body as { id: string }).id;
    await t.drainJobs(60_000);
    const done = await t.http().get(`/exports/${id}`).set(bearer(statistician)).expect(200);
    expect(done.body.status).toBe('done');
    const files = done.body.files as ExportFile[];
    let text = '';
    for (const file of files) {
      const got = await t
        .http()
        .get(`/exports/${id}/files/${file.name}`)
        .set(bearer(statistician))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      text += (got.body as Buffer).toString('utf8');
    }
    return { id, files, text };
  }

  it('declares a cut (statistician), refuses to confirm it while a readiness check reports problems, then confirms it (monitor)', async () => {
    const first = await withLoggedVisit();
    p1 = first.id;
    p1StudyId = first.studyId;
    w000 = first.visit;
    // Two days later, the cut at the date W000 was recorded.
    clock.advance(2 * DAY);
    const future = await t
      .http()
      .post('/data-cuts')
      .set(bearer(statistician))
      .send({ name: 'Too early', cutoffDate: '2026-08-01' });
    expect([future.status, future.body.code]).toEqual([400, 'CUTOFF_IN_FUTURE']);
    const declared = await t
      .http()
      .post('/data-cuts')
      .set(bearer(statistician))
      .send({ name: 'Week 96 primary analysis', cutoffDate: '2026-07-10' })
      .expect(201);
    cutId = (declared.body as { id: string }).id;
    expect(declared.body).toMatchObject({ status: 'declared', cutoffDate: '2026-07-10' });
    // Only a monitor confirms.
    await t.http().post(`/data-cuts/${cutId}/confirm`).set(bearer(statistician)).expect(403);

    // The registered checks: an open query on a record of the cut, and SDV not done, refuse it.
    const raised = await t
      .http()
      .post('/queries')
      .set(bearer(monitor))
      .send({ recordEntity: 'visit_log', recordId: w000, itemId: 'visit_log.notes', text: 'Note?' })
      .expect(201);
    const queryId = (raised.body as { id: string }).id;
    const confirm = () => t.http().post(`/data-cuts/${cutId}/confirm`).set(bearer(monitor));
    const refused = await confirm();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('DATA_CUT_NOT_READY');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: `${p1StudyId}: an open query on Visit log item notes`,
        params: expect.objectContaining({
          check: 'open-queries',
          participantId: p1,
          record: { entity: 'visit_log', entityId: w000 },
        }),
      }),
      expect.objectContaining({
        message: 'SDV not done: 1 of 1 records not verified at their current version',
        params: expect.objectContaining({ check: 'source-data-verification', participantId: p1 }),
      }),
    ]);
    // Nothing was frozen by the refused confirmation.
    expect((await correct(w000, 'before confirmation')).status).toBe(200);

    // Answered is not enough: the monitor closes it. Then the monitor verifies the record.
    await t
      .http()
      .post(`/queries/${queryId}/answer`)
      .set(bearer(staff))
      .send({ text: 'Corrected' })
      .expect(200);
    expect(
      (await confirm()).body.errors.map((e: { params: { check: string } }) => e.params.check),
    ).toEqual(['open-queries', 'source-data-verification']);
    await t.http().post(`/queries/${queryId}/close`).set(bearer(monitor)).send({}).expect(200);
    const { version } = (
      await t.http().get(`/participants/${p1}/verification`).set(bearer(monitor)).expect(200)
    ).body.items.find((i: { entityId: string }) => i.entityId === w000) as { version: number };
    await t
      .http()
      .post(`/participants/${p1}/verification`)
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: w000, version })
      .expect(200);
    // A check registered by another module is run as well (the registry is open).
    const check: CutReadinessCheck = {
      name: 'test-check',
      problems: async () => [{ participantId: p1, problem: 'not yet' }],
    };
    const checks = t.app.get(CutReadinessChecks);
    checks.register(check);
    try {
      expect((await confirm()).body.errors).toEqual([
        expect.objectContaining({
          message: 'not yet',
          params: expect.objectContaining({ check: 'test-check' }),
        }),
      ]);
    } finally {
      checks.unregister(check);
    }
    const confirmed = await t
      .http()
      .post(`/data-cuts/${cutId}/confirm`)
      .set(bearer(monitor))
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed' });
    await t.http().post(`/data-cuts/${cutId}/confirm`).set(bearer(monitor)).expect(409);
    expect(
      await t.factory.auditRows({ action: 'data-cut.confirmed', entityId: cutId }),
    ).toHaveLength(1);
  });

  it('[REQ-MON-005] refuses a change of a frozen record until a monitor unfreezes it with a reason; the unfreeze covers one change', async () => {
    const frozen = await correct(w000, 'after the cut');
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('RECORD_FROZEN');
    expect(frozen.body.errors[0].params).toMatchObject({
      cutId,
      cutName: 'Week 96 primary analysis',
      record: { entity: 'visit_log', entityId: w000 },
    });
    // Site staff cannot unfreeze; a reason is required.
    await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(staff))
      .send({ entity: 'visit_log', entityId: w000, reason: 'x' })
      .expect(403);
    await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: w000 })
      .expect(400);
    const unfrozen = await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: w000, reason: 'source document shows another note' })
      .expect(201);
    expect(unfrozen.body).toMatchObject({ participantId: p1, usedAt: null });
    const audit = await t.factory.auditRows({ action: 'data-lock.unfrozen' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: 'source document shows another note' });
    // A second unfreeze while one is open is refused.
    const twice = await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: w000, reason: 'again' });
    expect([twice.status, twice.body.code]).toEqual([409, 'RECORD_NOT_FROZEN']);
    const fixed = await correct(w000, 'as the source says');
    expect(fixed.status).toBe(200);
    expect(fixed.body.visit.siteData.notes).toBe('as the source says');
    expect(await t.factory.auditRows({ action: 'data-lock.unfreeze_used' })).toHaveLength(1);
    // Used up: the record is frozen again.
    expect((await correct(w000, 'once more')).body.code).toBe('RECORD_FROZEN');
  });

  it('lets data recorded after the cut flow: a later visit is logged and corrected freely', async () => {
    const later = await nextScheduled(p1);
    await t
      .http()
      .post(`/follow-up/visits/${later}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-07-11', relapseAssessment: { newRelapse: false } })
      .expect(200);
    expect((await correct(later, 'post-cut correction')).status).toBe(200);
    // A record that is not frozen cannot be unfrozen.
    const notFrozen = await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: later, reason: 'nothing to do' });
    expect([notFrozen.status, notFrozen.body.code]).toEqual([409, 'RECORD_NOT_FROZEN']);
  });

  it("[REQ-MON-005] exports the cut reproducibly: the same SHA-256 again after more data has flowed, only the cut's data in it", async () => {
    const first = await exportCut();
    expect(first.files.length).toBeGreaterThan(0);
    expect(first.text).toContain(p1StudyId);
    const cut = await t.http().get('/data-cuts').set(bearer(statistician)).expect(200);
    const mine = (cut.body as { id: string; exportId: string; exportFiles: unknown }[]).find(
      (c) => c.id === cutId,
    );
    expect(mine?.exportId).toBe(first.id);
    expect(mine?.exportFiles).toEqual(first.files.map(({ name, sha256 }) => ({ name, sha256 })));

    // More data flows after the cut: a new participant with a logged visit, another correction.
    clock.advance(DAY);
    const newcomer = await withLoggedVisit();
    const later = await nextScheduled(p1);
    expect(later).toBeDefined();
    const post = (
      (await t.dataSource.query(
        `SELECT id FROM visits WHERE participant_id = $1 AND status = 'logged' AND code <> 'W000'`,
        [p1],
      )) as { id: string }[]
    )[0].id;
    expect((await correct(post, 'another post-cut correction')).status).toBe(200);

    const second = await exportCut();
    expect(second.files).toEqual(first.files);
    expect(second.text).toBe(first.text);
    expect(second.text).not.toContain(newcomer.studyId);
    // Without the cut, the same export has the newcomer (the cut's filter is what keeps it out).
    const whole = await t
      .http()
      .post('/exports')
      .set(bearer(statistician))
      .send({ format: 'csv' })
      .expect(201);
    await t.drainJobs(60_000);
    const wholeDone = await t
      .http()
      .get(`/exports/${(whole.body as { id: string }).id}`)
      .set(bearer(statistician))
      .expect(200);
    expect(wholeDone.body.files).not.toEqual(first.files);
    const checked = await t.factory.auditRows({ action: 'data-cut.export_checked' });
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({ after: expect.objectContaining({ same: true }) });
  }, 120_000);

  it("[REQ-MON-005] freezes a participant's records at the end of their follow-up", async () => {
    const p = await withLoggedVisit();
    // A record recorded after the cut: not frozen by it.
    expect((await correct(p.visit, 'before the end')).status).toBe(200);
    const ae = await t
      .http()
      .post(`/follow-up/participants/${p.id}/adverse-events`)
      .set(bearer(staff))
      .send({
        adverseEvents: [
          {
            term: 'Pneumonia',
            onsetDate: '2026-07-01',
            awareDate: '2026-07-01',
            severity: 'severe',
            serious: true,
            seriousnessCriteria: ['hospitalisation'],
            outcome: 'recovering',
          },
        ],
      })
      .expect(201);
    const aeId = (ae.body as { id: string }[])[0].id;
    await t
      .http()
      .post(`/participants/${p.id}/outcome`)
      .set(bearer(investigator))
      .send({ outcome: 'died', reason: 'reported by the GP' })
      .expect(200);
    expect(
      await t.factory.auditRows({ action: 'data-lock.participant_frozen', entityId: p.id }),
    ).toHaveLength(1);
    const frozen = await correct(p.visit, 'after the end');
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('RECORD_FROZEN');
    expect(frozen.body.errors[0].params).toMatchObject({
      cutId: null,
      reason: 'end of follow-up (died)',
    });
    // Adverse events are followed up past the end (an SAE refined after a death).
    await t
      .http()
      .patch(`/follow-up/adverse-events/${aeId}`)
      .set(bearer(staff))
      .send({ reason: 'diagnosis refined after death', term: 'Bilateral pneumonia' })
      .expect(200);
    await t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: p.visit, reason: 'late source data' })
      .expect(201);
    expect((await correct(p.visit, 'after the end, unfrozen')).status).toBe(200);
  });
});
