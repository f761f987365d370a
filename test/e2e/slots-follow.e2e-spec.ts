import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { BookingEngineService } from 'src/modules/scheduling/booking-engine.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

type Booking = {
  id: string;
  participantId: string;
  status: string;
  quarter: string | null;
  plannedAdmissionDate: string | null;
  reviewStatus: string;
  transplantDay0: string | null;
  receivedAllocatedIntervention: boolean | null;
  notReceivedCode: string | null;
};

type Consort = {
  arms: {
    arm: string;
    inFollowUp: number;
    discontinuedIntervention: { total: number; reasons: { reason: string; n: number }[] };
  }[];
};

/**
 * Slots follow the participant (issue 15): withdrawal, death, loss to follow-up and discontinuation
 * of the intervention give the transplant place back at once (the next one moves up, the calendar
 * event is cancelled); a raised capacity goes to the longest-waiting in randomisation order; off
 * treatment is not off study; a booking is done only with the earlier phases recorded.
 */
describe('transplant slots follow the participant (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let statistician: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-01-10T09:00:00Z', worker: false });
    admin = await t.factory.user('admin', { trialWide: true });
    statistician = await t.factory.user('statistician', { trialWide: true });
  });
  afterAll(() => t.close());

  const clock = () => {
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    return t.clock;
  };
  const armA = async (site: string, randomisedAt: string) => {
    const p = await t.factory.participant(site);
    await t.factory.allocation(p.id, 'A', randomisedAt);
    return p;
  };
  const book = async (user: TestUser, participantId: string): Promise<Booking> =>
    (
      await t
        .http()
        .post(`/scheduling/participants/${participantId}/booking`)
        .set(bearer(user))
        .expect(200)
    ).body as Booking;
  const getBooking = async (user: TestUser, id: string): Promise<Booking> =>
    (await t.http().get(`/scheduling/bookings/${id}`).set(bearer(user)).expect(200))
      .body as Booking;
  const setCapacity = (centreId: string, quarter: string, capacity: number) =>
    t.http().put(`/sites/${centreId}/capacity/${quarter}`).set(bearer(admin)).send({ capacity });
  const overCapacity = async () =>
    t.dataSource.query(
      `SELECT b.centre_id, b.quarter FROM transplant_bookings b JOIN sites s ON s.id = b.centre_id
       LEFT JOIN transplant_capacities tc ON tc.centre_id = b.centre_id AND tc.quarter = b.quarter
       WHERE b.status IN ('booked', 'done')
       GROUP BY b.centre_id, b.quarter, tc.capacity, s.default_quarterly_capacity
       HAVING count(*) > COALESCE(tc.capacity, s.default_quarterly_capacity)`,
    );
  /** The VEVENT of a booking in an iCal text, unfolded. */
  const vevent = (ics: string, bookingId: string) => {
    const text = ics.replace(/\r\n /g, '');
    const start = text.indexOf(`UID:${bookingId}-admission@ram-ms`);
    return start < 0 ? null : text.slice(start, text.indexOf('END:VEVENT', start));
  };
  const consort = async (): Promise<Consort> =>
    (await t.http().get('/reports/consort').set(bearer(statistician)).expect(200)).body as Consort;

  it('[REQ-SLOT-003][REQ-PART-003] withdrawing or losing a booked arm-A participant frees the place, moves the next one up, and the iCal event becomes CANCELLED', async () => {
    clock().set('2026-01-10T09:00:00Z');
    const ams = await t.factory.site('NL-AMS');
    for (const [q, n] of [
      ['2026-Q1', 0],
      ['2026-Q2', 1],
      ['2026-Q3', 1],
      ['2026-Q4', 0],
    ] as const) {
      await setCapacity(ams, q, n).expect(200);
    }
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const first = await armA('NL-AMS', '2026-01-09T09:00:00Z');
    const second = await armA('NL-AMS', '2026-01-09T10:00:00Z');
    const third = await armA('NL-AMS', '2026-01-09T11:00:00Z');
    const b1 = await book(coordinator, first.id);
    const b2 = await book(coordinator, second.id);
    const b3 = await book(coordinator, third.id);
    expect([b1.quarter, b2.quarter]).toEqual(['2026-Q2', '2026-Q3']);
    expect(b3.quarter === null || b3.quarter > '2026-Q4').toBe(true);

    await t
      .http()
      .post(`/participants/${first.id}/withdraw`)
      .set(bearer(coordinator))
      .send({ destroySamples: false, reason: 'moved abroad' })
      .expect(200);
    expect(await getBooking(coordinator, b1.id)).toMatchObject({ status: 'cancelled' });
    // The next in randomisation order takes Q2; the waitlisted one takes the freed Q3 place.
    expect(await getBooking(coordinator, b2.id)).toMatchObject({
      status: 'booked',
      quarter: '2026-Q2',
    });
    expect(await getBooking(coordinator, b3.id)).toMatchObject({
      status: 'booked',
      quarter: '2026-Q3',
    });
    expect(
      await t.factory.auditRows({ action: 'scheduling.booking_cancelled', entityId: b1.id }),
    ).toHaveLength(1);
    expect(await overCapacity()).toEqual([]);

    const ics = (
      await t.http().get(`/scheduling/centres/${ams}/calendar.ics`).set(bearer(coordinator))
    ).text;
    expect(vevent(ics, b1.id)).toContain('STATUS:CANCELLED');
    expect(vevent(ics, b1.id)).not.toContain('STATUS:CONFIRMED');
    expect(vevent(ics, b2.id)).toContain('STATUS:CONFIRMED');

    // Death of a booked participant: the same (b3 holds Q3; b2 is the one left).
    await t
      .http()
      .post(`/participants/${third.id}/outcome`)
      .set(bearer(investigator))
      .send({ outcome: 'died', reason: 'reported by the GP' })
      .expect(200);
    expect(await getBooking(coordinator, b3.id)).toMatchObject({ status: 'cancelled' });
    // A withdrawn participant cannot be booked again.
    const again = await t
      .http()
      .post(`/scheduling/participants/${first.id}/booking`)
      .set(bearer(coordinator))
      .expect(409);
    expect(again.body.code).toBe('PARTICIPANT_NOT_BOOKABLE');
  });

  it('[REQ-SLOT-003] raising a quarter books the new places for the earliest-randomised waiting participants at once (the 2027-Q1 repro)', async () => {
    clock().set('2026-11-20T09:00:00Z');
    const ams = await t.factory.site('NL-AMS');
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    for (const [q, n] of [
      ['2027-Q1', 0],
      ['2027-Q2', 2],
      ['2027-Q3', 2],
    ] as const) {
      await setCapacity(ams, q, n).expect(200);
    }
    const earlier = await armA('NL-AMS', '2026-11-20T08:00:00Z');
    const waiting = await book(coordinator, earlier.id);
    expect(waiting).toMatchObject({ quarter: '2027-Q2', reviewStatus: 'pending' });

    const raised = await setCapacity(ams, '2027-Q1', 2).expect(200);
    expect(raised.body).toMatchObject({ quarter: '2027-Q1', capacity: 2, overridden: true });
    expect(raised.body.movedUp).toEqual([waiting.id]);
    expect(await getBooking(coordinator, waiting.id)).toMatchObject({
      status: 'booked',
      quarter: '2027-Q1',
      plannedAdmissionDate: '2027-01-15',
      reviewStatus: 'resolved',
    });

    // Randomised later: takes the second new place, never the earlier participant's.
    const later = await armA('NL-AMS', '2026-11-20T08:30:00Z');
    expect(await book(coordinator, later.id)).toMatchObject({ quarter: '2027-Q1' });
    const fill = await t
      .http()
      .post(`/scheduling/centres/${ams}/fill`)
      .set(bearer(coordinator))
      .expect(200);
    expect(fill.body.movedUp).toEqual([]);
    expect(await overCapacity()).toEqual([]);

    // A raised centre default: a job (written with the change) gives the new places out.
    await setCapacity(ams, '2027-Q2', 0).expect(200);
    await setCapacity(ams, '2027-Q3', 0).expect(200);
    const patchDefault = (n: number) =>
      t
        .http()
        .patch(`/sites/${ams}`)
        .set(bearer(admin))
        .send({ defaultQuarterlyCapacity: n, reason: 'ward closed' })
        .expect(200);
    await patchDefault(0);
    const x = await armA('NL-AMS', '2026-11-20T08:40:00Z');
    const wx = await book(coordinator, x.id);
    expect(wx.status).toBe('waitlisted');
    await patchDefault(1);
    const jobs: { payload: { centreId: string } }[] = await t.dataSource.query(
      `SELECT payload FROM outbox WHERE job_name = 'scheduling.fill-centre' ORDER BY id`,
    );
    expect(jobs.map((j) => j.payload)).toEqual([{ centreId: ams }, { centreId: ams }]);
    expect(await t.app.get(BookingEngineService).fillCentreById(ams)).toEqual([wx.id]);
    expect(await getBooking(coordinator, wx.id)).toMatchObject({
      status: 'booked',
      quarter: '2027-Q4',
    });
    expect(await overCapacity()).toEqual([]);
  });

  it('discontinuing an arm-A intervention keeps the visit schedule, frees the transplant place, and CONSORT counts it; undo books again', async () => {
    clock().set('2027-06-01T09:00:00Z');
    const cph = await t.factory.site('DK-CPH');
    for (const [q, n] of [
      ['2027-Q3', 1],
      ['2027-Q4', 1],
      ['2028-Q1', 0],
    ] as const) {
      await setCapacity(cph, q, n).expect(200);
    }
    const coordinator = await t.factory.user('coordinator', { sites: ['DK-CPH'] });
    const investigator = await t.factory.user('investigator', { sites: ['DK-CPH'] });
    const assessor = await t.factory.user('blinded_assessor', { sites: ['DK-CPH'] });
    const elsewhere = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const p = await armA('DK-CPH', '2027-06-01T08:00:00Z');
    const next = await armA('DK-CPH', '2027-06-01T08:10:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const visits = async () =>
      (
        (await t.dataSource.query(`SELECT status FROM visits WHERE participant_id = $1`, [
          p.id,
        ])) as { status: string }[]
      ).map((v) => v.status);
    expect((await visits()).length).toBeGreaterThanOrEqual(9);
    const bp = await book(coordinator, p.id);
    const bn = await book(coordinator, next.id);
    expect([bp.quarter, bn.quarter]).toEqual(['2027-Q3', '2027-Q4']);
    const before = await consort();

    const url = `/participants/${p.id}/intervention/discontinuation`;
    const body = { date: '2027-06-01', reasonCode: 'physician_decision', note: 'cardiac finding' };
    await t.http().post(url).set(bearer(assessor)).send(body).expect(403);
    await t.http().post(url).set(bearer(elsewhere)).send(body).expect(404);
    const future = await t
      .http()
      .post(url)
      .set(bearer(investigator))
      .send({ ...body, date: '2027-06-02' })
      .expect(400);
    expect(future.body.errors[0].path).toBe('date');
    const early = await t
      .http()
      .post(url)
      .set(bearer(investigator))
      .send({ ...body, date: '2027-05-30' })
      .expect(400);
    expect(early.body.message).toMatch(/before randomisation/);
    await t
      .http()
      .post(url)
      .set(bearer(investigator))
      .send({ ...body, reasonCode: 'bored' })
      .expect(400);
    const done = await t.http().post(url).set(bearer(investigator)).send(body).expect(200);
    expect(done.body).toMatchObject({
      discontinuation: { date: '2027-06-01', reasonCode: 'physician_decision' },
      receivedAllocatedIntervention: false,
      notReceivedReason: 'transplant_not_done',
    });
    expect(
      (await t.http().post(url).set(bearer(investigator)).send(body).expect(409)).body.code,
    ).toBe('INTERVENTION_ALREADY_DISCONTINUED');

    // Off treatment, not off study: the participant and the schedule stay; the place goes on.
    const [{ status }]: { status: string }[] = await t.dataSource.query(
      `SELECT status FROM participants WHERE id = $1`,
      [p.id],
    );
    expect(status).toBe('randomised');
    expect((await visits()).every((s) => s === 'scheduled')).toBe(true);
    expect(await getBooking(coordinator, bp.id)).toMatchObject({
      status: 'not_done',
      notReceivedCode: 'transplant_not_done',
    });
    expect(await getBooking(coordinator, bn.id)).toMatchObject({ quarter: '2027-Q3' });
    const refused = await t
      .http()
      .post(`/scheduling/participants/${p.id}/booking`)
      .set(bearer(coordinator))
      .expect(409);
    expect(refused.body.code).toBe('INTERVENTION_DISCONTINUED');
    const after = await consort();
    const a = (c: Consort) => c.arms.find((x) => x.arm === 'A') as Consort['arms'][number];
    expect(a(after).discontinuedIntervention.total).toBe(
      a(before).discontinuedIntervention.total + 1,
    );
    expect(a(after).discontinuedIntervention.reasons).toContainEqual(
      expect.objectContaining({ reason: 'physician_decision', n: 1 }),
    );
    expect(a(after).inFollowUp).toBe(a(before).inFollowUp);
    expect(
      await t.factory.auditRows({
        action: 'randomization.intervention_discontinued',
        entityId: p.id,
      }),
    ).toHaveLength(1);

    // Undo (recorded in error): a reason is required; the participant is booked again.
    const undo = `${url}/undo`;
    await t.http().post(undo).set(bearer(investigator)).send({}).expect(400);
    await t.http().post(undo).set(bearer(coordinator)).send({ reason: 'x' }).expect(403);
    const undone = await t
      .http()
      .post(undo)
      .set(bearer(investigator))
      .send({ reason: 'entered for the wrong participant' })
      .expect(200);
    expect(undone.body).toMatchObject({
      discontinuation: null,
      receivedAllocatedIntervention: null,
    });
    const [live]: { status: string; quarter: string }[] = await t.dataSource.query(
      `SELECT status, quarter FROM transplant_bookings WHERE participant_id = $1 AND status IN ('booked', 'waitlisted')`,
      [p.id],
    );
    expect(live).toMatchObject({ status: 'booked', quarter: '2027-Q4' });
    expect(a(await consort()).discontinuedIntervention.total).toBe(
      a(before).discontinuedIntervention.total,
    );
    await t.http().post(undo).set(bearer(investigator)).send({ reason: 'again' }).expect(409);

    // Arm B: the drug stopped; counted for arm B; nothing to book.
    const b = await t.factory.participant('DK-CPH');
    await t.factory.allocation(b.id, 'B', '2027-06-01T08:20:00Z');
    await t
      .http()
      .post(`/participants/${b.id}/intervention/discontinuation`)
      .set(bearer(coordinator))
      .send({ date: '2027-06-01', reasonCode: 'adverse_event' })
      .expect(200);
    const armB = (await consort()).arms.find((x) => x.arm === 'B');
    expect(armB?.discontinuedIntervention.reasons).toContainEqual(
      expect.objectContaining({ reason: 'adverse_event' }),
    );
    expect(await overCapacity()).toEqual([]);
  });

  it('a booking is done only when day 0 AND the earlier phases are recorded', async () => {
    clock().set('2028-01-05T09:00:00Z');
    const upp = await t.factory.site('SE-UPP');
    await setCapacity(upp, '2028-Q1', 1).expect(200);
    const staff = await t.factory.user('site_staff', { sites: ['SE-UPP'] });
    const coordinator = await t.factory.user('coordinator', { sites: ['SE-UPP'] });
    const p = await armA('SE-UPP', '2028-01-05T08:00:00Z');
    const b = await book(coordinator, p.id);
    expect(b.quarter).toBe('2028-Q1');
    clock().set('2028-04-20T09:00:00Z');
    const phase = (code: string) =>
      t.http().put(`/scheduling/bookings/${b.id}/phases/${code}`).set(bearer(staff));

    const day0 = await phase('reinfusion')
      .send({ outcome: 'done', actualStart: '2028-04-10' })
      .expect(200);
    // Day 0 counts (received, follow-up re-anchors) but the plan is not complete: still booked.
    expect(day0.body).toMatchObject({
      status: 'booked',
      transplantDay0: '2028-04-10',
      receivedAllocatedIntervention: true,
    });
    // Transplanted: the booking neither cancels nor moves, and withdrawal leaves it on record.
    const cancel = await t
      .http()
      .post(`/scheduling/bookings/${b.id}/cancel`)
      .set(bearer(coordinator))
      .send({ reason: 'x' })
      .expect(409);
    expect(cancel.body.code).toBe('BOOKING_NOT_ACTIVE');
    await phase('evaluation').send({ outcome: 'done', actualStart: '2028-02-01' }).expect(200);
    await phase('mobilisation')
      .send({ outcome: 'not_done', reason: 'Mobilisation done elsewhere' })
      .expect(200);
    const partial = await phase('harvest')
      .send({ outcome: 'done', actualStart: '2028-03-01' })
      .expect(200);
    expect(partial.body.status).toBe('booked');
    const complete = await phase('conditioning')
      .send({ outcome: 'done', actualStart: '2028-04-05', actualEnd: '2028-04-09' })
      .expect(200);
    expect(complete.body).toMatchObject({ status: 'done', transplantDay0: '2028-04-10' });
    expect(
      await t.factory.auditRows({ action: 'scheduling.booking_done', entityId: b.id }),
    ).toHaveLength(1);
    // Taking day 0 back makes it booked again.
    const back = await phase('reinfusion')
      .send({ outcome: 'not_done', reason: 'Entered on the wrong booking' })
      .expect(200);
    expect(back.body).toMatchObject({ status: 'booked', transplantDay0: null });
  });
});
