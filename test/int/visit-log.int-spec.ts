import { randomUUID } from 'node:crypto';
import { type Actor, RequestContext } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import type { LogVisitDto } from 'src/modules/follow-up/dto/visit-log.dto';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { AdverseEventsService } from 'src/modules/follow-up/adverse-events.service';
import { AssessmentsService } from 'src/modules/follow-up/assessments.service';
import { VisitLogService } from 'src/modules/follow-up/visit-log.service';
import { createTestApp, TestApp } from '../harness/app';
import type { TestUser } from '../harness/factory';

const NOW = '2026-07-10T10:00:00Z';
const RANDOMISED = '2026-03-28T23:30:00Z'; // week 0 = 2026-03-29 at Amsterdam

/**
 * The follow-up visit log at the service level, on a real database (no HTTP, no worker): logging
 * against the window (deviations), corrections with kept versions and stale-version refusals, the
 * SAE reporting clock, the blinded assessor's EDSS/MRI reads, and two concurrent logs of one visit.
 * Service calls run inside a request context with the caller as actor, as a request would.
 */
describe('visit log (int)', () => {
  let t: TestApp;
  let visitLog: VisitLogService;
  let aeService: AdverseEventsService;
  let assessments: AssessmentsService;
  let staff: TestUser;
  let investigator: TestUser;
  let assessor: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, worker: false });
    visitLog = t.app.get(VisitLogService);
    aeService = t.app.get(AdverseEventsService);
    assessments = t.app.get(AssessmentsService);
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  afterEach(() => t.clock?.set(NOW));

  const clock = () => {
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    return t.clock;
  };

  const actorOf = (u: TestUser): Actor => ({
    id: u.id,
    role: u.acting,
    siteIds: u.siteIds,
    trialWide: u.trialWide,
  });

  /** Runs a service call as `user`, inside a request context (the audit and versions read the actor from it). */
  const as = <T>(user: TestUser, fn: (actor: Actor) => Promise<T>): Promise<T> => {
    const actor = actorOf(user);
    return RequestContext.run(`int-${randomUUID()}`, () => fn(actor), actor);
  };

  /** A randomised arm-B participant at NL-AMS with a generated schedule. */
  async function participant() {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, 'B', RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    return p;
  }

  const visitOf = async (participantId: string, code: string): Promise<string> =>
    (
      (await t.dataSource.query(`SELECT id FROM visits WHERE participant_id = $1 AND code = $2`, [
        participantId,
        code,
      ])) as { id: string }[]
    )[0].id;

  const deviationsOf = async (visitId: string) =>
    (await t.dataSource.query(
      `SELECT kind, days_outside AS "daysOutside", direction, status, visit_date::text AS "visitDate"
       FROM protocol_deviations WHERE visit_id = $1`,
      [visitId],
    )) as { kind: string; daysOutside: number; direction: string; status: string }[];

  const versionsOf = async (entity: string, entityId: string) =>
    (await t.dataSource.query(
      `SELECT version, reason FROM record_versions WHERE entity = $1 AND entity_id = $2 ORDER BY version`,
      [entity, entityId],
    )) as { version: number; reason: string | null }[];

  const auditCount = async () =>
    ((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`)) as { n: number }[])[0]
      .n;

  /** The rejection of `p`, which must reject. */
  const refusal = async (p: Promise<unknown>): Promise<unknown> => {
    try {
      await p;
    } catch (e) {
      return e;
    }
    throw new Error('expected the call to be refused');
  };

  const noRelapse = { newRelapse: false };

  const fullLog = (visitDate: string): LogVisitDto => ({
    visitDate,
    relapseAssessment: noRelapse,
    samples: [
      { type: 'bloods', taken: true },
      { type: 'urine', taken: false, note: 'no sample container' },
    ],
    questionnaires: [{ instrument: 'msis29', done: true }],
    notes: 'Uneventful visit',
  });

  it('logs a visit inside its window: date and site data stored, audited once, no deviation', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');

    const outcome = await as(staff, (a) => visitLog.logVisit(w012, fullLog('2026-06-20'), a));

    expect(outcome.deviation).toBeNull();
    expect(outcome.adverseEvents).toEqual([]);
    const stored = await as(staff, (a) => visitLog.visit(w012, a));
    expect(stored).toMatchObject({
      code: 'W012',
      status: 'logged',
      loggedDate: '2026-06-20',
      version: 1,
      siteData: {
        relapseAssessment: { newRelapse: false, relapses: [] },
        samples: [
          { type: 'bloods', taken: true },
          { type: 'urine', taken: false, note: 'no sample container' },
        ],
        questionnaires: [{ instrument: 'msis29', done: true }],
        notes: 'Uneventful visit',
      },
    });
    const audits = (await t.factory.auditRows({
      action: 'follow-up.visit_logged',
      entityId: w012,
    })) as unknown as { actor_id: string; actor_role: string; after: { loggedDate: string } }[];
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor_id: staff.id,
      actor_role: 'site_staff',
      after: { loggedDate: '2026-06-20' },
    });
    expect(await deviationsOf(w012)).toEqual([]);
    expect(await t.factory.auditRows({ action: 'follow-up.deviation_recorded' })).toEqual([]);
    expect(await versionsOf('visit_log', w012)).toEqual([{ version: 1, reason: null }]);

    // Logging it again is a conflict, and changes nothing.
    const again = await refusal(
      as(staff, (a) => visitLog.logVisit(w012, fullLog('2026-06-21'), a)),
    );
    expect(again).toBeInstanceOf(DomainError);
    expect(again).toMatchObject({ code: 'VISIT_ALREADY_LOGGED', kind: 'conflict' });
    expect((await as(staff, (a) => visitLog.visit(w012, a))).loggedDate).toBe('2026-06-20');
  });

  it('[REQ-VISIT-002] logging outside the window creates exactly one visit_out_of_window deviation (late and early)', async () => {
    const p = await participant();
    const w000 = await visitOf(p.id, 'W000'); // window 2026-03-29 … 2026-04-12
    const late = await as(staff, (a) =>
      visitLog.logVisit(w000, { visitDate: '2026-04-20', relapseAssessment: noRelapse }, a),
    );
    expect(late.deviation).toMatchObject({
      kind: 'visit_out_of_window',
      visitId: w000,
      visitCode: 'W000',
      visitDate: '2026-04-20',
      windowStart: '2026-03-29',
      windowEnd: '2026-04-12',
      daysOutside: 8,
      direction: 'late',
      status: 'open',
    });
    expect(await deviationsOf(w000)).toEqual([
      {
        kind: 'visit_out_of_window',
        daysOutside: 8,
        direction: 'late',
        status: 'open',
        visitDate: '2026-04-20',
      },
    ]);
    expect(
      await t.factory.auditRows({
        action: 'follow-up.deviation_recorded',
        entityId: late.deviation?.id,
      }),
    ).toHaveLength(1);

    // Early is negative: the week-24 visit (window from 2026-08-30) logged on 2026-08-10.
    clock().set('2026-08-10T10:00:00Z');
    const w024 = await visitOf(p.id, 'W024');
    const early = await as(staff, (a) =>
      visitLog.logVisit(w024, { visitDate: '2026-08-10', relapseAssessment: noRelapse }, a),
    );
    expect(early.deviation).toMatchObject({ daysOutside: -20, direction: 'early' });
    expect(await deviationsOf(w024)).toEqual([
      expect.objectContaining({ daysOutside: -20, direction: 'early', status: 'open' }),
    ]);
  });

  it('[REQ-CORR-001] a correction changes only the fields sent and keeps the previous version with its reason', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    const logged = await as(staff, (a) => visitLog.logVisit(w012, fullLog('2026-06-20'), a));
    const before = logged.visit;

    const corrected = await as(staff, (a) =>
      visitLog.correctLog(
        w012,
        {
          reason: 'Bloods were not taken after all',
          samples: { change: [{ type: 'bloods', taken: false }] },
          expectedVersion: before.version,
        },
        a,
      ),
    );
    expect(corrected.visit.version).toBe(before.version + 1);
    expect(corrected.visit.loggedDate).toBe('2026-06-20');
    expect(corrected.visit.siteData).toEqual({
      ...before.siteData,
      samples: [
        { type: 'bloods', taken: false },
        { type: 'urine', taken: false, note: 'no sample container' },
      ],
    });

    const audits = (await t.factory.auditRows({
      action: 'follow-up.visit_corrected',
      entityId: w012,
    })) as unknown as { before: unknown; after: unknown; reason: string }[];
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      before: { 'samples[bloods].taken': true },
      after: { 'samples[bloods].taken': false },
      reason: 'Bloods were not taken after all',
    });

    const history = await as(staff, (a) => visitLog.visitHistory(w012, a));
    expect(history.log.map((v) => [v.version, v.reason])).toEqual([
      [2, 'Bloods were not taken after all'],
      [1, null],
    ]);
    expect(history.log[0].changes).toEqual([
      { path: 'samples[bloods].taken', before: true, after: false },
    ]);
    // The previous version is kept whole.
    expect(history.log[1].data).toEqual({ visitDate: '2026-06-20', ...before.siteData });
    expect(history.log[0].data).toEqual({ visitDate: '2026-06-20', ...corrected.visit.siteData });
  });

  it('[REQ-CORR-002] a correction based on a stale version is refused with STALE_VERSION and changes nothing', async () => {
    const p = await participant();
    const w000 = await visitOf(p.id, 'W000');
    await as(staff, (a) =>
      visitLog.logVisit(w000, { visitDate: '2026-04-15', relapseAssessment: noRelapse }, a),
    );
    await as(staff, (a) =>
      visitLog.correctLog(
        w000,
        {
          reason: 'Date typed from the wrong CRF page',
          visitDate: '2026-04-10',
          expectedVersion: 1,
        },
        a,
      ),
    );
    const current = await as(staff, (a) => visitLog.visit(w000, a));
    expect(current).toMatchObject({ loggedDate: '2026-04-10', version: 2 });
    const audits = await auditCount();
    const versions = await versionsOf('visit_log', w000);

    const stale = await refusal(
      as(staff, (a) =>
        visitLog.correctLog(
          w000,
          { reason: 'add a note', notes: 'late entry', expectedVersion: 1 },
          a,
        ),
      ),
    );
    expect(stale).toBeInstanceOf(DomainError);
    expect(stale).toMatchObject({
      code: 'STALE_VERSION',
      kind: 'conflict',
      errors: [
        {
          path: 'expectedVersion',
          params: {
            currentVersion: 2,
            expectedVersion: 1,
            changedSince: [{ path: 'visitDate', before: '2026-04-15', after: '2026-04-10' }],
          },
        },
      ],
    });
    expect(await as(staff, (a) => visitLog.visit(w000, a))).toEqual(current);
    expect(await auditCount()).toBe(audits);
    expect(await versionsOf('visit_log', w000)).toEqual(versions);

    // A log with a stale expectedVersion is refused the same way (before anything is written).
    const w012 = await visitOf(p.id, 'W012');
    const staleLog = await refusal(
      as(staff, (a) =>
        visitLog.logVisit(
          w012,
          { visitDate: '2026-06-20', relapseAssessment: noRelapse, expectedVersion: 5 },
          a,
        ),
      ),
    );
    expect(staleLog).toMatchObject({ code: 'STALE_VERSION', kind: 'conflict' });
    expect((await as(staff, (a) => visitLog.visit(w012, a))).status).toBe('scheduled');
    expect(await auditCount()).toBe(audits);
  });

  it('[REQ-SAFE-001] a serious adverse event starts the 24-hour reporting clock; marking it reported records when', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    await as(staff, (a) =>
      visitLog.logVisit(w012, { visitDate: '2026-06-20', relapseAssessment: noRelapse }, a),
    );
    clock().set('2026-06-22T08:00:00Z');
    const [sae, mild] = await as(staff, (a) =>
      aeService.addAdverseEvents(
        w012,
        {
          adverseEvents: [
            {
              term: 'Febrile neutropenia',
              onsetDate: '2026-06-19',
              severity: 'severe',
              serious: true,
              seriousnessCriteria: ['hospitalisation'],
              outcome: 'recovering',
            },
            {
              term: 'Headache',
              onsetDate: '2026-06-18',
              endDate: '2026-06-19',
              severity: 'mild',
              serious: false,
              outcome: 'recovered',
            },
          ],
        },
        a,
      ),
    );
    expect(sae).toMatchObject({
      visitId: w012,
      serious: true,
      seriousnessCriteria: ['hospitalisation'],
      awareAt: new Date('2026-06-22T08:00:00Z'),
      reportDueAt: new Date('2026-06-23T08:00:00Z'),
      reportedAt: null,
      reportReference: null,
    });
    expect(mild).toMatchObject({ serious: false, awareAt: null, reportDueAt: null });
    expect(
      await t.factory.auditRows({ action: 'follow-up.adverse_event_recorded', entityId: sae.id }),
    ).toHaveLength(1);
    // The site investigator is told at once (the inbox row commits with the event).
    const [{ n }] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'follow-up.sae'`,
      [investigator.id],
    )) as { n: number }[];
    expect(n).toBe(1);

    // A non-serious event cannot be reported.
    const notSerious = await refusal(
      as(investigator, (a) => aeService.markSaeReported(mild.id, { reference: 'x' }, a)),
    );
    expect(notSerious).toMatchObject({ code: 'ADVERSE_EVENT_NOT_SERIOUS' });

    clock().set('2026-06-22T20:00:00Z');
    const reported = await as(investigator, (a) =>
      aeService.markSaeReported(
        sae.id,
        { reference: 'SAE-2026-001', reportedAt: '2026-06-22T18:30:00Z' },
        a,
      ),
    );
    expect(reported).toMatchObject({
      reportedAt: new Date('2026-06-22T18:30:00Z'),
      reportReference: 'SAE-2026-001',
      reportDueAt: new Date('2026-06-23T08:00:00Z'),
    });
    expect(
      await t.factory.auditRows({ action: 'follow-up.sae_reported', entityId: sae.id }),
    ).toHaveLength(1);

    const twice = await refusal(
      as(investigator, (a) => aeService.markSaeReported(sae.id, { reference: 'again' }, a)),
    );
    expect(twice).toMatchObject({ code: 'SAE_ALREADY_REPORTED', kind: 'conflict' });
    expect((await as(staff, (a) => aeService.adverseEvent(sae.id, a))).reportReference).toBe(
      'SAE-2026-001',
    );
  });

  it('refuses a report time in the future or before the site became aware', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    await as(staff, (a) =>
      visitLog.logVisit(w012, { visitDate: '2026-06-20', relapseAssessment: noRelapse }, a),
    );
    const [sae] = await as(staff, (a) =>
      aeService.addAdverseEvents(
        w012,
        {
          adverseEvents: [
            {
              term: 'Sepsis',
              onsetDate: '2026-07-08',
              severity: 'severe',
              serious: true,
              seriousnessCriteria: ['hospitalisation', 'life_threatening'],
              outcome: 'recovering',
            },
          ],
        },
        a,
      ),
    );
    for (const reportedAt of ['2026-07-10T11:00:00Z', '2026-07-10T09:00:00Z']) {
      const err = await refusal(
        as(investigator, (a) =>
          aeService.markSaeReported(sae.id, { reference: 'SAE-X', reportedAt }, a),
        ),
      );
      expect(err).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [expect.objectContaining({ path: 'reportedAt' })],
      });
    }
    expect(await as(staff, (a) => aeService.adverseEvent(sae.id, a))).toMatchObject({
      reportedAt: null,
      reportReference: null,
    });
    expect(
      await t.factory.auditRows({ action: 'follow-up.sae_reported', entityId: sae.id }),
    ).toEqual([]);
  });

  it('a correction of an adverse event keeps its history; a stale version is refused', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    const { adverseEvents } = await as(staff, (a) =>
      visitLog.logVisit(
        w012,
        {
          visitDate: '2026-06-20',
          relapseAssessment: noRelapse,
          adverseEvents: [
            {
              term: 'Rash',
              onsetDate: '2026-06-10',
              severity: 'mild',
              serious: false,
              outcome: 'recovering',
            },
          ],
        },
        a,
      ),
    );
    const [ae] = adverseEvents;
    expect(ae).toMatchObject({ term: 'Rash', version: 0, outcome: 'recovering' });

    const corrected = await as(staff, (a) =>
      aeService.correctAdverseEvent(
        ae.id,
        { reason: 'Resolved before the visit', outcome: 'recovered', endDate: '2026-06-15' },
        a,
      ),
    );
    expect(corrected).toMatchObject({
      term: 'Rash',
      severity: 'mild',
      onsetDate: '2026-06-10',
      outcome: 'recovered',
      endDate: '2026-06-15',
      serious: false,
      awareAt: null,
      version: 1,
    });
    const history = await as(staff, (a) => aeService.adverseEventHistory(ae.id, a));
    expect(history.map((v) => [v.version, v.reason])).toEqual([
      [1, 'Resolved before the visit'],
      [0, null],
    ]);
    expect(history[0].changes).toEqual(
      expect.arrayContaining([
        { path: 'outcome', before: 'recovering', after: 'recovered' },
        { path: 'endDate', before: null, after: '2026-06-15' },
      ]),
    );
    expect(history[0].changes).toHaveLength(2);
    expect(history[1].data).toMatchObject({ term: 'Rash', outcome: 'recovering' });
    expect(
      await t.factory.auditRows({ action: 'follow-up.adverse_event_corrected', entityId: ae.id }),
    ).toHaveLength(1);

    const stale = await refusal(
      as(staff, (a) =>
        aeService.correctAdverseEvent(
          ae.id,
          { reason: 'worse', severity: 'moderate', expectedVersion: 0 },
          a,
        ),
      ),
    );
    expect(stale).toMatchObject({
      code: 'STALE_VERSION',
      kind: 'conflict',
      errors: [{ path: 'expectedVersion', params: { currentVersion: 1, expectedVersion: 0 } }],
    });
    expect(await as(staff, (a) => aeService.adverseEvent(ae.id, a))).toMatchObject({
      severity: 'mild',
      version: 1,
    });
    expect(await versionsOf('adverse_event', ae.id)).toHaveLength(2);
  });

  it('the blinded assessor records EDSS and the MRI read; the values are stored and audited', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    const recorded = await as(assessor, (a) =>
      assessments.recordAssessment(
        w012,
        {
          edss: { score: 3.5, rater: 'NS-1234', assessedOn: '2026-06-20' },
          mri: {
            examDate: '2026-06-18',
            gdLesions: 0,
            newOrEnlargingT2: 1,
            comparedWith: '2026-01-10',
          },
        },
        a,
      ),
    );
    expect(recorded).toMatchObject({
      edssScore: 3.5,
      edssRater: 'NS-1234',
      edssDate: '2026-06-20',
      mriDate: '2026-06-18',
      mriGdLesions: 0,
      mriNewT2Lesions: 1,
      mriComparedWith: '2026-01-10',
    });
    for (const action of ['follow-up.edss_recorded', 'follow-up.mri_recorded']) {
      const rows = (await t.factory.auditRows({ action, entityId: w012 })) as unknown as {
        actor_role: string;
      }[];
      expect(rows).toHaveLength(1);
      expect(rows[0].actor_role).toBe('blinded_assessor');
    }
    const history = await as(assessor, (a) => visitLog.visitHistory(w012, a));
    expect(history.log).toEqual([]); // the blinded reader never sees the site's log
    expect(history.assessment).toHaveLength(1);
    expect(history.assessment[0].data).toEqual({
      edss: { score: 3.5, rater: 'NS-1234', assessedOn: '2026-06-20' },
      mri: {
        examDate: '2026-06-18',
        gdLesions: 0,
        newOrEnlargingT2: 1,
        comparedWith: '2026-01-10',
      },
    });

    const twice = await refusal(
      as(assessor, (a) =>
        assessments.recordAssessment(
          w012,
          { edss: { score: 4, rater: 'NS-1234', assessedOn: '2026-06-20' } },
          a,
        ),
      ),
    );
    expect(twice).toMatchObject({ code: 'ASSESSMENT_ALREADY_RECORDED', kind: 'conflict' });

    const corrected = await as(assessor, (a) =>
      assessments.correctAssessment(
        w012,
        {
          edss: { score: 4 },
          reason: 'Pyramidal score re-read',
          expectedVersion: recorded.version,
        },
        a,
      ),
    );
    expect(corrected).toMatchObject({ edssScore: 4, edssRater: 'NS-1234', mriGdLesions: 0 });
    const after = await as(assessor, (a) => visitLog.visitHistory(w012, a));
    expect(after.assessment.map((v) => v.reason)).toEqual(['Pyramidal score re-read', null]);
    expect(after.assessment[0].changes).toEqual([{ path: 'edss.score', before: 3.5, after: 4 }]);
  });

  it('refuses an assessment dated in the future or compared with a later exam, storing nothing', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    const before = await as(assessor, (a) => visitLog.visit(w012, a));
    const audits = await auditCount();

    const futureEdss = await refusal(
      as(assessor, (a) =>
        assessments.recordAssessment(
          w012,
          { edss: { score: 3, rater: 'NS-1234', assessedOn: '2026-07-11' } },
          a,
        ),
      ),
    );
    expect(futureEdss).toBeInstanceOf(DomainError);
    expect(futureEdss).toMatchObject({
      code: 'VALIDATION_FAILED',
      kind: 'bad_request',
      errors: [expect.objectContaining({ path: 'edss.assessedOn' })],
    });

    // A valid EDSS with a bad MRI in the same call: the whole call is refused, the EDSS too.
    const futureMri = await refusal(
      as(assessor, (a) =>
        assessments.recordAssessment(
          w012,
          {
            edss: { score: 3, rater: 'NS-1234', assessedOn: '2026-07-01' },
            mri: {
              examDate: '2026-07-12',
              gdLesions: 1,
              newOrEnlargingT2: 0,
              comparedWith: '2026-01-10',
            },
          },
          a,
        ),
      ),
    );
    expect(futureMri).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: 'mri.examDate' })],
    });

    const laterComparison = await refusal(
      as(assessor, (a) =>
        assessments.recordAssessment(
          w012,
          {
            mri: {
              examDate: '2026-06-18',
              gdLesions: 1,
              newOrEnlargingT2: 0,
              comparedWith: '2026-06-18',
            },
          },
          a,
        ),
      ),
    );
    expect(laterComparison).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: 'mri.comparedWith' })],
    });

    const nothing = await refusal(as(assessor, (a) => assessments.recordAssessment(w012, {}, a)));
    expect(nothing).toMatchObject({ code: 'VALIDATION_FAILED' });

    // Off-scale scores (range and steps are the DTO's to check) never reach the table either.
    for (const score of [10.5, 3.25]) {
      await refusal(
        as(assessor, (a) =>
          assessments.recordAssessment(
            w012,
            { edss: { score, rater: 'NS-1234', assessedOn: '2026-06-20' } },
            a,
          ),
        ),
      );
    }

    expect(await as(assessor, (a) => visitLog.visit(w012, a))).toEqual(before);
    expect(before).toMatchObject({ edssScore: null, mriDate: null });
    expect(await auditCount()).toBe(audits);
    expect(await versionsOf('visit_assessment', w012)).toEqual([]);
  });

  it('two concurrent logs of one visit: exactly one succeeds, the other is a conflict, one audit row', async () => {
    const p = await participant();
    const w012 = await visitOf(p.id, 'W012');
    const results = await Promise.allSettled([
      as(staff, (a) => visitLog.logVisit(w012, fullLog('2026-06-20'), a)),
      as(staff, (a) =>
        visitLog.logVisit(w012, { visitDate: '2026-06-21', relapseAssessment: noRelapse }, a),
      ),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(DomainError);
    expect(rejected[0].reason).toMatchObject({ code: 'VISIT_ALREADY_LOGGED', kind: 'conflict' });

    const winner = fulfilled[0].value;
    const stored = await as(staff, (a) => visitLog.visit(w012, a));
    expect(stored).toMatchObject({
      status: 'logged',
      version: 1,
      loggedDate: winner.visit.loggedDate,
    });
    expect(
      await t.factory.auditRows({ action: 'follow-up.visit_logged', entityId: w012 }),
    ).toHaveLength(1);
    expect(await versionsOf('visit_log', w012)).toHaveLength(1);
  });
});
