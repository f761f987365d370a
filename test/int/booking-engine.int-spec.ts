import { BookingEngineService } from 'src/modules/scheduling/booking-engine.service';
import { CapacityService } from 'src/modules/scheduling/capacity.service';
import { createTestApp, TestApp } from '../harness/app';

/**
 * The transplant booking engine at the service level, on a real database (no HTTP, no worker):
 * places follow randomisation order, a second call settles on the first booking, arm B books
 * nothing, and concurrent calls never put a quarter over its capacity.
 */
describe('booking engine (int)', () => {
  let t: TestApp;
  let engine: BookingEngineService;

  beforeAll(async () => {
    t = await createTestApp({ now: '2031-01-10T10:00:00Z', worker: false });
    engine = t.app.get(BookingEngineService);
  });
  afterAll(() => t.close());

  const armA = async (site: string, randomisedAt: string) => {
    const p = await t.factory.participant(site);
    await t.factory.allocation(p.id, 'A', randomisedAt);
    return p.id;
  };
  const bookingOf = async (participantId: string) =>
    (
      (await t.dataSource.query(
        `SELECT id, quarter, status FROM transplant_bookings WHERE participant_id = $1 ORDER BY created_at`,
        [participantId],
      )) as { id: string; quarter: string | null; status: string }[]
    )[0];
  const overCapacity = async () =>
    t.dataSource.query(
      `SELECT b.centre_id, b.quarter FROM transplant_bookings b JOIN sites s ON s.id = b.centre_id
       LEFT JOIN transplant_capacities tc ON tc.centre_id = b.centre_id AND tc.quarter = b.quarter
       WHERE b.status = 'booked' GROUP BY b.centre_id, b.quarter, tc.capacity, s.default_quarterly_capacity
       HAVING count(*) > COALESCE(tc.capacity, s.default_quarterly_capacity)`,
    );

  it('[REQ-SLOT-002] books once per participant, in randomisation order, and nothing for arm B', async () => {
    // One place in the first quarter the lead time allows (NO-TRO is served by NO-BER).
    const ber = await t.factory.site('NO-BER');
    await t.dataSource.query(
      `INSERT INTO transplant_capacities (centre_id, quarter, capacity) VALUES ($1, '2031-Q1', 1)`,
      [ber],
    );
    const earlier = await armA('NO-TRO', '2031-01-05T09:00:00Z');
    const later = await armA('NO-TRO', '2031-01-05T10:00:00Z');
    // The later participant's job runs first: the earlier one is placed first all the same.
    const id = await engine.bookForParticipant(later);
    expect(id).toEqual(expect.any(String));
    const first = await bookingOf(earlier);
    const second = await bookingOf(later);
    expect([first?.quarter, second?.quarter]).toEqual(['2031-Q1', '2031-Q2']);
    // A second call settles on the same booking.
    expect(await engine.bookForParticipant(later)).toBe(id);
    expect(await engine.bookForParticipant(earlier)).toBe(first.id);

    const b = await t.factory.participant('NO-TRO');
    await t.factory.allocation(b.id, 'B', '2031-01-05T11:00:00Z');
    expect(await engine.bookForParticipant(b.id)).toBeNull();
    expect(await bookingOf(b.id)).toBeUndefined();
  });

  it('[REQ-SLOT-001] never puts a quarter over capacity when many bookings run at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(await armA('SE-UPP', `2031-01-06T09:${String(i).padStart(2, '0')}:00Z`));
    }
    const results = await Promise.allSettled(ids.map((id) => engine.bookForParticipant(id)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await overCapacity()).toEqual([]);
    // Everyone has a booking (or a waitlist place), and quarters follow randomisation order.
    const quarters = await Promise.all(
      ids.map(async (id) => (await bookingOf(id))?.quarter ?? '9999'),
    );
    expect(quarters.every((q, i) => i === 0 || quarters[i - 1] <= q)).toBe(true);
  });

  it('[REQ-SLOT-003] a raised quarter goes to the earliest-randomised waiting participants, in the same transaction', async () => {
    const cph = await t.factory.site('DK-CPH');
    const capacity = t.app.get(CapacityService);
    await capacity.setCapacity(cph, '2031-Q1', 0);
    await capacity.setCapacity(cph, '2031-Q2', 0);
    await capacity.setCapacity(cph, '2031-Q3', 3);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await armA('DK-CPH', `2031-01-07T09:0${i}:00Z`));
    }
    // Booked out of order: the later ones' jobs first.
    for (const id of [...ids].reverse()) {
      await engine.bookForParticipant(id);
    }
    expect((await Promise.all(ids.map(bookingOf))).map((b) => b.quarter)).toEqual([
      '2031-Q3',
      '2031-Q3',
      '2031-Q3',
    ]);
    const raised = await capacity.setCapacity(cph, '2031-Q2', 2, 'extra ward beds');
    const [first, second, third] = await Promise.all(ids.map(bookingOf));
    expect(raised.movedUp).toEqual([first.id, second.id]);
    expect([first.quarter, second.quarter, third.quarter]).toEqual([
      '2031-Q2',
      '2031-Q2',
      '2031-Q3',
    ]);
    // Lowering does not move anyone; raising again with nobody waiting earlier moves no one.
    expect((await capacity.setCapacity(cph, '2031-Q3', 1)).movedUp).toEqual([]);
    expect(await overCapacity()).toEqual([]);
  });
});
