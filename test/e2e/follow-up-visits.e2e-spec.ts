import fc from 'fast-check';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

const RANDOMISED = '2026-03-28T23:30:00Z'; // week 0 = 2026-03-29 at Amsterdam

/** Anything that would tell a blinded reader the arm, a transplant or arm-A-only material. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ARM_REVEALING =
  /"arm"|A-D\d{3}|arm_a|transplant|aHSCT|alemtuzumab|ocrelizumab|cladribine|siteData|urine|"anchor"|offsetDays|Post-transplant/i;

type Visit = { id: string; code: string; status: string; version: number; kind: string };
type Detail = {
  visit: Visit & Record<string, unknown>;
  deviation: null | Record<string, unknown>;
  adverseEvents: Record<string, unknown>[];
};

describe('follow-up: logging visits, deviations, corrections, SAEs and the blinded assessor (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;
  let investigator: TestUser;
  let assessor: TestUser;
  let otherSite: TestUser;
  let monitor: TestUser;
  let amsterdam: string;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-07-10T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    otherSite = await t.factory.user(['site_staff', 'coordinator'], { sites: ['NO-BER'] });
    monitor = await t.factory.user('monitor', { trialWide: true });
    amsterdam = await t.factory.site('NL-AMS');
  });
  afterAll(() => t.close());

  const clock = () => {
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    return t.clock;
  };

  async function participant(arm: 'A' | 'B') {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, arm, RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    if (arm === 'A') {
      await t.app.get(FollowUpService).reanchor(p.id, '2026-04-20');
    }
    return p;
  }

  const visitOf = async (participantId: string, code: string): Promise<string> =>
    (
      (await t.dataSource.query(`SELECT id FROM visits WHERE participant_id = $1 AND code = $2`, [
        participantId,
        code,
      ])) as { id: string }[]
    )[0].id;

  const log = (user: TestUser, id: string) =>
    t.http().post(`/follow-up/visits/${id}/log`).set(bearer(user));
  const noRelapse = { newRelapse: false };

  it('[REQ-VISIT-002] logs a visit inside its window without a deviation, audited once', async () => {
    const p = await participant('B');
    const w012 = await visitOf(p.id, 'W012');
    const res = await log(staff, w012)
      .send({
        visitDate: '2026-06-20',
        relapseAssessment: noRelapse,
        samples: [{ type: 'bloods', taken: true }],
        questionnaires: [{ instrument: 'msis29', done: true }],
      })
      .expect(200);
    const body = res.body as Detail;
    expect(body.visit).toMatchObject({
      code: 'W012',
      status: 'logged',
      loggedDate: '2026-06-20',
      version: 1,
    });
    expect(body.deviation).toBeNull();
    expect(
      await t.factory.auditRows({ action: 'follow-up.visit_logged', entityId: w012 }),
    ).toHaveLength(1);
    const again = await log(staff, w012)
      .send({ visitDate: '2026-06-21', relapseAssessment: noRelapse })
      .expect(409);
    expect(again.body.code).toBe('VISIT_ALREADY_LOGGED');
  });

  it('[REQ-VISIT-002] a visit outside its window creates a deviation (days outside, visit, site), listed per site and scoped', async () => {
    const p = await participant('B');
    const w000 = await visitOf(p.id, 'W000'); // window 2026-03-29 … 2026-04-12
    const res = await log(staff, w000)
      .send({ visitDate: '2026-04-20', relapseAssessment: noRelapse })
      .expect(200);
    expect((res.body as Detail).deviation).toMatchObject({
      kind: 'visit_out_of_window',
      visitCode: 'W000',
      studyId: p.studyId,
      siteLabel: 'NL-AMS',
      visitDate: '2026-04-20',
      windowStart: '2026-03-29',
      windowEnd: '2026-04-12',
      daysOutside: 8,
      direction: 'late',
      status: 'open',
    });
    const list = await t
      .http()
      .get(`/follow-up/deviations?siteId=${amsterdam}`)
      .set(bearer(staff))
      .expect(200);
    expect(list.body.items.map((d: { visitId: string }) => d.visitId)).toContain(w000);
    const monitorList = await t
      .http()
      .get(`/follow-up/deviations?siteId=${amsterdam}&status=open`)
      .set(bearer(monitor))
      .expect(200);
    expect(monitorList.body.items.map((d: { visitId: string }) => d.visitId)).toContain(w000);

    // Another site's staff: the visit is not found, the list is empty, logging is a 404.
    await t.http().get(`/follow-up/visits/${w000}`).set(bearer(otherSite)).expect(404);
    const foreign = await t
      .http()
      .get(`/follow-up/deviations?siteId=${amsterdam}`)
      .set(bearer(otherSite))
      .expect(200);
    expect(foreign.body.total).toBe(0);
    await log(otherSite, await visitOf(p.id, 'W012'))
      .send({ visitDate: '2026-06-20', relapseAssessment: noRelapse })
      .expect(404);
    await t.http().get(`/follow-up/participants/${p.id}/visits`).set(bearer(otherSite)).expect(404);

    // Early is negative: the week-24 visit (window from 08-30) logged in July.
    clock().set('2026-08-10T10:00:00Z');
    const early = await log(staff, await visitOf(p.id, 'W024'))
      .send({ visitDate: '2026-08-10', relapseAssessment: noRelapse })
      .expect(200);
    expect((early.body as Detail).deviation).toMatchObject({
      daysOutside: -20,
      direction: 'early',
    });
    clock().set('2026-07-10T10:00:00Z');
  });

  it('[REQ-CORR-001] corrections need a reason and are audited with before and after; a corrected date can void the deviation', async () => {
    const p = await participant('B');
    const w000 = await visitOf(p.id, 'W000');
    await log(staff, w000)
      .send({ visitDate: '2026-04-15', relapseAssessment: noRelapse })
      .expect(200);

    const noReason = await t
      .http()
      .patch(`/follow-up/visits/${w000}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-04-10' })
      .expect(400);
    expect(noReason.body.message).toContain('reason');

    const fixed = await t
      .http()
      .patch(`/follow-up/visits/${w000}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-04-10',
        reason: 'Date typed from the wrong CRF page',
        expectedVersion: 1,
      })
      .expect(200);
    expect((fixed.body as Detail).visit).toMatchObject({ loggedDate: '2026-04-10', version: 2 });
    expect((fixed.body as Detail).deviation).toMatchObject({
      status: 'voided',
      voidReason: 'Date typed from the wrong CRF page',
    });

    const [audit] = (await t.factory.auditRows({
      action: 'follow-up.visit_corrected',
      entityId: w000,
    })) as unknown as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      reason: string;
    }[];
    // Exactly the corrected field, before and after.
    expect(audit.before).toEqual({ visitDate: '2026-04-15' });
    expect(audit.after).toEqual({ visitDate: '2026-04-10' });
    expect(audit.reason).toBe('Date typed from the wrong CRF page');
    expect(await t.factory.auditRows({ action: 'follow-up.deviation_voided' })).not.toHaveLength(0);

    const stale = await t
      .http()
      .patch(`/follow-up/visits/${w000}/log`)
      .set(bearer(staff))
      .send({ notes: 'x', reason: 'r', expectedVersion: 1 })
      .expect(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    expect(stale.body.errors[0].params.changedSince).toEqual([
      { path: 'visitDate', before: '2026-04-15', after: '2026-04-10' },
    ]);
  });

  it('[REQ-INPUT-001] answers bad input with 400 naming the field, never 500', async () => {
    const p = await participant('B');
    const w012 = await visitOf(p.id, 'W012');
    const cases: [unknown, string][] = [
      [{ visitDate: '2026-02-30', relapseAssessment: noRelapse }, 'visitDate'],
      [{ relapseAssessment: noRelapse }, 'visitDate'],
      [{ visitDate: '2026-06-20' }, 'relapseAssessment'],
      [{ visitDate: '2026-06-20', relapseAssessment: { newRelapse: true } }, 'relapses'],
      [{ visitDate: '2026-06-20', relapseAssessment: { newRelapse: 'yes' } }, 'newRelapse'],
      [
        {
          visitDate: '2026-06-20',
          relapseAssessment: noRelapse,
          samples: [{ type: 'plasma', taken: true }],
        },
        'type',
      ],
      [{ visitDate: '2026-06-20', relapseAssessment: noRelapse, colour: 'red' }, 'colour'],
      [{ visitDate: '2026-07-11', relapseAssessment: noRelapse }, 'visitDate'], // after today at the site
      [
        {
          visitDate: '2026-06-20',
          relapseAssessment: {
            newRelapse: false,
            relapses: [{ onsetDate: '2026-06-01', steroidTreated: true }],
          },
        },
        'relapses',
      ],
      [
        {
          visitDate: '2026-06-20',
          relapseAssessment: noRelapse,
          adverseEvents: [
            {
              term: 'Pneumonia',
              onsetDate: '2026-06-10',
              severity: 'severe',
              serious: true,
              outcome: 'recovering',
            },
          ],
        },
        'seriousnessCriteria',
      ],
      [
        {
          visitDate: '2026-06-20',
          relapseAssessment: noRelapse,
          adverseEvents: [
            {
              term: 'Rash',
              onsetDate: '2026-06-10',
              endDate: '2026-06-01',
              severity: 'mild',
              serious: false,
              outcome: 'recovered',
            },
          ],
        },
        'endDate',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await log(staff, w012).send(body as object);
      expect([res.status, field]).toEqual([400, field]);
      expect(res.body.message).toContain(field);
    }
    const malformed = await log(staff, w012)
      .set('Content-Type', 'application/json')
      .send('{"visitDate": ');
    expect(malformed.status).toBe(400);
    await t.http().post('/follow-up/visits/not-a-uuid/log').set(bearer(staff)).send({}).expect(400);

    const edss = await t
      .http()
      .post(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 3.3, rater: 'R1', assessedOn: '2026-06-20' } })
      .expect(400);
    expect(edss.body.message).toContain('edss.score');

    // Generated bodies: whatever arrives, the answer is never a 5xx, and nothing is logged.
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await log(staff, w012).send(
          typeof body === 'object' && body !== null ? body : { value: body },
        );
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    const [row] = await t.dataSource.query(`SELECT status FROM visits WHERE id = $1`, [w012]);
    expect(row.status).toBe('scheduled');
  });

  it('[REQ-SAFE-001] a serious adverse event notifies the site investigators at once and shows the 24-hour clock until reported', async () => {
    const p = await participant('A');
    const w012 = await visitOf(p.id, 'W012');
    clock().set('2026-06-22T08:00:00Z');
    const res = await log(staff, w012)
      .send({
        visitDate: '2026-06-22',
        relapseAssessment: noRelapse,
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
      })
      .expect(200);
    const [sae, mild] = (res.body as Detail).adverseEvents as {
      id: string;
      reportingClock: Record<string, unknown> | null;
    }[];
    expect(sae.reportingClock).toEqual({
      awareAt: '2026-06-22T08:00:00.000Z',
      dueAt: '2026-06-23T08:00:00.000Z',
      reportedAt: null,
      state: 'open',
      hoursRemaining: 24,
    });
    expect(mild.reportingClock).toBeNull();

    // At once: the inbox row committed with the event, before any job ran.
    const inbox = await t.http().get('/notifications').set(bearer(investigator)).expect(200);
    const saeNotes = (inbox.body.items as { kind: string; subject: string; body: string }[]).filter(
      (n) => n.kind === 'follow-up.sae',
    );
    expect(saeNotes).toHaveLength(1);
    expect(saeNotes[0].subject).toBe(
      `SAE: ${p.studyId} at NL-AMS, report due 2026-06-23T08:00:00.000Z`,
    );
    expect(saeNotes[0].body).not.toContain('Febrile'); // no clinical detail (and never a name) in the message
    for (const user of [staff, assessor]) {
      const other = await t.http().get('/notifications').set(bearer(user)).expect(200);
      expect((other.body.items as { kind: string }[]).some((n) => n.kind === 'follow-up.sae')).toBe(
        false,
      );
    }

    clock().set('2026-06-23T09:00:00Z');
    const open = await t
      .http()
      .get(`/follow-up/adverse-events?openReports=true&siteId=${amsterdam}`)
      .set(bearer(investigator))
      .expect(200);
    const listed = (
      open.body.items as { id: string; reportingClock: { state: string; hoursRemaining: number } }[]
    ).find((a) => a.id === sae.id);
    expect(listed?.reportingClock).toMatchObject({ state: 'overdue', hoursRemaining: -1 });

    await t
      .http()
      .post(`/follow-up/adverse-events/${sae.id}/reported`)
      .set(bearer(staff))
      .send({ reference: 'SAE-2026-001' })
      .expect(403);
    const done = await t
      .http()
      .post(`/follow-up/adverse-events/${sae.id}/reported`)
      .set(bearer(investigator))
      .send({ reference: 'SAE-2026-001' })
      .expect(200);
    expect(done.body.reportingClock).toMatchObject({
      state: 'reported_late',
      reportedAt: '2026-06-23T09:00:00.000Z',
      hoursRemaining: null,
    });
    await t
      .http()
      .post(`/follow-up/adverse-events/${sae.id}/reported`)
      .set(bearer(investigator))
      .send({ reference: 'again' })
      .expect(409);
    const after = await t
      .http()
      .get(`/follow-up/adverse-events?openReports=true&siteId=${amsterdam}`)
      .set(bearer(investigator))
      .expect(200);
    expect((after.body.items as { id: string }[]).map((a) => a.id)).not.toContain(sae.id);
    expect(
      await t.factory.auditRows({ action: 'follow-up.sae_reported', entityId: sae.id }),
    ).toHaveLength(1);

    // A non-serious event corrected to serious starts its clock then, and notifies.
    clock().set('2026-06-24T10:00:00Z');
    const upgraded = await t
      .http()
      .patch(`/follow-up/adverse-events/${mild.id}`)
      .set(bearer(staff))
      .send({
        serious: true,
        seriousnessCriteria: ['other_medically_important'],
        reason: 'Reassessed by the investigator',
      })
      .expect(200);
    expect(upgraded.body.reportingClock).toMatchObject({
      awareAt: '2026-06-24T10:00:00.000Z',
      state: 'open',
    });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'follow-up.sae'`,
      [investigator.id],
    );
    expect(n).toBe(2);
    clock().set('2026-07-10T10:00:00Z');
  });

  it('unscheduled visits (a relapse) can be logged at any time', async () => {
    const p = await participant('B');
    const first = await t
      .http()
      .post(`/follow-up/participants/${p.id}/unscheduled-visits`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-05-02',
        reason: 'relapse',
        relapseAssessment: {
          newRelapse: true,
          relapses: [{ onsetDate: '2026-04-28', steroidTreated: true }],
        },
      })
      .expect(201);
    expect((first.body as Detail).visit).toMatchObject({
      code: 'U001',
      kind: 'unscheduled',
      status: 'logged',
      loggedDate: '2026-05-02',
    });
    expect((first.body as Detail).deviation).toBeNull();
    const second = await t
      .http()
      .post(`/follow-up/participants/${p.id}/unscheduled-visits`)
      .set(bearer(staff))
      .send({ visitDate: '2026-07-01', reason: 'other', relapseAssessment: noRelapse })
      .expect(201);
    expect((second.body as Detail).visit.code).toBe('U002');
    const notRandomised = await t.factory.participant('NL-AMS');
    await t
      .http()
      .post(`/follow-up/participants/${notRandomised.id}/unscheduled-visits`)
      .set(bearer(staff))
      .send({ visitDate: '2026-07-01', reason: 'other', relapseAssessment: noRelapse })
      .expect(409);
  });

  it('[REQ-BLIND-001] the blinded assessor records EDSS and the MRI read and never sees anything that reveals the arm', async () => {
    const p = await participant('A');
    const w012 = await visitOf(p.id, 'W012');
    const armA = await visitOf(p.id, 'A-D007');
    await log(staff, w012)
      .send({
        visitDate: '2026-06-20',
        relapseAssessment: noRelapse,
        samples: [{ type: 'urine', taken: true }],
      })
      .expect(200);

    await t
      .http()
      .post(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(staff))
      .send({ edss: { score: 2, rater: 'R1', assessedOn: '2026-06-20' } })
      .expect(403);
    const recorded = await t
      .http()
      .post(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({
        edss: { score: 3.5, rater: 'NS-1234', assessedOn: '2026-06-20' },
        mri: {
          examDate: '2026-06-18',
          gdLesions: 0,
          newOrEnlargingT2: 1,
          comparedWith: '2026-01-10',
        },
      })
      .expect(200);
    expect(recorded.body).toMatchObject({
      code: 'W012',
      edss: { score: 3.5, assessedOn: '2026-06-20', rater: 'NS-1234' },
      mri: {
        examDate: '2026-06-18',
        gdLesions: 0,
        newOrEnlargingT2: 1,
        comparedWith: '2026-01-10',
      },
    });
    expect(Object.keys(recorded.body).sort()).toEqual(
      [
        'assessments',
        'code',
        'edss',
        'id',
        'kind',
        'label',
        'loggedDate',
        'mri',
        'participantId',
        'siteId',
        'status',
        'studyId',
        'targetDate',
        'version',
        'windowEnd',
        'windowStart',
      ].sort(),
    );
    const twice = await t
      .http()
      .post(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 4, rater: 'NS-1234', assessedOn: '2026-06-20' } })
      .expect(409);
    expect(twice.body.code).toBe('ASSESSMENT_ALREADY_RECORDED');
    await t
      .http()
      .patch(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 4, rater: 'NS-1234', assessedOn: '2026-06-20' } })
      .expect(400);
    await t
      .http()
      .patch(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({
        edss: { score: 4, rater: 'NS-1234', assessedOn: '2026-06-20' },
        reason: 'Pyramidal score re-read',
      })
      .expect(200);
    const [corr] = (await t.factory.auditRows({
      action: 'follow-up.assessment_corrected',
      entityId: w012,
    })) as unknown as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    }[];
    expect([corr.before, corr.after]).toEqual([{ 'edss.score': 3.5 }, { 'edss.score': 4 }]);

    // Every endpoint a blinded assessor may call: nothing arm-revealing; arm-A visits do not exist for them.
    await t.http().get(`/follow-up/visits/${armA}`).set(bearer(assessor)).expect(404);
    await t
      .http()
      .post(`/follow-up/visits/${armA}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 2, rater: 'R', assessedOn: '2026-05-01' } })
      .expect(404);
    const responses = [
      await t
        .http()
        .get(`/follow-up/participants/${p.id}/visits`)
        .set(bearer(assessor))
        .expect(200),
      await t.http().get(`/follow-up/visits/${w012}`).set(bearer(assessor)).expect(200),
      await t
        .http()
        .get(`/follow-up/sites/${amsterdam}/calendar?from=2026-04-01&to=2026-12-31`)
        .set(bearer(assessor))
        .expect(200),
      await t
        .http()
        .get(`/follow-up/sites/${amsterdam}/calendar.ics`)
        .set(bearer(assessor))
        .expect(200),
      await t.http().get('/notifications').set(bearer(assessor)).expect(200),
    ];
    for (const res of responses) {
      // Ids are random hex ('…a-d124…' is not a visit code): masked before the check.
      expect(res.text.replace(UUID, '<id>')).not.toMatch(ARM_REVEALING);
    }
    const visits = responses[0].body as Visit[];
    expect(visits.map((v) => v.code)).toEqual([
      'W000',
      'W012',
      'W024',
      'W048',
      'W072',
      'W096',
      'W144',
      'W192',
      'W240',
    ]);
    // The unblinded staff do see the arm-A visits.
    const unblinded = await t
      .http()
      .get(`/follow-up/participants/${p.id}/visits`)
      .set(bearer(staff))
      .expect(200);
    expect((unblinded.body as Visit[]).length).toBe(23);
    for (const path of [
      '/follow-up/deviations',
      '/follow-up/adverse-events',
      `/follow-up/participants/${p.id}/neda`,
      '/follow-up/endpoints/neda',
      '/reports/consort',
      `/reports/follow-up/sites/${amsterdam}`,
    ]) {
      await t.http().get(path).set(bearer(assessor)).expect(403);
    }
  });
});
