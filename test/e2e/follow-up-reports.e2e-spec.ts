import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

// Randomised 2026-01-05 (Amsterdam): W000 window 01-05…01-19, W012 target 03-30, W096 target 2027-11-08.
const RANDOMISED = '2026-01-05T09:00:00Z';

type Reads = { edss?: number; mri?: { gd: number; t2: number } };

describe('follow-up: NEDA-3, CONSORT flow, site reports and calendars from live data (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;
  let assessor: TestUser;
  let statistician: TestUser;
  let monitor: TestUser;
  let investigator: TestUser;
  let admin: TestUser;
  const ids: Record<string, { id: string; studyId: string }> = {};

  const clock = () => {
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    return t.clock;
  };
  const visitOf = async (participantId: string, code: string): Promise<string> =>
    (
      (await t.dataSource.query(`SELECT id FROM visits WHERE participant_id = $1 AND code = $2`, [
        participantId,
        code,
      ])) as { id: string }[]
    )[0].id;

  async function randomise(site: string, arm: 'A' | 'B', at = RANDOMISED) {
    const p = await t.factory.participant(site);
    await t.factory.allocation(p.id, arm, at);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    return p;
  }

  /** Site staff log the visit on `date`; the blinded assessor records EDSS and/or MRI that day. */
  async function visit(
    participantId: string,
    code: string,
    date: string,
    reads: Reads,
    compareWith = '2025-12-01',
  ) {
    const id = await visitOf(participantId, code);
    await t
      .http()
      .post(`/follow-up/visits/${id}/log`)
      .set(bearer(staff))
      .send({ visitDate: date, relapseAssessment: { newRelapse: false } })
      .expect(200);
    const body: Record<string, unknown> = {};
    if (reads.edss !== undefined) {
      body.edss = { score: reads.edss, rater: 'NS-77', assessedOn: date };
    }
    if (reads.mri) {
      body.mri = {
        examDate: date,
        gdLesions: reads.mri.gd,
        newOrEnlargingT2: reads.mri.t2,
        comparedWith: compareWith,
      };
    }
    if (Object.keys(body).length > 0) {
      await t
        .http()
        .post(`/follow-up/visits/${id}/assessment`)
        .set(bearer(assessor))
        .send(body)
        .expect(200);
    }
  }

  async function cleanCourse(participantId: string, endpointT2 = 0) {
    await visit(participantId, 'W000', '2026-01-05', { edss: 2 });
    await visit(participantId, 'W012', '2026-03-30', { edss: 2, mri: { gd: 0, t2: 0 } });
    await visit(
      participantId,
      'W096',
      '2027-11-08',
      { edss: 2, mri: { gd: 0, t2: endpointT2 } },
      '2026-03-30',
    );
  }

  beforeAll(async () => {
    t = await createTestApp({ now: '2027-12-01T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS', 'SE-UPP'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS', 'SE-UPP'] });
    statistician = await t.factory.user('statistician', { trialWide: true });
    monitor = await t.factory.user('monitor', { trialWide: true });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    admin = await t.factory.user('admin', { trialWide: true });

    ids.clean = await randomise('NL-AMS', 'B');
    ids.mri = await randomise('NL-AMS', 'A');
    ids.sparse = await randomise('NL-AMS', 'A');
    ids.relapse = await randomise('NL-AMS', 'B');
    await cleanCourse(ids.clean.id);
    await cleanCourse(ids.mri.id, 2);
    await visit(ids.sparse.id, 'W000', '2026-01-05', { edss: 2.5 });
    await cleanCourse(ids.relapse.id);
    await t
      .http()
      .post(`/follow-up/participants/${ids.relapse.id}/unscheduled-visits`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-06-03',
        reason: 'relapse',
        relapseAssessment: {
          newRelapse: true,
          relapses: [{ onsetDate: '2026-06-01', steroidTreated: true }],
        },
      })
      .expect(201);
    // The arm-A participant with MRI activity was transplanted (day 0 recorded): received the allocated intervention.
    await t.app.get(FollowUpService).reanchor(ids.mri.id, '2026-03-10');
  });
  afterAll(() => t.close());

  it('NEDA-3 per participant at week 96, for the statistician only', async () => {
    const clean = await t
      .http()
      .get(`/follow-up/participants/${ids.clean.id}/neda?week=96`)
      .set(bearer(statistician))
      .expect(200);
    expect(clean.body).toMatchObject({
      participantId: ids.clean.id,
      studyId: ids.clean.studyId,
      arm: 'B',
      week: 96,
      neda: true,
      lostBy: [],
      endpointVisit: { code: 'W096', status: 'logged', loggedDate: '2027-11-08' },
      details: {
        targetDate: '2027-11-08',
        cutoffDate: '2027-11-08',
        edss: { baseline: { date: '2026-01-05', score: 2 } },
        mri: { rebaselineDate: '2026-03-30' },
      },
    });
    const mri = await t
      .http()
      .get(`/follow-up/participants/${ids.mri.id}/neda`)
      .set(bearer(statistician))
      .expect(200);
    expect(mri.body).toMatchObject({ neda: false, lostBy: ['mri_activity'] });
    const relapse = await t
      .http()
      .get(`/follow-up/participants/${ids.relapse.id}/neda?week=96`)
      .set(bearer(statistician))
      .expect(200);
    expect(relapse.body).toMatchObject({
      neda: false,
      lostBy: ['relapse'],
      details: { relapseOnsets: ['2026-06-01'] },
    });
    const sparse = await t
      .http()
      .get(`/follow-up/participants/${ids.sparse.id}/neda?week=96`)
      .set(bearer(statistician))
      .expect(200);
    expect(sparse.body).toMatchObject({
      neda: null,
      details: { missing: ['edss_endpoint', 'mri_rebaseline'] },
    });
    const at240 = await t
      .http()
      .get(`/follow-up/participants/${ids.clean.id}/neda?week=240`)
      .set(bearer(statistician))
      .expect(200);
    expect(at240.body.neda).toBeNull();

    await t
      .http()
      .get(`/follow-up/participants/${ids.clean.id}/neda?week=48`)
      .set(bearer(statistician))
      .expect(400);
    for (const user of [monitor, investigator, staff]) {
      await t
        .http()
        .get(`/follow-up/participants/${ids.clean.id}/neda?week=96`)
        .set(bearer(user))
        .expect(403);
    }
  });

  it('NEDA-3 aggregated per arm, for statistician and monitor only', async () => {
    const res = await t
      .http()
      .get('/follow-up/endpoints/neda?week=96')
      .set(bearer(monitor))
      .expect(200);
    expect(res.body.arms).toEqual([
      {
        arm: 'A',
        label: 'aHSCT',
        participants: 2,
        neda: 0,
        notNeda: 1,
        insufficientData: 1,
        proportion: 0,
        lostBy: { relapse: 0, edss_progression: 0, mri_activity: 1 },
      },
      {
        arm: 'B',
        label: 'best available high-efficacy DMT',
        participants: 2,
        neda: 1,
        notNeda: 1,
        insufficientData: 0,
        proportion: 0.5,
        lostBy: { relapse: 1, edss_progression: 0, mri_activity: 0 },
      },
    ]);
    await t.http().get('/follow-up/endpoints/neda?week=96').set(bearer(statistician)).expect(200);
    await t.http().get('/follow-up/endpoints/neda?week=96').set(bearer(investigator)).expect(403);
  });

  it('the CONSORT flow from live data, as JSON and as an SVG diagram', async () => {
    // Screening outcomes of people never randomised.
    await t.factory.participant('NL-AMS', { status: 'ineligible' });
    await t.factory.participant('NL-AMS', { status: 'ineligible' });
    await t.factory.participant('NL-AMS', { status: 'registered' });
    const declined = await t.factory.participant('NL-AMS');
    await t.dataSource.query(
      `UPDATE participants SET status = 'withdrawn', withdrawn_at = now() WHERE id = $1`,
      [declined.id],
    );
    // After randomisation: one lost, one died.
    const lost = await randomise('NL-AMS', 'A');
    const died = await randomise('NL-AMS', 'B');
    await t.dataSource.query(`UPDATE participants SET status = 'lost_to_follow_up' WHERE id = $1`, [
      lost.id,
    ]);
    await t.dataSource.query(`UPDATE participants SET status = 'died' WHERE id = $1`, [died.id]);
    // "Received the allocated intervention" is one fact, the randomisation module's receipt: the
    // investigator records it, and scheduling does when the reinfusion (day 0) is recorded, as for
    // the arm-A participant re-anchored above.
    await t.dataSource.query(
      `INSERT INTO intervention_receipts (participant_id, received, reason_code, recorded_at)
       VALUES ($1, false, 'died_before_treatment', now()), ($2, true, NULL, now()), ($3, true, NULL, now())`,
      [died.id, ids.clean.id, ids.mri.id],
    );

    const res = await t.http().get('/reports/consort').set(bearer(statistician)).expect(200);
    expect(res.body.enrolment).toEqual({
      assessedForEligibility: 10,
      excluded: {
        total: 3,
        reasons: [
          { reason: 'not_meeting_criteria', label: 'Not meeting inclusion criteria', n: 2 },
          { reason: 'declined', label: 'Declined to participate', n: 1 },
        ],
      },
      stillInScreening: 1,
      randomised: 6,
    });
    const [a, b] = res.body.arms;
    expect(a).toMatchObject({
      arm: 'A',
      allocated: 3,
      receivedAllocated: 1,
      receivedNotYetKnown: 2,
      lostToFollowUp: { total: 1 },
      discontinued: { total: 0 },
      analysed: {
        intentionToTreat: 3,
        withPrimaryEndpoint: 1,
        primaryEndpointMissing: 0,
        primaryEndpointNotYetDue: 2,
      },
    });
    expect(b).toMatchObject({
      receivedAllocated: 1,
      notReceivedAllocated: {
        total: 1,
        reasons: [{ reason: 'died_before_treatment', label: 'died before treatment', n: 1 }],
      },
      receivedNotYetKnown: 1,
    });
    expect(b).toMatchObject({
      arm: 'B',
      allocated: 3,
      lostToFollowUp: { total: 0 },
      discontinued: { total: 1, reasons: [{ reason: 'died', label: 'Died', n: 1 }] },
      analysed: { intentionToTreat: 3, withPrimaryEndpoint: 2 },
    });

    const svg = await t.http().get('/reports/consort.svg').set(bearer(admin)).expect(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const text = Buffer.isBuffer(svg.body) ? svg.body.toString('utf8') : svg.text; // image/* arrives as a Buffer
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const fragment of [
      'Assessed for eligibility (n=10)',
      'Excluded (n=3)',
      'Randomised (n=6)',
      'Allocated to aHSCT (n=3)',
      'Lost to follow-up (n=1)',
    ]) {
      expect(text).toContain(fragment);
    }
    // A site investigator sees the flow of their own sites only; a blinded assessor none.
    const scoped = await t
      .http()
      .get('/reports/consort')
      .set(bearer(await t.factory.user('investigator', { sites: ['NO-TRO'] })))
      .expect(200);
    expect(scoped.body.enrolment.assessedForEligibility).toBe(0);
    await t.http().get('/reports/consort').set(bearer(assessor)).expect(403);
  });

  it('per site: visits due this month, overdue, missed, completion rate and deviations', async () => {
    clock().set('2026-06-25T10:00:00Z');
    const uppsala = await t.factory.site('SE-UPP');
    const logged = await randomise('SE-UPP', 'B', '2026-03-28T23:30:00Z'); // W000 03-29…04-12, W012 06-21 (06-07…07-05)
    const missed = await randomise('SE-UPP', 'B', '2026-03-28T23:30:00Z');
    await t
      .http()
      .post(`/follow-up/visits/${await visitOf(logged.id, 'W000')}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-04-20', relapseAssessment: { newRelapse: false } })
      .expect(200); // 8 days late: a deviation
    await t.app.get(FollowUpSweepService).sweep(clock().now()); // marks the other W000 missed
    await t.drainJobs();

    const june = await t
      .http()
      .get(`/reports/follow-up/sites/${uppsala}`)
      .set(bearer(monitor))
      .expect(200);
    expect(june.body).toMatchObject({
      siteLabel: 'SE-UPP',
      today: '2026-06-25',
      monthStart: '2026-06-01',
      monthEnd: '2026-06-30',
      dueThisMonth: 2,
      loggedDueThisMonth: 0,
      overdue: 2,
      missed: 1,
      missedThisMonth: 1,
      logged: 1,
      completionRate: 0.5,
      openDeviations: 1,
    });
    expect(june.body.overdueVisits.map((v: { code: string }) => v.code)).toEqual(['W012', 'W012']);
    expect(june.body.missedVisits).toEqual([
      expect.objectContaining({ studyId: missed.studyId, code: 'W000', missedOn: '2026-06-25' }),
    ]);
    const april = await t
      .http()
      .get(`/reports/follow-up/sites/${uppsala}?month=2026-04`)
      .set(bearer(staff))
      .expect(200);
    expect(april.body).toMatchObject({
      monthStart: '2026-04-01',
      dueThisMonth: 0,
      deviationsThisMonth: 1,
    });
    await t
      .http()
      .get(`/reports/follow-up/sites/${uppsala}?month=2026-13`)
      .set(bearer(staff))
      .expect(400);
    await t.http().get(`/reports/follow-up/sites/${uppsala}`).set(bearer(investigator)).expect(404); // not their site
    const overview = await t.http().get('/reports/follow-up').set(bearer(statistician)).expect(200);
    expect(overview.body.map((s: { siteLabel: string }) => s.siteLabel)).toEqual(
      expect.arrayContaining(['NL-AMS', 'SE-UPP', 'NO-BER']),
    );
  });

  it('a per-site calendar of upcoming visits, and an iCal feed of it with study ids only', async () => {
    clock().set('2026-06-25T10:00:00Z');
    const uppsala = await t.factory.site('SE-UPP');
    const cal = await t
      .http()
      .get(`/follow-up/sites/${uppsala}/calendar`)
      .set(bearer(staff))
      .expect(200);
    expect(cal.body).toMatchObject({
      siteLabel: 'SE-UPP',
      timeZone: 'Europe/Stockholm',
      from: '2026-06-25',
      to: '2026-08-20',
    });
    expect(
      cal.body.items.map((i: { code: string; targetDate: string }) => [i.code, i.targetDate]),
    ).toEqual([
      ['W012', '2026-06-21'],
      ['W012', '2026-06-21'],
    ]);
    const ics = await t
      .http()
      .get(`/follow-up/sites/${uppsala}/calendar.ics`)
      .set(bearer(staff))
      .expect(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    const summaries = ics.text.match(/^SUMMARY:.*$/gm) ?? [];
    expect(summaries.length).toBeGreaterThanOrEqual(4); // W012 of both, then W024 and W048 within a year
    for (const s of summaries) {
      expect(s).toMatch(/^SUMMARY:SE-UPP-\d{4} W\d{3}\r?$/);
    }
    expect(ics.text).toContain('DTSTART;VALUE=DATE:20260621\r\n');
    expect(ics.text).not.toMatch(/Test (site_staff|coordinator)/);

    const bad = await t
      .http()
      .get(`/follow-up/sites/${uppsala}/calendar?from=2026-07-01&to=2026-06-01`)
      .set(bearer(staff))
      .expect(400);
    expect(bad.body.message).toContain('to');
    await t
      .http()
      .get(`/follow-up/sites/${uppsala}/calendar`)
      .set(bearer(investigator))
      .expect(404);
    await t.http().get(`/follow-up/sites/${uppsala}/calendar.ics`).expect(401);
  });
});
