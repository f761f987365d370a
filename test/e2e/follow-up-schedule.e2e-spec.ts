import type { Queue } from 'bull';
import { QueueName } from 'src/common/queue/queues';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { GenerateScheduleJob, ReanchorJob } from 'src/modules/follow-up/follow-up.jobs';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

type VisitRow = {
  code: string;
  kind: string;
  anchor: string;
  offset: number | null;
  target: string;
  start: string;
  end: string;
  status: string;
};

const AMS_RANDOMISED = '2026-03-28T23:30:00Z'; // 2026-03-29 00:30 CET; the clocks go to CEST at 01:00 UTC that day

// The exact calendar of a participant randomised at 2026-03-28T23:30Z at Amsterdam: week 0 is the
// Amsterdam date 2026-03-29 (not the UTC date 03-28), and every later date is a calendar date,
// unmoved by the daylight-saving change that night.
const ARM_B_CALENDAR: [string, number, string, string, string][] = [
  ['W000', 0, '2026-03-29', '2026-03-29', '2026-04-12'],
  ['W012', 84, '2026-06-21', '2026-06-07', '2026-07-05'],
  ['W024', 168, '2026-09-13', '2026-08-30', '2026-09-27'],
  ['W048', 336, '2027-02-28', '2027-01-31', '2027-03-28'],
  ['W072', 504, '2027-08-15', '2027-07-18', '2027-09-12'],
  ['W096', 672, '2028-01-30', '2028-01-02', '2028-02-27'],
  ['W144', 1008, '2028-12-31', '2028-12-03', '2029-01-28'],
  ['W192', 1344, '2029-12-02', '2029-11-04', '2029-12-30'],
  ['W240', 1680, '2030-11-03', '2030-10-06', '2030-12-01'],
];

