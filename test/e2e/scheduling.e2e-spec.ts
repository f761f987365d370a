import type { Queue } from 'bull';
import { buildPlan } from 'src/modules/scheduling/calendar/arm-a-plan';
import { OutboxRelay } from 'src/kernel/outbox/outbox.relay';
import { TransplantFacts } from 'src/modules/scheduling/transplant-facts.api';
import { TrialsService } from 'src/modules/trials/trials.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

type Booking = {
  id: string;
  participantId: string;
  studyId: string;
  status: string;
  quarter: string | null;
  plannedAdmissionDate: string | null;
  reviewStatus: string;
  exceedsWaitLimit: boolean;
  wait: { days: number; text: string } | null;
  centreId: string;
  referredToId: string | null;
  transplantDay0: string | null;
  receivedAllocatedIntervention: boolean | null;
  notReceivedCode: string | null;
  notReceivedReason: string | null;
  version: number;
  plan: {
    admissionDate: string;
    plannedTransplantDay0: string;
    dischargeDate: string;
    phases: {
      code: string;
      plannedStart: string;
      plannedEnd: string;
      outcome: string | null;
      actualStart: string | null;
      reason: string | null;
    }[];
  } | null;
};

describe('transplant slot scheduling (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-01-01T08:00:00Z' });
    admin = await t.factory.user('admin', { trialWide: true });
  });
  afterAll(() => t.close());

  const clock = () => {
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    return t.clock;
  };
  const queue = (name: string) => t.queues.find((q) => q.name === name) as Queue;

  /** Relays the outbox and waits until the scheduling and notification queues are idle. */
  async function settle(timeoutMs = 20_000): Promise<void> {
    const relay = t.app.get(OutboxRelay);
    const watched = [queue('scheduling'), queue('notifications')];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await relay.drain();
      const counts = await Promise.all(watched.map((q) => q.getJobCounts()));
      const busy = counts.some((c) => c.waiting + c.active + c.delayed > 0);
      const [{ n }]: { n: number }[] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`,
      );
      if (!busy && n === 0) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`jobs still pending (outbox ${n})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function armA(site: string, randomisedAt: string) {
    const p = await t.factory.participant(site);
    await t.factory.allocation(p.id, 'A', randomisedAt);
    return p;
  }

  const book = (user: TestUser, participantId: string) =>
    t.http().post(`/scheduling/participants/${participantId}/booking`).set(bearer(user));

  const getBooking = async (user: TestUser, id: string): Promise<Booking> =>
    (await t.http().get(`/scheduling/bookings/${id}`).set(bearer(user)).expect(200))
      .body as Booking;

  type ActiveRow = {
    id: string;
    status: string;
    quarter: string | null;
    planned: string | null;
    centre_id: string;
    review_status: string;
    version: number;
  };
  const activeBooking = async (participantId: string): Promise<ActiveRow> => {
    const [row] = await t.dataSource.query(
      `SELECT id, status, quarter, planned_admission_date::text AS planned, centre_id, review_status, version
       FROM transplant_bookings WHERE participant_id = $1 AND status IN ('booked', 'waitlisted', 'done')`,
      [participantId],
    );
    return row;
  };

  const setCapacity = (centreId: string, quarter: string, capacity: number) =>
    t.http().put(`/sites/${centreId}/capacity/${quarter}`).set(bearer(admin)).send({ capacity });

  const overCapacity = async () =>
    t.dataSource.query(
      `SELECT b.centre_id, b.quarter, count(*)::int AS used, COALESCE(tc.capacity, s.default_quarterly_capacity) AS capacity
       FROM transplant_bookings b JOIN sites s ON s.id = b.centre_id
       LEFT JOIN transplant_capacities tc ON tc.centre_id = b.centre_id AND tc.quarter = b.quarter
       WHERE b.status IN ('booked', 'done')
       GROUP BY b.centre_id, b.quarter, tc.capacity, s.default_quarterly_capacity
       HAVING count(*) > COALESCE(tc.capacity, s.default_quarterly_capacity)`,
    );

  // ---------------------------------------------------------------------------------------------

  it("reads a centre's capacity per quarter: the default unless set, 8 quarters from the centre's today; bad ranges, non-centres and unknown ids refused", async () => {
    clock().set('2030-05-10T09:00:00Z');
    const upp = await t.factory.site('SE-UPP');
    const tro = await t.factory.site('NO-TRO');
    const viewer = await t.factory.user('coordinator', { sites: ['SE-UPP'] });
    await setCapacity(upp, '2030-Q3', 1).expect(200);
    const all = await t.http().get(`/sites/${upp}/capacity`).set(bearer(viewer)).expect(200);
    expect(all.body.map((r: { quarter: string }) => r.quarter)).toEqual([
      '2030-Q2',
      '2030-Q3',
      '2030-Q4',
      '2031-Q1',
      '2031-Q2',
      '2031-Q3',
      '2031-Q4',
      '2032-Q1',
    ]);
    expect(all.body[1]).toEqual({ quarter: '2030-Q3', capacity: 1, overridden: true });
    expect(all.body[0].overridden).toBe(false);
    const range = await t
      .http()
      .get(`/sites/${upp}/capacity?from=2030-Q3&to=2030-Q4`)
      .set(bearer(viewer))
      .expect(200);
    expect(range.body.map((r: { quarter: string }) => r.quarter)).toEqual(['2030-Q3', '2030-Q4']);
    const backwards = await t
      .http()
      .get(`/sites/${upp}/capacity?from=2030-Q4&to=2030-Q1`)
      .set(bearer(viewer))
      .expect(400);
    expect(backwards.body.code).toBe('QUARTER_RANGE_INVALID');
    await t.http().get(`/sites/${upp}/capacity?from=2030-W12`).set(bearer(viewer)).expect(400);
    const notCentre = await t.http().get(`/sites/${tro}/capacity`).set(bearer(viewer)).expect(400);
    expect(notCentre.body.code).toBe('SITE_NOT_TRANSPLANT_CENTRE');
    await t
      .http()
      .get(`/sites/00000000-0000-4000-8000-000000000000/capacity`)
      .set(bearer(viewer))
      .expect(404);
    await t
      .http()
      .put(`/sites/00000000-0000-4000-8000-000000000000/capacity/2030-Q3`)
      .set(bearer(admin))
      .send({ capacity: 1 })
      .expect(404);
    await setCapacity(tro, '2030-Q3', 1).expect(400);
  });

  it('[REQ-SLOT-004] the waiting-time rule: next free quarter 5 months away → flagged, notified, and each review outcome does what it says', async () => {
    clock().set('2026-01-10T09:00:00Z');
    const ams = await t.factory.site('NL-AMS');
    const cph = await t.factory.site('DK-CPH');
    await setCapacity(ams, '2026-Q1', 0).expect(200);
    await setCapacity(ams, '2026-Q2', 0).expect(200);
    await setCapacity(ams, '2026-Q3', 3).expect(200);
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const coordinators = [
      await t.factory.user('coordinator', { sites: ['NL-AMS'] }),
      await t.factory.user('coordinator', { sites: ['NL-AMS'] }),
    ];
    const siteStaff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const elsewhere = await t.factory.user('coordinator', { sites: ['DK-CPH'] });

    // Readiness before randomising: arm-agnostic, from capacity only.
    const warning = await t
      .http()
      .get(`/scheduling/sites/${ams}/readiness`)
      .set(bearer(investigator))
      .expect(200);
    expect(warning.body.warning).toMatch(
      /earliest slot at Amsterdam UMC.* is in Q3 2026 \(admission from 2026-07-01, 5 months 21 days/,
    );
    expect(warning.body.warning).toMatch(/beyond the waiting-time limit of 3 months/);
    expect(await t.app.get(TransplantFacts).armAReadinessWarning(cph)).toBeNull();
    await t.http().get(`/scheduling/sites/${cph}/readiness`).set(bearer(investigator)).expect(404);

    // Three arm-A allocations, booked through the job randomisation enqueues.
    const people = [
      await armA('NL-AMS', '2026-01-10T09:00:00Z'),
      await armA('NL-AMS', '2026-01-10T09:01:00Z'),
      await armA('NL-AMS', '2026-01-10T09:02:00Z'),
    ];
    for (const p of people) {
      await queue('scheduling').add(
        'scheduling.book-slot',
        { participantId: p.id },
        { jobId: `scheduling.book-slot:${p.id}` },
      );
    }
    await settle();

    const bookings: Booking[] = [];
    for (const p of people) {
      bookings.push(await getBooking(investigator, (await activeBooking(p.id)).id));
    }
    for (const b of bookings) {
      expect(b).toMatchObject({
        status: 'booked',
        quarter: '2026-Q3',
        plannedAdmissionDate: '2026-07-01',
        reviewStatus: 'pending',
        exceedsWaitLimit: true,
      });
      expect(b.wait).toMatchObject({ days: 172, text: '5 months 21 days' });
      expect(
        (await t.factory.auditRows({ action: 'scheduling.wait_flagged', entityId: b.id })).length,
      ).toBe(1);
    }

    // Investigator and both coordinators of the site, once each per booking; nobody else.
    const notes: {
      user_id: string;
      kind: string;
      subject: string;
      body: string;
      data: { bookingId: string };
    }[] = await t.dataSource.query(
      `SELECT user_id, kind, subject, body, data FROM notifications WHERE kind = 'scheduling.wait_review'`,
    );
    const expected = [investigator, ...coordinators].map((u) => u.id).sort();
    for (const b of bookings) {
      const mine = notes.filter((n) => n.data.bookingId === b.id);
      expect(mine.map((n) => n.user_id).sort()).toEqual(expected);
      expect(mine[0].subject).toContain(b.studyId);
      expect(mine[0].body).toContain('2026-07-01');
      expect(mine[0].body).not.toMatch(/Test (investigator|coordinator)/);
    }
    expect(notes.some((n) => n.user_id === siteStaff.id || n.user_id === elsewhere.id)).toBe(false);

    // Bad review requests name the field.
    const noCentre = await t
      .http()
      .post(`/scheduling/bookings/${bookings[1].id}/review`)
      .set(bearer(investigator))
      .send({ outcome: 'refer', reason: 'Closer centre' })
      .expect(400);
    expect(noCentre.body.message).toContain('centreId');
    const badOutcome = await t
      .http()
      .post(`/scheduling/bookings/${bookings[1].id}/review`)
      .set(bearer(investigator))
      .send({ outcome: 'wait', reason: 'x' })
      .expect(400);
    expect(badOutcome.body.message).toContain('outcome');
    await t
      .http()
      .post(`/scheduling/bookings/${bookings[1].id}/review`)
      .set(bearer(coordinators[0]))
      .send({ outcome: 'accept_wait', reason: 'x' })
      .expect(403);

    // 1. Accept the wait: stays booked in Q3.
    const accepted = await t
      .http()
      .post(`/scheduling/bookings/${bookings[0].id}/review`)
      .set(bearer(investigator))
      .send({
        outcome: 'accept_wait',
        reason: 'Stable on current DMT; the participant prefers to wait',
      })
      .expect(200);
    expect(accepted.body.booking).toMatchObject({
      status: 'booked',
      quarter: '2026-Q3',
      reviewStatus: 'accepted',
    });
    const again = await t
      .http()
      .post(`/scheduling/bookings/${bookings[0].id}/review`)
      .set(bearer(investigator))
      .send({ outcome: 'second_line', reason: 'changed mind' })
      .expect(409);
    expect(again.body.code).toBe('REVIEW_NOT_PENDING');

    // 2. Refer to Rigshospitalet: re-booked there in its first free quarter, the old booking ends.
    const referred = await t
      .http()
      .post(`/scheduling/bookings/${bookings[1].id}/review`)
      .set(bearer(investigator))
      .send({ outcome: 'refer', reason: 'Earlier slot in Copenhagen', centreId: cph })
      .expect(200);
    expect(referred.body.booking).toMatchObject({
      status: 'cancelled',
      reviewStatus: 'referred',
      referredToId: referred.body.referral.id,
    });
    expect(referred.body.referral).toMatchObject({
      centreId: cph,
      status: 'booked',
      quarter: '2026-Q1',
      plannedAdmissionDate: '2026-03-07',
      reviewStatus: 'not_required',
      exceedsWaitLimit: false,
    });
    expect((await activeBooking(people[1].id)).centre_id).toBe(cph);
    // The Copenhagen centre's staff see the referred booking; the Amsterdam investigator still does too.
    await t
      .http()
      .get(`/scheduling/bookings/${referred.body.referral.id}`)
      .set(bearer(elsewhere))
      .expect(200);
    await t.http().get(`/scheduling/bookings/${bookings[0].id}`).set(bearer(elsewhere)).expect(404);

    // 3. Second-line drug instead: no transplant, "did not receive the allocated intervention", still in ITT.
    const second = await t
      .http()
      .post(`/scheduling/bookings/${bookings[2].id}/review`)
      .set(bearer(investigator))
      .send({ outcome: 'second_line', reason: 'Relapse while waiting; ocrelizumab started' })
      .expect(200);
    expect(second.body.booking).toMatchObject({
      status: 'not_done',
      reviewStatus: 'second_line',
      receivedAllocatedIntervention: false,
      notReceivedCode: 'second_line_started',
      notReceivedReason: 'Relapse while waiting; ocrelizumab started',
    });
    const [participant] = await t.dataSource.query(
      `SELECT status FROM participants WHERE id = $1`,
      [people[2].id],
    );
    expect(participant.status).toBe('randomised');
    // One fact, read the same way everywhere: the allocation says what the booking says.
    const allocation = await t
      .http()
      .get(`/participants/${people[2].id}/randomization`)
      .set(bearer(investigator))
      .expect(200);
    expect(allocation.body).toMatchObject({
      receivedAllocatedIntervention: false,
      notReceivedReason: 'started_second_line_instead',
    });
    expect(
      (
        await t.factory.auditRows({
          action: 'scheduling.intervention_not_received',
          entityId: bookings[2].id,
        })
      ).length,
    ).toBe(1);
    expect((await t.factory.auditRows({ action: 'scheduling.review_recorded' })).length).toBe(3);

    // Q3 at Amsterdam now holds only the accepted booking.
    const report = await t
      .http()
      .get(`/scheduling/centres/${ams}/quarters?from=2026-Q1&to=2026-Q4`)
      .set(bearer(investigator))
      .expect(200);
    expect(
      report.body.quarters.map(
        (q: {
          quarter: string;
          capacity: number;
          booked: number;
          cancelled: number;
          notDone: number;
          free: number;
        }) => [q.quarter, q.capacity, q.booked, q.cancelled, q.notDone, q.free],
      ),
    ).toEqual([
      ['2026-Q1', 0, 0, 0, 0, 0],
      ['2026-Q2', 0, 0, 0, 0, 0],
      ['2026-Q3', 3, 1, 1, 1, 2],
      ['2026-Q4', 2, 0, 0, 0, 2],
    ]);
    expect(report.body.projectedWait).toMatchObject({
      quarter: '2026-Q3',
      earliestAdmission: '2026-07-01',
      exceedsWaitLimit: true,
      waitlisted: false,
    });
    await settle();
  });

  it("lays out the arm-A plan from the admission date in the centre's zone, across daylight-saving changes", async () => {
    clock().set('2026-01-28T08:00:00Z');
    const ber = await t.factory.site('NO-BER');
    const coordinator = await t.factory.user('coordinator', { sites: ['NO-BER'] });
    const staff = await t.factory.user('site_staff', { sites: ['NO-BER'] });
    const referring = await t.factory.user('coordinator', { sites: ['NO-TRO'] });
    // 23:30 UTC on 27 January is 28 January in Oslo: + 56 days = 25 March (24 March in UTC).
    const p = await armA('NO-TRO', '2026-01-27T23:30:00Z');
    const booked = await book(referring, p.id).expect(200);
    const b = booked.body as Booking;
    expect(b).toMatchObject({
      centreId: ber,
      status: 'booked',
      quarter: '2026-Q1',
      plannedAdmissionDate: '2026-03-25',
      reviewStatus: 'not_required',
    });
    const table = (
      plan:
        { phases: { code: string; plannedStart: string; plannedEnd: string }[] } | null | undefined,
    ) => plan?.phases.map((x) => [x.code, x.plannedStart, x.plannedEnd]);
    expect(b.plan?.plannedTransplantDay0).toBe('2026-03-30');
    expect(table(b.plan)).toEqual([
      ['evaluation', '2026-02-01', '2026-02-14'],
      ['mobilisation', '2026-02-15', '2026-02-17'],
      ['harvest', '2026-02-25', '2026-02-25'],
      ['conditioning', '2026-03-25', '2026-03-29'],
      ['reinfusion', '2026-03-30', '2026-03-30'],
      ['isolation', '2026-03-31', '2026-04-09'],
      ['discharge', '2026-04-14', '2026-04-14'],
      ['early_follow_up', '2026-04-06', '2026-07-08'],
    ]);
    // Idempotent: asking again returns the same booking.
    expect((await book(referring, p.id).expect(200)).body.id).toBe(b.id);

    // Only the centre moves the admission date; the referring site may not.
    await t
      .http()
      .patch(`/scheduling/bookings/${b.id}/admission`)
      .set(bearer(referring))
      .send({ plannedAdmissionDate: '2026-10-22', reason: 'x' })
      .expect(403);
    const bad = await t
      .http()
      .patch(`/scheduling/bookings/${b.id}/admission`)
      .set(bearer(coordinator))
      .send({ plannedAdmissionDate: '2026-02-30', reason: 'x' })
      .expect(400);
    expect(bad.body.message).toContain('plannedAdmissionDate');
    const early = await t
      .http()
      .patch(`/scheduling/bookings/${b.id}/admission`)
      .set(bearer(coordinator))
      .send({ plannedAdmissionDate: '2026-03-20', reason: 'x' })
      .expect(400);
    expect(early.body.message).toMatch(
      /plannedAdmissionDate must not be before the earliest admission 2026-03-25/,
    );
    // Moved across the October change: day 0 stays admission + 5 days on the calendar.
    const moved = await t
      .http()
      .patch(`/scheduling/bookings/${b.id}/admission`)
      .set(bearer(coordinator))
      .send({ plannedAdmissionDate: '2026-10-22', reason: 'Harvest postponed (infection)' })
      .expect(200);
    expect(moved.body.booking).toMatchObject({
      quarter: '2026-Q4',
      plannedAdmissionDate: '2026-10-22',
      reviewStatus: 'pending',
      exceedsWaitLimit: true,
    });
    expect(moved.body.booking.plan).toMatchObject({
      plannedTransplantDay0: '2026-10-27',
      dischargeDate: '2026-11-11',
    });
    expect(table(moved.body.booking.plan)).toEqual(table(buildPlan('2026-10-22')));
    expect(
      (await t.factory.auditRows({ action: 'scheduling.admission_moved', entityId: b.id })).length,
    ).toBe(1);

    // iCal feed: authenticated, study ids only, all-day dates.
    await t.http().get(`/scheduling/centres/${ber}/calendar.ics`).expect(401);
    const assessor = await t.factory.user('blinded_assessor', { sites: ['NO-BER'] });
    await t.http().get(`/scheduling/centres/${ber}/calendar.ics`).set(bearer(assessor)).expect(403);
    const ics = await t
      .http()
      .get(`/scheduling/centres/${ber}/calendar.ics`)
      .set(bearer(staff))
      .expect(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toContain('BEGIN:VCALENDAR');
    expect(ics.text).toContain('DTSTART;VALUE=DATE:20261022\r\n');
    expect(ics.text).toContain('DTEND;VALUE=DATE:20261112\r\n');
    expect(ics.text).toContain(`SUMMARY:aHSCT admission ${p.studyId}\r\n`);
    expect(ics.text).not.toMatch(/Test (coordinator|site_staff)/);

    // Sites record the actual phases; not done needs a reason; the future is refused.
    clock().set('2026-10-28T09:00:00Z');
    const phase = (code: string) =>
      t.http().put(`/scheduling/bookings/${b.id}/phases/${code}`).set(bearer(staff));
    const noReason = await phase('mobilisation').send({ outcome: 'not_done' }).expect(400);
    expect(noReason.body.message).toContain('reason');
    await phase('mobilisation')
      .send({ outcome: 'not_done', reason: 'Mobilisation failed; repeated with higher G-CSF dose' })
      .expect(200);
    const future = await phase('harvest')
      .send({ outcome: 'done', actualStart: '2026-10-29' })
      .expect(400);
    expect(future.body.message).toContain('actualStart');
    await phase('nonsense').send({ outcome: 'done', actualStart: '2026-10-01' }).expect(400);
    await phase('conditioning')
      .send({ outcome: 'done', actualStart: '2026-10-22', actualEnd: '2026-10-26' })
      .expect(200);
    // Done only once day 0 and every earlier phase are recorded (done, or not done with a reason).
    await phase('evaluation').send({ outcome: 'done', actualStart: '2026-08-20' }).expect(200);
    await phase('harvest').send({ outcome: 'done', actualStart: '2026-09-24' }).expect(200);
    const day0 = await phase('reinfusion')
      .send({ outcome: 'done', actualStart: '2026-10-27' })
      .expect(200);
    expect(day0.body).toMatchObject({
      status: 'done',
      transplantDay0: '2026-10-27',
      receivedAllocatedIntervention: true,
    });
    const phases = new Map((day0.body as Booking).plan?.phases.map((x) => [x.code, x]));
    expect(phases.get('mobilisation')).toMatchObject({
      outcome: 'not_done',
      reason: 'Mobilisation failed; repeated with higher G-CSF dose',
    });
    expect(phases.get('reinfusion')).toMatchObject({
      outcome: 'done',
      actualStart: '2026-10-27',
      plannedStart: '2026-10-27',
    });
    expect(await t.app.get(TransplantFacts).transplantDay0(p.id)).toEqual({
      date: '2026-10-27',
      recorded: true,
      bookingId: b.id,
    });
    // Day 0 recorded is the receipt of the allocated intervention: the allocation says the same.
    const allocation = await t
      .http()
      .get(`/participants/${p.id}/randomization`)
      .set(bearer(referring))
      .expect(200);
    expect(allocation.body).toMatchObject({ receivedAllocatedIntervention: true });

    // Correcting day 0 needs a reason; each change asks follow-up to re-anchor once.
    await phase('reinfusion').send({ outcome: 'done', actualStart: '2026-10-28' }).expect(400);
    await phase('reinfusion')
      .send({ outcome: 'done', actualStart: '2026-10-28', reason: 'Reinfusion was after midnight' })
      .expect(200);
    const reanchors: { dedupe_key: string; payload: { participantId: string } }[] =
      await t.dataSource.query(
        `SELECT dedupe_key, payload FROM outbox WHERE queue = 'follow-up' AND job_name = 'follow-up.reanchor' ORDER BY id`,
      );
    expect(reanchors.map((r) => r.dedupe_key)).toEqual([
      expect.stringMatching(new RegExp(`^follow-up\\.reanchor:${p.id}:2026-10-27:v\\d+$`)),
      expect.stringMatching(new RegExp(`^follow-up\\.reanchor:${p.id}:2026-10-28:v\\d+$`)),
    ]);
    expect(
      reanchors.every((r) => JSON.stringify(r.payload) === JSON.stringify({ participantId: p.id })),
    ).toBe(true);
    // Once transplanted, the booking no longer moves or cancels.
    const done = await t
      .http()
      .post(`/scheduling/bookings/${b.id}/cancel`)
      .set(bearer(coordinator))
      .send({ reason: 'x' })
      .expect(409);
    expect(done.body.code).toBe('BOOKING_NOT_ACTIVE');
    await settle();
  });

  it('[REQ-SLOT-001] 20 concurrent arm-A bookings, 2 free places next quarter: exactly 2 land there, the rest later in randomisation order, none over capacity', async () => {
    clock().set('2029-11-10T10:00:00Z');
    const ams = await t.factory.site('NL-AMS');
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const people = [];
    for (let i = 0; i < 20; i++) {
      people.push(
        await armA('NL-AMS', new Date(Date.parse('2029-11-10T09:00:00Z') + i * 1000).toISOString()),
      );
    }
    // Fire in reverse randomisation order, all at once.
    const responses = await Promise.all([...people].reverse().map((p) => book(coordinator, p.id)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));

    const rows: { participant_id: string; quarter: string; status: string }[] =
      await t.dataSource.query(
        `SELECT b.participant_id, b.quarter, b.status FROM transplant_bookings b JOIN allocations a ON a.participant_id = b.participant_id
       WHERE b.centre_id = $1 AND b.quarter >= '2030-Q1' ORDER BY a.randomised_at`,
        [ams],
      );
    expect(rows).toHaveLength(20);
    expect(rows.map((r) => r.participant_id)).toEqual(people.map((p) => p.id));
    const expectedQuarters = Array.from({ length: 20 }, (_, i) => {
      const index = 2030 * 4 + Math.floor(i / 2);
      return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
    });
    expect(rows.map((r) => r.quarter)).toEqual(expectedQuarters);
    expect(rows.filter((r) => r.quarter === '2030-Q1')).toHaveLength(2);
    expect(await overCapacity()).toEqual([]);
    // One booking each, each audited once.
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM transplant_bookings WHERE participant_id = ANY($1::uuid[])`,
      [people.map((p) => p.id)],
    );
    expect(n).toBe(20);
    const audits = await t.factory.auditRows({ action: 'scheduling.slot_booked' });
    const ids = new Set(
      (
        await t.dataSource.query(
          `SELECT id FROM transplant_bookings WHERE participant_id = ANY($1::uuid[])`,
          [people.map((p) => p.id)],
        )
      ).map((r: { id: string }) => r.id),
    );
    expect(audits.filter((a) => ids.has(a.entity_id as string))).toHaveLength(20);
    await settle();

    // Again with 20 re-bookings (each had a cancelled booking, so none books another first): every
    // request contends for the centre lock on its own.
    clock().set('2049-11-10T10:00:00Z');
    const cph = await t.factory.site('DK-CPH');
    const cphCoordinator = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    const again = [];
    for (let i = 0; i < 20; i++) {
      again.push(
        await armA('DK-CPH', new Date(Date.parse('2049-11-10T09:00:00Z') + i * 1000).toISOString()),
      );
    }
    await t.dataSource.query(
      `INSERT INTO transplant_bookings (trial_id, participant_id, site_id, centre_id, status, randomised_at, randomisation_date,
         earliest_admission_date, wait_limit_months, plan_config, ended_reason, ended_at)
       SELECT a.trial_id, a.participant_id, a.site_id, $2, 'cancelled', a.randomised_at, '2049-11-10', '2050-01-05', 3, '{}', 'test', now()
       FROM allocations a WHERE a.participant_id = ANY($1::uuid[])`,
      [again.map((p) => p.id), cph],
    );
    const shuffled = [...again].sort((p, q) => (p.id < q.id ? -1 : 1));
    const rebooked = await Promise.all(shuffled.map((p) => book(cphCoordinator, p.id)));
    expect(rebooked.map((r) => r.status)).toEqual(Array(20).fill(200));
    const perQuarter: { quarter: string; n: number }[] = await t.dataSource.query(
      `SELECT quarter, count(*)::int AS n FROM transplant_bookings WHERE participant_id = ANY($1::uuid[]) AND status = 'booked'
       GROUP BY quarter ORDER BY quarter`,
      [again.map((p) => p.id)],
    );
    expect(perQuarter).toEqual(
      Array.from({ length: 10 }, (_, i) => ({
        quarter: `${2050 + Math.floor(i / 4)}-Q${(i % 4) + 1}`,
        n: 2,
      })),
    );
    expect(await overCapacity()).toEqual([]);
    await settle();
  });

  it('[REQ-SLOT-001] a capacity reduction racing bookings never leaves a quarter over capacity; lowering below bookings is 409 listing them', async () => {
    const upp = await t.factory.site('SE-UPP');
    const coordinator = await t.factory.user('coordinator', { sites: ['SE-UPP'] });
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      // Each round six months later, so earlier rounds never reach its quarter.
      const month = 2 + round * 6;
      const year = 2034 + Math.floor((month - 1) / 12);
      const day = `${year}-${String(((month - 1) % 12) + 1).padStart(2, '0')}-10`;
      clock().set(`${day}T10:00:00Z`);
      const first = await armA('SE-UPP', `${day}T09:00:00Z`);
      const firstBooking = (await book(coordinator, first.id).expect(200)).body as Booking;
      const quarter = firstBooking.quarter as string;
      const second = await armA('SE-UPP', `${day}T09:30:00Z`);
      const [capacity, booking] = await Promise.all([
        setCapacity(upp, quarter, 1),
        book(coordinator, second.id),
      ]);
      expect(booking.status).toBe(200);
      if (capacity.status === 200) {
        expect(booking.body.quarter).not.toBe(quarter);
        outcomes.push('capacity first');
      } else {
        expect(capacity.status).toBe(409);
        expect(capacity.body.code).toBe('CAPACITY_BELOW_BOOKINGS');
        expect(booking.body.quarter).toBe(quarter);
        outcomes.push('booking first');
      }
      expect(await overCapacity()).toEqual([]);
    }
    expect(outcomes).toHaveLength(8);

    // Lowering below the bookings is refused and lists them; equal is fine.
    clock().set('2040-02-10T10:00:00Z');
    const a = await armA('SE-UPP', '2040-02-10T09:00:00Z');
    const b = await armA('SE-UPP', '2040-02-10T09:01:00Z');
    const ba = (await book(coordinator, a.id).expect(200)).body as Booking;
    const bb = (await book(coordinator, b.id).expect(200)).body as Booking;
    expect([ba.quarter, bb.quarter]).toEqual(['2040-Q2', '2040-Q2']);
    const refused = await setCapacity(upp, '2040-Q2', 1).expect(409);
    expect(refused.body.code).toBe('CAPACITY_BELOW_BOOKINGS');
    expect(
      refused.body.errors.map((x: { params: { bookingId: string } }) => x.params.bookingId).sort(),
    ).toEqual([ba.id, bb.id].sort());
    expect(refused.body.message).toContain(a.studyId);
    expect(refused.body.message).toContain(b.studyId);
    await setCapacity(upp, '2040-Q2', 2).expect(200);
    await setCapacity(upp, '2040-Q3', 0).expect(200);

    // The database itself refuses an overbooking written around the service.
    const sneak = await armA('SE-UPP', '2040-02-10T09:02:00Z');
    await expect(
      t.dataSource.query(
        `INSERT INTO transplant_bookings (trial_id, participant_id, site_id, centre_id, status, quarter, planned_admission_date,
           randomised_at, randomisation_date, earliest_admission_date, wait_limit_months, plan_config)
         SELECT p.trial_id, p.id, p.site_id, $2, 'booked', '2040-Q2', '2040-05-01', now(), '2040-02-10', '2040-04-06', 3, '{}'
         FROM participants p WHERE p.id = $1`,
        [sneak.id, upp],
      ),
    ).rejects.toThrow(/transplant capacity exceeded/);
    // …and a capacity lowered around SitesService: an override, or the centre default.
    await expect(
      t.dataSource.query(
        `UPDATE transplant_capacities SET capacity = 1 WHERE centre_id = $1 AND quarter = '2040-Q2'`,
        [upp],
      ),
    ).rejects.toThrow(/transplant capacity exceeded/);
    await t.dataSource.query(
      `DELETE FROM transplant_capacities WHERE centre_id = $1 AND quarter = '2040-Q2'`,
      [upp],
    );
    await expect(
      t.dataSource.query(`UPDATE sites SET default_quarterly_capacity = 1 WHERE id = $1`, [upp]),
    ).rejects.toThrow(/transplant capacity exceeded: centre \S+ quarter \d{4}-Q\d/);
    // Through the API, the same refusal is a 409 with a stable code, not a 500.
    const viaApi = await t
      .http()
      .patch(`/sites/${upp}`)
      .set(bearer(admin))
      .send({ defaultQuarterlyCapacity: 1, reason: 'staff shortage' })
      .expect(409);
    expect(viaApi.body.code).toBe('CAPACITY_BELOW_BOOKINGS');
    expect(await overCapacity()).toEqual([]);
    await settle();
  });

  it('[REQ-SLOT-003] cancellation moves the right waiting participant up, exactly once, and the places ripple on', async () => {
    clock().set('2037-11-10T10:00:00Z');
    const ber = await t.factory.site('NO-BER');
    for (const [q, c] of [
      ['2038-Q1', 1],
      ['2038-Q2', 1],
      ['2038-Q3', 1],
      ['2038-Q4', 0],
    ] as const) {
      await setCapacity(ber, q, c).expect(200);
    }
    const coordinator = await t.factory.user('coordinator', { sites: ['NO-TRO'] });
    const centreStaff = await t.factory.user(['coordinator', 'site_staff'], { sites: ['NO-BER'] });
    const investigator = await t.factory.user('investigator', { sites: ['NO-TRO'] });
    const cphCoordinator = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    // X waits longer than everyone but at another centre; Y waits longer than B but has started work-up.
    const x = await armA('DK-CPH', '2037-11-10T08:00:00Z');
    const a = await armA('NO-TRO', '2037-11-10T09:00:00Z');
    const y = await armA('NO-TRO', '2037-11-10T09:01:00Z');
    const b = await armA('NO-TRO', '2037-11-10T09:02:00Z');
    const c = await armA('NO-TRO', '2037-11-10T09:03:00Z');
    const d = await armA('NO-TRO', '2037-11-10T09:04:00Z');
    for (const p of [x, a, y, b, c, d]) {
      await book(p === x ? cphCoordinator : coordinator, p.id).expect(200);
    }
    const snapshot = async <K extends string>(
      people: Record<K, { id: string }>,
    ): Promise<Record<K, ActiveRow>> =>
      Object.fromEntries(
        await Promise.all(
          Object.entries<{ id: string }>(people).map(async ([k, p]) => [
            k,
            await activeBooking(p.id),
          ]),
        ),
      ) as Record<K, ActiveRow>;
    const before = await snapshot({ x, a, y, b, c, d });
    expect(
      Object.fromEntries(
        Object.entries(before)
          .filter(([k]) => k !== 'x')
          .map(([k, v]) => [k, v.quarter]),
      ),
    ).toEqual({
      a: '2038-Q1',
      y: '2038-Q2',
      b: '2038-Q3',
      c: '2039-Q1',
      d: '2039-Q1',
    });
    await t
      .http()
      .put(`/scheduling/bookings/${before.y.id}/phases/evaluation`)
      .set(bearer(centreStaff))
      .send({ outcome: 'done', actualStart: '2037-11-10' })
      .expect(200);

    // The waitlist in order, positions over the whole centre.
    const list = await t
      .http()
      .get(`/scheduling/centres/${ber}/waitlist`)
      .set(bearer(centreStaff))
      .expect(200);
    expect(
      list.body.items
        .filter((i: { quarter: string }) => i.quarter >= '2038-Q1')
        .map((i: { bookingId: string }) => i.bookingId),
    ).toEqual([before.a.id, before.y.id, before.b.id, before.c.id, before.d.id]);

    const cancelled = await t
      .http()
      .post(`/scheduling/bookings/${before.a.id}/cancel`)
      .set(bearer(investigator))
      .send({ reason: 'Pregnancy; transplant postponed' })
      .expect(200);
    expect(cancelled.body.booking.status).toBe('cancelled');
    // B (longest waiting who gains) takes Q1; its Q3 place then goes to C. Y (work-up started), D (no gain) and X (other centre) stay.
    expect(cancelled.body.movedUp).toEqual([before.b.id, before.c.id]);
    const after = await snapshot({ x, y, b, c, d });
    expect(after.b).toMatchObject({ quarter: '2038-Q1', planned: '2038-01-05' });
    expect(after.c).toMatchObject({ quarter: '2038-Q3', planned: '2038-07-01' });
    expect(after.y).toMatchObject({ quarter: '2038-Q2', version: before.y.version });
    expect(after.d).toMatchObject({ quarter: '2039-Q1', version: before.d.version });
    expect(after.x).toEqual(before.x);
    await settle();
    await settle();

    // Exactly once: one move each, one notice per recipient, and a second cancel changes nothing.
    expect(
      await t.factory.auditRows({ action: 'scheduling.booking_moved_up', entityId: before.b.id }),
    ).toHaveLength(1);
    expect(
      await t.factory.auditRows({ action: 'scheduling.booking_moved_up', entityId: before.c.id }),
    ).toHaveLength(1);
    for (const k of ['y', 'd', 'x'] as const) {
      expect(
        await t.factory.auditRows({
          action: 'scheduling.booking_moved_up',
          entityId: before[k].id,
        }),
      ).toHaveLength(0);
    }
    const notes: { user_id: string; data: { bookingId: string } }[] = await t.dataSource.query(
      `SELECT user_id, data FROM notifications WHERE kind = 'scheduling.moved_up'`,
    );
    const forB = notes
      .filter((n) => n.data.bookingId === before.b.id)
      .map((n) => n.user_id)
      .sort();
    expect(forB).toEqual(expect.arrayContaining([coordinator.id, investigator.id, centreStaff.id]));
    expect(new Set(forB).size).toBe(forB.length);
    expect(forB).not.toContain(cphCoordinator.id);
    const second = await t
      .http()
      .post(`/scheduling/bookings/${before.a.id}/cancel`)
      .set(bearer(investigator))
      .send({ reason: 'again' })
      .expect(409);
    expect(second.body.code).toBe('BOOKING_NOT_ACTIVE');
    expect(
      await t.factory.auditRows({ action: 'scheduling.booking_moved_up', entityId: before.b.id }),
    ).toHaveLength(1);

    const report = await t
      .http()
      .get(`/scheduling/centres/${ber}/quarters?from=2038-Q1&to=2039-Q1`)
      .set(bearer(centreStaff))
      .expect(200);
    expect(
      report.body.quarters.map((q: { booked: number; cancelled: number; capacity: number }) => [
        q.capacity,
        q.booked,
        q.cancelled,
      ]),
    ).toEqual([
      [1, 1, 1],
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
      [2, 1, 0],
    ]);
    expect(await overCapacity()).toEqual([]);
  });

  it('[REQ-SLOT-002] the booking job is idempotent: run twice (and for arm B, and for nobody) it leaves one booking', async () => {
    clock().set('2045-05-10T10:00:00Z');
    const p = await armA('SE-UPP', '2045-05-10T09:00:00Z');
    const q = queue('scheduling');
    await q.add(
      'scheduling.book-slot',
      { participantId: p.id },
      { jobId: `scheduling.book-slot:${p.id}` },
    );
    await settle();
    // A redelivery (another job id) and a duplicate of the same job id.
    await q.add(
      'scheduling.book-slot',
      { participantId: p.id },
      { jobId: `scheduling.book-slot:${p.id}:redelivered` },
    );
    await q.add(
      'scheduling.book-slot',
      { participantId: p.id },
      { jobId: `scheduling.book-slot:${p.id}` },
    );
    await settle();
    const rows = await t.dataSource.query(
      `SELECT id, quarter FROM transplant_bookings WHERE participant_id = $1`,
      [p.id],
    );
    expect(rows).toHaveLength(1);
    expect(
      await t.factory.auditRows({ action: 'scheduling.slot_booked', entityId: rows[0].id }),
    ).toHaveLength(1);

    // Cancelled, then the old job runs again: it does not re-book.
    const coordinator = await t.factory.user('coordinator', { sites: ['SE-UPP'] });
    await t
      .http()
      .post(`/scheduling/bookings/${rows[0].id}/cancel`)
      .set(bearer(coordinator))
      .send({ reason: 'Postponed' })
      .expect(200);
    await q.add(
      'scheduling.book-slot',
      { participantId: p.id },
      { jobId: `scheduling.book-slot:${p.id}:late` },
    );
    await settle();
    expect(
      await t.dataSource.query(`SELECT id FROM transplant_bookings WHERE participant_id = $1`, [
        p.id,
      ]),
    ).toHaveLength(1);

    // Arm B: nothing to book, the job completes.
    const armB = await t.factory.participant('SE-UPP');
    await t.factory.allocation(armB.id, 'B', '2045-05-10T09:05:00Z');
    const jobB = await q.add(
      'scheduling.book-slot',
      { participantId: armB.id },
      { jobId: `scheduling.book-slot:${armB.id}` },
    );
    // Unknown participant: failed once and discarded, not retried.
    const ghost = await q.add(
      'scheduling.book-slot',
      { participantId: '00000000-0000-4000-8000-000000000000' },
      { jobId: 'scheduling.book-slot:ghost' },
    );
    await settle();
    expect(await (await q.getJob(jobB.id))?.getState()).toBe('completed');
    const ghostJob = await q.getJob(ghost.id);
    expect(await ghostJob?.getState()).toBe('failed');
    expect(ghostJob?.attemptsMade).toBe(1);
    expect(
      await t.dataSource.query(`SELECT id FROM transplant_bookings WHERE participant_id = $1`, [
        armB.id,
      ]),
    ).toHaveLength(0);
  });

  it('[REQ-SLOT-003] waitlists beyond the horizon, fills freed places from the waitlist in order, and a moved booking frees its place', async () => {
    clock().set('2048-01-10T10:00:00Z');
    const cph = await t.factory.site('DK-CPH');
    const trials = t.app.get(TrialsService);
    const setHorizon = async (n: number | null) => {
      await t.dataSource.query(
        n === null
          ? `UPDATE trials SET settings = settings #- '{scheduling,bookingHorizonQuarters}'`
          : `UPDATE trials SET settings = jsonb_set(settings, '{scheduling,bookingHorizonQuarters}', to_jsonb($1::int))`,
        n === null ? [] : [n],
      );
      trials.invalidate();
    };
    const coordinator = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    await setCapacity(cph, '2048-Q1', 0).expect(200);
    await setHorizon(1);
    try {
      const w1 = await armA('DK-CPH', '2048-01-10T09:00:00Z');
      const w2 = await armA('DK-CPH', '2048-01-10T09:01:00Z');
      const b1 = (await book(coordinator, w1.id).expect(200)).body as Booking;
      const b2 = (await book(coordinator, w2.id).expect(200)).body as Booking;
      for (const b of [b1, b2]) {
        expect(b).toMatchObject({
          status: 'waitlisted',
          quarter: null,
          plannedAdmissionDate: null,
          reviewStatus: 'pending',
          exceedsWaitLimit: true,
          plan: null,
        });
      }
      const waiting = await t
        .http()
        .get(`/scheduling/centres/${cph}/waitlist?status=waitlisted`)
        .set(bearer(coordinator))
        .expect(200);
      expect(waiting.body.items.map((i: { bookingId: string }) => i.bookingId)).toEqual([
        b1.id,
        b2.id,
      ]);
      expect(waiting.body.items[0]).toMatchObject({
        studyId: w1.studyId,
        status: 'waitlisted',
        waitingDays: 0,
      });
      const report = await t
        .http()
        .get(`/scheduling/centres/${cph}/quarters?from=2048-Q1&to=2048-Q1`)
        .set(bearer(coordinator))
        .expect(200);
      expect(report.body.projectedWait).toMatchObject({
        quarter: null,
        waitlisted: true,
        exceedsWaitLimit: true,
      });

      // A place appears: the longest-waiting participant gets it at once, and the review is no
      // longer needed; a manual fill then finds nothing left to do.
      const raised = await setCapacity(cph, '2048-Q1', 1).expect(200);
      expect(raised.body.movedUp).toEqual([b1.id]);
      expect(await getBooking(coordinator, b1.id)).toMatchObject({
        status: 'booked',
        quarter: '2048-Q1',
        plannedAdmissionDate: '2048-03-06',
        reviewStatus: 'resolved',
      });
      expect(
        (
          await t
            .http()
            .post(`/scheduling/centres/${cph}/fill`)
            .set(bearer(coordinator))
            .expect(200)
        ).body.movedUp,
      ).toEqual([]);

      // The centre moves W1 to the next quarter: Q1's place goes to W2.
      const moved = await t
        .http()
        .patch(`/scheduling/bookings/${b1.id}/admission`)
        .set(bearer(coordinator))
        .send({ plannedAdmissionDate: '2048-04-03', reason: 'Participant asked for after Easter' })
        .expect(200);
      expect(moved.body.booking).toMatchObject({
        quarter: '2048-Q2',
        plannedAdmissionDate: '2048-04-03',
      });
      expect(moved.body.movedUp).toEqual([b2.id]);
      expect(await getBooking(coordinator, b2.id)).toMatchObject({
        status: 'booked',
        quarter: '2048-Q1',
        plannedAdmissionDate: '2048-03-06',
      });
      expect(
        await t.factory.auditRows({ action: 'scheduling.booking_moved_up', entityId: b2.id }),
      ).toHaveLength(1);
      expect(await overCapacity()).toEqual([]);
    } finally {
      await setHorizon(null);
    }
    await settle();
  });

  it('keeps every route scoped and role-checked, and answers bad input with 400 naming the field', async () => {
    clock().set('2046-02-10T10:00:00Z');
    const cph = await t.factory.site('DK-CPH');
    const ber = await t.factory.site('NO-BER');
    const p = await armA('DK-CPH', '2046-02-10T09:00:00Z');
    const own = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    const booking = (await book(own, p.id).expect(200)).body as Booking;
    const other = await t.factory.user(['coordinator', 'investigator', 'site_staff'], {
      sites: ['NO-TRD'],
      acting: 'coordinator',
    });
    const assessor = await t.factory.user('blinded_assessor', { sites: ['DK-CPH'] });
    const monitor = await t.factory.user('monitor', { trialWide: true });
    const statistician = await t.factory.user('statistician', { trialWide: true });

    // Another site: 404 everywhere, never the record.
    await t.http().get(`/scheduling/bookings/${booking.id}`).set(bearer(other)).expect(404);
    await t
      .http()
      .post(`/scheduling/bookings/${booking.id}/cancel`)
      .set(bearer(other))
      .send({ reason: 'x' })
      .expect(404);
    await t.http().get(`/scheduling/participants/${p.id}/bookings`).set(bearer(other)).expect(404);
    await t.http().get(`/scheduling/centres/${cph}/quarters`).set(bearer(other)).expect(404);
    const list = await t.http().get(`/scheduling/bookings`).set(bearer(other)).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(booking.id);
    // A site served by a centre sees that centre's report (counts) but not others' bookings in it.
    await t.http().get(`/scheduling/centres/${ber}/quarters`).set(bearer(other)).expect(200);

    // The blinded assessor never reaches transplant dates.
    for (const path of [
      `/scheduling/bookings`,
      `/scheduling/bookings/${booking.id}`,
      `/scheduling/participants/${p.id}/bookings`,
      `/scheduling/centres/${cph}/waitlist`,
      `/scheduling/centres/${cph}/quarters`,
      `/scheduling/centres/${cph}/calendar.ics`,
    ]) {
      await t.http().get(path).set(bearer(assessor)).expect(403);
    }
    // Monitor reads, never writes; statistician and admin get counts only.
    await t.http().get(`/scheduling/bookings/${booking.id}`).set(bearer(monitor)).expect(200);
    await t
      .http()
      .post(`/scheduling/bookings/${booking.id}/cancel`)
      .set(bearer(monitor))
      .send({ reason: 'x' })
      .expect(403);
    await t.http().get(`/scheduling/centres/${cph}/quarters`).set(bearer(statistician)).expect(200);
    await t.http().get(`/scheduling/bookings/${booking.id}`).set(bearer(statistician)).expect(403);
    await t.http().get(`/scheduling/bookings/${booking.id}`).set(bearer(admin)).expect(403);

    // 400s name the field.
    expect(
      (await t.http().get(`/scheduling/bookings/not-a-uuid`).set(bearer(own)).expect(400)).body
        .message,
    ).toContain('bookingId');
    expect(
      (
        await t
          .http()
          .get(`/scheduling/centres/${cph}/quarters?from=2046-Q5`)
          .set(bearer(own))
          .expect(400)
      ).body.message,
    ).toContain('from');
    expect(
      (
        await t
          .http()
          .get(`/scheduling/centres/${cph}/quarters?from=2046-Q3&to=2046-Q1`)
          .set(bearer(own))
          .expect(400)
      ).body.message,
    ).toContain('to');
    expect(
      (await t.http().get(`/scheduling/bookings?status=maybe`).set(bearer(own)).expect(400)).body
        .message,
    ).toContain('status');
    expect(
      (
        await t
          .http()
          .patch(`/scheduling/bookings/${booking.id}/admission`)
          .set(bearer(own))
          .send({ reason: 'x' })
          .expect(400)
      ).body.message,
    ).toContain('plannedAdmissionDate');
    expect(
      (
        await t
          .http()
          .post(`/scheduling/bookings/${booking.id}/cancel`)
          .set(bearer(own))
          .send({})
          .expect(400)
      ).body.message,
    ).toContain('reason');
    expect(
      (
        await t
          .http()
          .post(`/scheduling/bookings/${booking.id}/cancel`)
          .set(bearer(own))
          .send({ reason: 'x', extra: 1 })
          .expect(400)
      ).body.message,
    ).toContain('extra');
    expect(
      (
        await t
          .http()
          .put(`/scheduling/bookings/${booking.id}/phases/harvest`)
          .set(bearer(own))
          .send({ outcome: 'done' })
          .expect(400)
      ).body.message,
    ).toContain('actualStart');
    const armB = await t.factory.participant('DK-CPH');
    await t.factory.allocation(armB.id, 'B', '2046-02-10T09:10:00Z');
    expect((await book(own, armB.id).expect(409)).body.code).toBe('PARTICIPANT_NOT_ARM_A');
    const unallocated = await t.factory.participant('DK-CPH');
    expect((await book(own, unallocated.id).expect(409)).body.code).toBe(
      'PARTICIPANT_NOT_ALLOCATED',
    );
    // A full quarter refuses a move into it.
    await setCapacity(cph, '2046-Q3', 0).expect(200);
    const full = await t
      .http()
      .patch(`/scheduling/bookings/${booking.id}/admission`)
      .set(bearer(own))
      .send({ plannedAdmissionDate: '2046-08-01', reason: 'x' })
      .expect(409);
    expect(full.body.code).toBe('QUARTER_FULL');
    await settle();
  });
});
