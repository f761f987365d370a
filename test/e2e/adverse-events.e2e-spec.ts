import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { TrialsService } from 'src/modules/trials/trials.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

const RANDOMISED = '2026-03-28T23:30:00Z'; // week 0 = 2026-03-29 at Amsterdam
const NOW = '2026-07-10T10:00:00Z'; // 12:00 in Amsterdam: the site's today is 2026-07-10

type Assessment = {
  intervention: string;
  causality: string;
  expectedness: string | null;
  expectednessBy: string | null;
  rsiVersion: string | null;
};
type Ae = {
  id: string;
  participantId: string;
  siteId: string;
  visitId: string | null;
  term: string;
  outcome: string;
  status: string;
  serious: boolean;
  meddraCode: string | null;
  ctcaeGrade: number | null;
  awareDate: string | null;
  assessments: Assessment[];
  susar: boolean;
  susarClock: null | Record<string, unknown>;
  reportingClock: null | Record<string, unknown>;
  version: number;
};

describe('adverse events for safety reporting: SUSAR, clocks from awareness, RSI versions, follow-up (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;
  let investigator: TestUser;
  let assessor: TestUser;
  let otherSite: TestUser;
  let monitor: TestUser;
  let amsterdam: string;

  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    otherSite = await t.factory.user('site_staff', { sites: ['NO-BER'] });
    monitor = await t.factory.user('monitor', { trialWide: true });
    amsterdam = await t.factory.site('NL-AMS');
  });
  afterAll(() => t.close());

  async function participant(arm: 'A' | 'B') {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, arm, RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    return p;
  }

  const report = (user: TestUser, participantId: string, adverseEvents: object[]) =>
    t
      .http()
      .post(`/follow-up/participants/${participantId}/adverse-events`)
      .set(bearer(user))
      .send({ adverseEvents });

  const aeCount = async (participantId: string): Promise<number> =>
    (
      (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM adverse_events WHERE participant_id = $1`,
        [participantId],
      )) as { n: number }[]
    )[0].n;

  const serious = (over: object = {}) => ({
    term: 'Sepsis',
    meddraCode: '10040047',
    onsetDate: '2026-07-05',
    awareDate: '2026-07-08',
    severity: 'severe',
    ctcaeGrade: 4,
    serious: true,
    seriousnessCriteria: ['life_threatening', 'hospitalisation'],
    outcome: 'recovering',
    assessments: [
      { intervention: 'conditioning', causality: 'possibly_related', expectedness: 'unexpected' },
      { intervention: 'reinfusion', causality: 'unlikely_related', expectedness: 'expected' },
    ],
    ...over,
  });

  it('[REQ-SAFE-002] a serious, related, unexpected event between visits is a SUSAR: 7 days from the entered awareness date when life-threatening', async () => {
    const p = await participant('A');
    const res = await report(staff, p.id, [serious()]).expect(201);
    const [ae] = res.body as Ae[];
    expect(ae).toMatchObject({
      visitId: null,
      term: 'Sepsis',
      meddraCode: '10040047',
      ctcaeGrade: 4,
      awareDate: '2026-07-08',
      status: 'open',
      susar: true,
    });
    // The RSI version in force is recorded with each expectedness; the default assessor is the investigator.
    expect(ae.assessments).toEqual([
      {
        intervention: 'conditioning',
        causality: 'possibly_related',
        expectedness: 'unexpected',
        expectednessBy: 'investigator',
        rsiVersion: '1.0',
      },
      {
        intervention: 'reinfusion',
        causality: 'unlikely_related',
        expectedness: 'expected',
        expectednessBy: 'investigator',
        rsiVersion: '1.0',
      },
    ]);
    expect(ae.susarClock).toEqual({
      awareDate: '2026-07-08',
      days: 7,
      dueDate: '2026-07-15',
      reportedAt: null,
      reference: null,
      state: 'open',
      daysRemaining: 5,
    });
    // The 24-hour SAE clock runs from the awareness date (its start in Amsterdam), not from typing.
    expect(ae.reportingClock).toMatchObject({
      awareAt: '2026-07-07T22:00:00.000Z',
      dueAt: '2026-07-08T22:00:00.000Z',
      state: 'overdue',
    });

    // Reported: the SUSAR clock stops (investigators only); a second report is refused.
    await t
      .http()
      .post(`/follow-up/adverse-events/${ae.id}/susar-reported`)
      .set(bearer(staff))
      .send({ reference: 'EV-1' })
      .expect(403);
    const done = await t
      .http()
      .post(`/follow-up/adverse-events/${ae.id}/susar-reported`)
      .set(bearer(investigator))
      .send({ reference: 'EV-1' })
      .expect(200);
    expect(done.body.susarClock).toMatchObject({
      state: 'reported',
      reference: 'EV-1',
      reportedAt: '2026-07-10T10:00:00.000Z',
      daysRemaining: null,
    });
    await t
      .http()
      .post(`/follow-up/adverse-events/${ae.id}/susar-reported`)
      .set(bearer(investigator))
      .send({ reference: 'EV-2' })
      .expect(409);
    expect(
      await t.factory.auditRows({ action: 'follow-up.susar_reported', entityId: ae.id }),
    ).toHaveLength(1);
  });

  it('[REQ-SAFE-002] 15 days when serious but neither fatal nor life-threatening; no SUSAR when not serious, expected or unrelated', async () => {
    const p = await participant('B');
    const b = (over: object) =>
      serious({
        seriousnessCriteria: ['hospitalisation'],
        assessments: [
          { intervention: 'arm_b_drug', causality: 'related', expectedness: 'unexpected' },
        ],
        ...over,
      });
    const res = await report(staff, p.id, [
      b({ term: 'Infusion reaction' }),
      b({ term: 'Rash', serious: false, seriousnessCriteria: undefined }),
      b({
        term: 'Lymphopenia',
        assessments: [
          { intervention: 'arm_b_drug', causality: 'related', expectedness: 'expected' },
        ],
      }),
      b({
        term: 'Fracture',
        assessments: [
          { intervention: 'arm_b_drug', causality: 'not_related', expectedness: 'unexpected' },
        ],
      }),
      b({ term: 'Pneumonia', assessments: [{ intervention: 'arm_b_drug', causality: 'related' }] }),
    ]).expect(201);
    const [fifteen, nonSerious, expected, unrelated, unassessed] = res.body as Ae[];
    expect(fifteen.susar).toBe(true);
    expect(fifteen.susarClock).toMatchObject({ days: 15, dueDate: '2026-07-23', state: 'open' });
    for (const ae of [nonSerious, expected, unrelated, unassessed]) {
      expect({ term: ae.term, susar: ae.susar, clock: ae.susarClock }).toEqual({
        term: ae.term,
        susar: false,
        clock: null,
      });
    }
    expect(nonSerious.reportingClock).toBeNull();
    expect(unassessed.assessments[0]).toMatchObject({ expectedness: null, rsiVersion: null });
    await t
      .http()
      .post(`/follow-up/adverse-events/${expected.id}/susar-reported`)
      .set(bearer(investigator))
      .send({ reference: 'EV-3' })
      .expect(409);

    // The interventions follow the arm: aHSCT is not an arm-B participant's intervention.
    const before = await aeCount(p.id);
    const wrong = await report(staff, p.id, [
      b({ assessments: [{ intervention: 'ahsct', causality: 'related' }] }),
    ]).expect(400);
    expect(wrong.body.errors[0].path).toBe('adverseEvents.0.assessments.0.intervention');
    expect(await aeCount(p.id)).toBe(before);
  });

  it('the RSI versions are trial settings; the version in force, or the one named, is recorded', async () => {
    const p = await participant('A');
    const trials = t.app.get(TrialsService);
    const settings = {
      safety: {
        rsi: {
          conditioning: [
            { version: '1.0', effectiveFrom: '2025-01-01' },
            { version: '2.0', effectiveFrom: '2026-07-01' },
            { version: '3.0', effectiveFrom: '2027-01-01' },
          ],
        },
      },
    };
    await t.dataSource.query(
      `UPDATE trials SET settings = jsonb_set(settings, '{followUp}', coalesce(settings->'followUp', '{}') || $1::jsonb)`,
      [JSON.stringify(settings)],
    );
    trials.invalidate();
    try {
      const res = await report(staff, p.id, [
        serious({
          assessments: [
            { intervention: 'conditioning', causality: 'related', expectedness: 'unexpected' },
          ],
        }),
        serious({
          assessments: [
            {
              intervention: 'conditioning',
              causality: 'related',
              expectedness: 'unexpected',
              expectednessBy: 'sponsor',
              rsiVersion: '1.0',
            },
          ],
        }),
      ]).expect(201);
      const [inForce, named] = res.body as Ae[];
      expect(inForce.assessments[0].rsiVersion).toBe('2.0');
      expect(named.assessments[0]).toMatchObject({ rsiVersion: '1.0', expectednessBy: 'sponsor' });
      const before = await aeCount(p.id);
      const unknown = await report(staff, p.id, [
        serious({
          assessments: [
            {
              intervention: 'conditioning',
              causality: 'related',
              expectedness: 'unexpected',
              rsiVersion: '9.9',
            },
          ],
        }),
      ]).expect(400);
      expect(unknown.body.errors[0].path).toBe('adverseEvents.0.assessments.0.rsiVersion');
      expect(await aeCount(p.id)).toBe(before);
      // Stored with the event (and its version), not looked up later.
      const [row] = await t.dataSource.query(
        `SELECT assessments FROM adverse_events WHERE id = $1`,
        [inForce.id],
      );
      expect(row.assessments[0].rsiVersion).toBe('2.0');
    } finally {
      await t.dataSource.query(`UPDATE trials SET settings = settings #- '{followUp,safety}'`);
      trials.invalidate();
    }
  });

  it('[REQ-CORR-001] follow-up updates until resolution are versioned: old values and reasons kept in the history', async () => {
    const p = await participant('A');
    const [ae] = (await report(staff, p.id, [serious()]).expect(201)).body as Ae[];
    const patch = (body: object) =>
      t.http().patch(`/follow-up/adverse-events/${ae.id}`).set(bearer(staff)).send(body);

    const recovered = await patch({
      outcome: 'recovered_with_sequelae',
      endDate: '2026-07-09',
      reason: 'Follow-up: discharged',
      expectedVersion: 0,
    }).expect(200);
    expect(recovered.body).toMatchObject({
      outcome: 'recovered_with_sequelae',
      endDate: '2026-07-09',
      status: 'resolved',
      version: 1,
    });
    // The sponsor re-judges expectedness: no longer a SUSAR.
    const rejudged = await patch({
      assessments: {
        change: [
          { intervention: 'conditioning', expectedness: 'expected', expectednessBy: 'sponsor' },
        ],
      },
      reason: 'Sponsor assessment: listed in the RSI',
    }).expect(200);
    expect(rejudged.body).toMatchObject({ susar: false, susarClock: null, version: 2 });
    expect((rejudged.body as Ae).assessments[0]).toMatchObject({
      expectedness: 'expected',
      expectednessBy: 'sponsor',
      rsiVersion: '1.0',
    });

    const history = await t
      .http()
      .get(`/follow-up/adverse-events/${ae.id}/history`)
      .set(bearer(monitor))
      .expect(200);
    const versions = history.body as {
      version: number;
      reason: string | null;
      changes: { path: string; before: unknown; after: unknown }[];
      data: Record<string, unknown>;
    }[];
    expect(versions.map((v) => v.version)).toEqual([2, 1, 0]);
    expect(versions[1].reason).toBe('Follow-up: discharged');
    expect(versions[1].changes).toEqual(
      expect.arrayContaining([
        { path: 'outcome', before: 'recovering', after: 'recovered_with_sequelae' },
        { path: 'endDate', before: null, after: '2026-07-09' },
      ]),
    );
    expect(versions[0].changes).toEqual(
      expect.arrayContaining([
        { path: 'assessments[conditioning].expectedness', before: 'unexpected', after: 'expected' },
      ]),
    );
    expect(versions[2].data).toMatchObject({ outcome: 'recovering', awareDate: '2026-07-08' });
    expect(
      await t.factory.auditRows({ action: 'follow-up.adverse_event_corrected', entityId: ae.id }),
    ).toHaveLength(2);

    // A correction to bad values is refused naming the field, and changes nothing.
    const bad = await patch({ endDate: '2026-07-01', reason: 'typo' }).expect(400);
    expect(bad.body.errors[0].path).toBe('adverseEvent.endDate');
    const same = await t
      .http()
      .get(`/follow-up/adverse-events/${ae.id}`)
      .set(bearer(staff))
      .expect(200);
    expect(same.body).toMatchObject({ endDate: '2026-07-09', version: 2 });
  });

  it('an adverse event at a visit carries its visit; lists per participant and per site, filtered and paged', async () => {
    const p = await participant('A');
    const q = await participant('A');
    const [w012] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W012'`,
      [p.id],
    );
    await t
      .http()
      .post(`/follow-up/visits/${w012.id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-06-22',
        relapseAssessment: { newRelapse: false },
        adverseEvents: [
          {
            term: 'Headache',
            onsetDate: '2026-06-20',
            endDate: '2026-06-21',
            severity: 'mild',
            ctcaeGrade: 1,
            serious: false,
            outcome: 'recovered',
            assessments: [{ intervention: 'ahsct', causality: 'not_related' }],
          },
        ],
      })
      .expect(200);
    await report(staff, p.id, [
      serious(),
      serious({ term: 'Fever', serious: false, seriousnessCriteria: undefined }),
    ]).expect(201);
    await report(staff, q.id, [serious({ term: 'Mucositis' })]).expect(201);

    const list = async (query: string, user: TestUser = staff) =>
      (await t.http().get(`/follow-up/adverse-events?${query}`).set(bearer(user)).expect(200))
        .body as { items: Ae[]; total: number; page: number; pageSize: number };

    const mine = await list(`participantId=${p.id}`);
    expect(mine.total).toBe(3);
    expect(mine.items.find((a) => a.term === 'Headache')?.visitId).toBe(w012.id);
    expect(
      mine.items
        .filter((a) => a.visitId === null)
        .map((a) => a.term)
        .sort(),
    ).toEqual(['Fever', 'Sepsis']);
    expect((await list(`participantId=${p.id}&susar=true`)).items.map((a) => a.term)).toEqual([
      'Sepsis',
    ]);
    expect((await list(`participantId=${p.id}&serious=false`)).total).toBe(2);
    expect((await list(`participantId=${p.id}&status=resolved`)).items.map((a) => a.term)).toEqual([
      'Headache',
    ]);
    expect((await list(`participantId=${p.id}&status=open`)).total).toBe(2);

    const site = await list(`siteId=${amsterdam}&susar=true&pageSize=1&page=1`, monitor);
    expect(site.items).toHaveLength(1);
    expect(site.total).toBeGreaterThanOrEqual(2);
    const terms = (await list(`siteId=${amsterdam}&susar=true&pageSize=100`, monitor)).items.map(
      (a) => a.participantId,
    );
    expect(terms).toEqual(expect.arrayContaining([p.id, q.id]));
    const page2 = await list(`siteId=${amsterdam}&susar=true&pageSize=1&page=2`, monitor);
    expect(page2.items[0].id).not.toBe(site.items[0].id);

    // Another site's staff see none of them, and cannot report for the participant.
    expect((await list(`participantId=${p.id}`, otherSite)).total).toBe(0);
    await report(otherSite, p.id, [serious()]).expect(404);
    const bad = await t.http().get(`/follow-up/adverse-events?status=closed`).set(bearer(staff));
    expect(bad.status).toBe(400);
  });

  it('[REQ-BLIND-004] the blinded assessor gets no adverse event at all', async () => {
    const p = await participant('A');
    const [ae] = (await report(staff, p.id, [serious()]).expect(201)).body as Ae[];
    await t
      .http()
      .get(`/follow-up/adverse-events?participantId=${p.id}`)
      .set(bearer(assessor))
      .expect(403);
    await t.http().get(`/follow-up/adverse-events/${ae.id}`).set(bearer(assessor)).expect(403);
    await t
      .http()
      .get(`/follow-up/adverse-events/${ae.id}/history`)
      .set(bearer(assessor))
      .expect(403);
    await report(assessor, p.id, [serious()]).expect(403);
  });

  it("'today' is the site's calendar day: awareness on the site's today is accepted while UTC is still on the day before", async () => {
    const p = await participant('B');
    const clock = t.clock;
    if (!clock) {
      throw new Error('fixed clock expected');
    }
    clock.set('2026-07-10T22:30:00Z'); // 00:30 on 2026-07-11 in Amsterdam
    try {
      const ok = await report(staff, p.id, [
        serious({
          onsetDate: '2026-07-11',
          awareDate: '2026-07-11',
          assessments: [
            { intervention: 'arm_b_drug', causality: 'related', expectedness: 'unexpected' },
          ],
        }),
      ]).expect(201);
      expect((ok.body as Ae[])[0].susarClock).toMatchObject({
        awareDate: '2026-07-11',
        dueDate: '2026-07-18',
        daysRemaining: 7,
      });
      const late = await report(staff, p.id, [
        serious({ onsetDate: '2026-07-11', awareDate: '2026-07-12', assessments: [] }),
      ]).expect(400);
      expect(late.body.errors[0].path).toBe('adverseEvents.0.awareDate');
      expect(await aeCount(p.id)).toBe(1);
    } finally {
      clock.set(NOW);
    }
  });

  it.each([
    ['a CTCAE grade of 6', { ctcaeGrade: 6 }, 'adverseEvents.0.ctcaeGrade'],
    ['an unknown outcome', { outcome: 'cured' }, 'adverseEvents.0.outcome'],
    ['an end before the onset', { endDate: '2026-07-04' }, 'adverseEvents.0.endDate'],
    [
      'awareness in the future (site calendar)',
      { awareDate: '2026-07-11' },
      'adverseEvents.0.awareDate',
    ],
    ['awareness before the onset', { awareDate: '2026-07-04' }, 'adverseEvents.0.awareDate'],
    [
      'an onset in the future',
      { onsetDate: '2026-07-11', awareDate: undefined },
      'adverseEvents.0.onsetDate',
    ],
    ['a MedDRA code that is not 8 digits', { meddraCode: '1004' }, 'adverseEvents.0.meddraCode'],
    [
      'an unknown causality',
      { assessments: [{ intervention: 'conditioning', causality: 'maybe' }] },
      'adverseEvents.0.assessments.0.causality',
    ],
  ])('%s is a 400 naming the field, and nothing is stored', async (_what, over, path) => {
    const p = await participant('A');
    const res = await report(staff, p.id, [serious({ term: 'Ok' }), serious(over)]).expect(400);
    const at = path.replace('adverseEvents.0', 'adverseEvents.1');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(at);
    expect(await aeCount(p.id)).toBe(0);
  });
});