describe('follow-up: visit schedules generated and re-anchored by jobs (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-05-10T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  const followUpQueue = () => t.queues.find((q) => q.name === QueueName.FollowUp) as Queue;

  /** What the randomisation module does after allocating: the generation job, through the outbox. */
  async function enqueueGeneration(participantId: string): Promise<void> {
    await t.app.get(TransactionRunner).run(async (uow) => {
      uow.enqueue(GenerateScheduleJob, { participantId });
    });
  }

  async function enqueueReanchor(
    participantId: string,
    transplantDay0: string,
    version: number,
  ): Promise<void> {
    await t.app.get(TransactionRunner).run(async (uow) => {
      uow.enqueue(
        ReanchorJob,
        { participantId, transplantDay0 },
        { day0: transplantDay0, version },
      );
    });
  }

  async function randomised(arm: 'A' | 'B', site = 'NL-AMS', at = AMS_RANDOMISED) {
    const p = await t.factory.participant(site);
    await t.factory.allocation(p.id, arm, at);
    return p;
  }

  const rows = async (participantId: string): Promise<VisitRow[]> =>
    t.dataSource.query(
      `SELECT code, kind, anchor, offset_days AS offset, target_date::text AS target, window_start::text AS start,
              window_end::text AS end, status
       FROM visits WHERE participant_id = $1 ORDER BY target_date, kind, code`,
      [participantId],
    );

  /** Every column of every visit row, for "a job run twice leaves the same rows". */
  const snapshot = async (participantId: string): Promise<unknown[]> =>
    t.dataSource.query(
      `SELECT v.*, v.updated_at::text AS u FROM visits v WHERE participant_id = $1 ORDER BY code`,
      [participantId],
    );

  const logVisit = async (participantId: string, code: string, visitDate: string) => {
    const [v]: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = $2`,
      [participantId, code],
    );
    await t
      .http()
      .post(`/follow-up/visits/${v.id}/log`)
      .set(bearer(staff))
      .send({
        visitDate,
        relapseAssessment: { newRelapse: false },
        samples: [{ type: 'bloods', taken: true }],
      })
      .expect(200);
  };

  it('[REQ-VISIT-001] generates the exact calendar for an Amsterdam participant randomised the night the clocks change', async () => {
    const p = await randomised('B');
    await enqueueGeneration(p.id);
    await t.drainJobs();
    const visits = await rows(p.id);
    expect(visits.map((v) => [v.code, v.offset, v.target, v.start, v.end])).toEqual(ARM_B_CALENDAR);
    expect(
      visits.every(
        (v) => v.kind === 'scheduled' && v.anchor === 'randomisation' && v.status === 'scheduled',
      ),
    ).toBe(true);
    const [schedule] = await t.dataSource.query(
      `SELECT anchor_date::text AS anchor, time_zone AS tz, status FROM follow_up_schedules WHERE participant_id = $1`,
      [p.id],
    );
    expect(schedule).toEqual({ anchor: '2026-03-29', tz: 'Europe/Amsterdam', status: 'active' });
    const audit = await t.factory.auditRows({
      action: 'follow-up.schedule_generated',
      entityId: p.id,
    });
    expect(audit).toHaveLength(1);
  });

  it('[REQ-VISIT-001] anchors week 0 on the site’s calendar date, not the UTC date (Oslo, summer time)', async () => {
    const before = await randomised('B', 'NO-BER', '2026-03-29T21:59:00Z'); // 23:59 CEST on the 29th
    const after = await randomised('B', 'NO-BER', '2026-03-29T22:00:00Z'); // 00:00 CEST on the 30th
    await enqueueGeneration(before.id);
    await enqueueGeneration(after.id);
    await t.drainJobs();
    expect((await rows(before.id))[0]).toMatchObject({ code: 'W000', target: '2026-03-29' });
    expect((await rows(after.id))[0]).toMatchObject({ code: 'W000', target: '2026-03-30' });
    expect((await rows(after.id)).find((v) => v.code === 'W096')?.target).toBe('2028-01-31');
  });

  it('[REQ-VISIT-004] a generation job run twice (and concurrently) leaves exactly the same rows, and writes nothing the second time', async () => {
    const p = await randomised('A');
    await enqueueGeneration(p.id);
    await t.drainJobs();
    const first = await snapshot(p.id);
    expect(first).toHaveLength(9);
    const auditBefore = (await t.factory.auditRows({ entityId: p.id })).length;

    // The outbox refuses a second intent with the same dedupe key…
    await enqueueGeneration(p.id);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE dedupe_key = $1`,
      [GenerateScheduleJob.key({ participantId: p.id })],
    );
    expect(n).toBe(1);
    // …and the job itself, delivered again (a retry, a second worker) and run concurrently, is idempotent.
    await followUpQueue().add(
      GenerateScheduleJob.name,
      { participantId: p.id },
      { jobId: `again-1-${p.id}` },
    );
    await followUpQueue().add(
      GenerateScheduleJob.name,
      { participantId: p.id },
      { jobId: `again-2-${p.id}` },
    );
    const service = t.app.get(FollowUpService);
    await Promise.all([1, 2, 3, 4].map(() => service.generateSchedule(p.id)));
    await t.drainJobs();
    expect(await snapshot(p.id)).toEqual(first);
    expect((await t.factory.auditRows({ entityId: p.id })).length).toBe(auditBefore);
  });

  it('[REQ-VISIT-004] creates the arm-A weekly visits when day 0 is set, and moves only the unlogged ones when it moves', async () => {
    const p = await randomised('A');
    await enqueueGeneration(p.id);
    await enqueueReanchor(p.id, '2026-04-20', 1);
    await t.drainJobs();
    const before = await rows(p.id);
    const armA = before.filter((v) => v.kind === 'arm_a_weekly');
    expect(armA.map((v) => [v.code, v.target, v.start, v.end])).toEqual([
      ['A-D007', '2026-04-27', '2026-04-25', '2026-04-29'],
      ['A-D014', '2026-05-04', '2026-05-02', '2026-05-06'],
      ['A-D021', '2026-05-11', '2026-05-09', '2026-05-13'],
      ['A-D028', '2026-05-18', '2026-05-16', '2026-05-20'],
      ['A-D035', '2026-05-25', '2026-05-23', '2026-05-27'],
      ['A-D042', '2026-06-01', '2026-05-30', '2026-06-03'],
      ['A-D049', '2026-06-08', '2026-06-06', '2026-06-10'],
      ['A-D056', '2026-06-15', '2026-06-13', '2026-06-17'],
      ['A-D063', '2026-06-22', '2026-06-20', '2026-06-24'],
      ['A-D070', '2026-06-29', '2026-06-27', '2026-07-01'],
      ['A-D077', '2026-07-06', '2026-07-04', '2026-07-08'],
      ['A-D084', '2026-07-13', '2026-07-11', '2026-07-15'],
      ['A-D091', '2026-07-20', '2026-07-18', '2026-07-22'],
      ['A-D100', '2026-07-29', '2026-07-27', '2026-07-31'],
    ]);

    await logVisit(p.id, 'A-D007', '2026-04-27');
    await logVisit(p.id, 'A-D014', '2026-05-04');

    // Day 0 moves a week later.
    await enqueueReanchor(p.id, '2026-04-27', 2);
    await t.drainJobs();
    const after = await rows(p.id);
    const byCode = new Map(after.map((v) => [v.code, v]));
    // Logged visits stay where they were.
    expect(byCode.get('A-D007')).toMatchObject({ target: '2026-04-27', status: 'logged' });
    expect(byCode.get('A-D014')).toMatchObject({ target: '2026-05-04', status: 'logged' });
    // Unlogged ones move by seven days, windows with them.
    expect(byCode.get('A-D021')).toMatchObject({
      target: '2026-05-18',
      start: '2026-05-16',
      end: '2026-05-20',
      status: 'scheduled',
    });
    expect(byCode.get('A-D100')).toMatchObject({
      target: '2026-08-05',
      start: '2026-08-03',
      end: '2026-08-07',
    });
    // Randomisation-anchored visits never move.
    expect(after.filter((v) => v.kind === 'scheduled')).toEqual(
      before.filter((v) => v.kind === 'scheduled'),
    );
    const [audit] = await t.factory
      .auditRows({ action: 'follow-up.schedule_reanchored', entityId: p.id })
      .then((r) => r.slice(-1));
    expect(audit).toBeDefined();
  });

  it('a re-anchor arriving before the generation job ends in the same schedule', async () => {
    const p = await randomised('A');
    await enqueueReanchor(p.id, '2026-04-20', 1);
    await t.drainJobs();
    await enqueueGeneration(p.id);
    await t.drainJobs();
    const visits = await rows(p.id);
    expect(visits).toHaveLength(23);
    expect(visits.find((v) => v.code === 'A-D100')?.target).toBe('2026-07-29');
    expect(visits.find((v) => v.code === 'W096')?.target).toBe('2028-01-30');
  });

  it('re-anchors from the transplant-slot module: day 0 recorded there, then cleared, then set again', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const p = await randomised('A', 'NL-AMS', '2026-01-05T09:00:00Z');
    await enqueueGeneration(p.id);
    const booked = await t
      .http()
      .post(`/scheduling/participants/${p.id}/booking`)
      .set(bearer(investigator))
      .expect((r) => {
        if (r.status !== 200 && r.status !== 201) {
          throw new Error(`booking answered ${r.status}: ${JSON.stringify(r.body)}`);
        }
      });
    const bookingId = (booked.body as { id: string }).id;
    const phase = () =>
      t.http().put(`/scheduling/bookings/${bookingId}/phases/reinfusion`).set(bearer(investigator));
    await phase().send({ outcome: 'done', actualStart: '2026-04-01' }).expect(200);
    await t.drainJobs();
    let visits = await rows(p.id);
    expect(visits.find((v) => v.code === 'A-D007')).toMatchObject({
      target: '2026-04-08',
      status: 'scheduled',
    });

    // The reinfusion record is corrected to "not done": the open arm-A visits are withdrawn.
    await phase()
      .send({ outcome: 'not_done', reason: 'Reinfusion postponed: infection' })
      .expect(200);
    await t.drainJobs();
    visits = await rows(p.id);
    const armA = visits.filter((v) => v.kind === 'arm_a_weekly');
    expect(armA.length).toBe(14);
    expect(armA.every((v) => v.status === 'cancelled')).toBe(true);

    // Set again (a later day): they reopen on the new dates.
    await phase()
      .send({
        outcome: 'done',
        actualStart: '2026-04-20',
        reason: 'Reinfusion done after the infection',
      })
      .expect(200);
    await t.drainJobs();
    visits = await rows(p.id);
    expect(visits.find((v) => v.code === 'A-D007')).toMatchObject({
      target: '2026-04-27',
      status: 'scheduled',
    });
    expect(
      visits.filter((v) => v.kind === 'arm_a_weekly').every((v) => v.status === 'scheduled'),
    ).toBe(true);
  });

  it('refuses a day 0 for an arm-B participant, and a participant without allocation, without retrying', async () => {
    const b = await randomised('B');
    await enqueueGeneration(b.id);
    await enqueueReanchor(b.id, '2026-04-20', 1);
    const nobody = await t.factory.participant('NL-AMS');
    await enqueueGeneration(nobody.id);
    await t.drainJobs();
    const failed = await followUpQueue().getFailed();
    const reasons = failed
      .filter((j) =>
        [b.id, nobody.id].includes((j.data as { participantId: string }).participantId),
      )
      .map((j) => j.failedReason);
    expect(reasons.sort()).toEqual([
      'Only arm-A participants have a transplant day 0',
      'The participant has no allocation, so no visit schedule',
    ]);
    expect(failed.every((j) => j.attemptsMade <= 1)).toBe(true);
    expect(await rows(nobody.id)).toEqual([]);
    expect((await rows(b.id)).filter((v) => v.kind === 'arm_a_weekly')).toEqual([]);
  });
});
