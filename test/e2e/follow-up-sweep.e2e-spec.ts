import Queue from 'bull';
import type { Queue as BullQueue } from 'bull';
import { QueueName } from 'src/common/queue/queues';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { FollowUpSweepScheduler } from 'src/modules/follow-up/follow-up-sweep.scheduler';
import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { SweepJob } from 'src/modules/follow-up/follow-up.jobs';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { OutboxRelay } from 'src/kernel/outbox/outbox.relay';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

// Randomised 2026-03-28T23:30Z at Amsterdam: W012 targets 2026-06-21, window 2026-06-07 … 2026-07-05.
const RANDOMISED = '2026-03-28T23:30:00Z';

type Note = { user_id: string; kind: string; subject: string; body: string; dedupe_key: string };

describe('follow-up: the reminder, overdue and missed sweep with a controlled clock (e2e)', () => {
  let t: TestApp;
  let staff: TestUser;
  let coordinator: TestUser;
  let assessor: TestUser;
  let elsewhere: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-05-20T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    elsewhere = await t.factory.user('site_staff', { sites: ['NO-BER'] });
  });
  afterAll(() => t.close());

  const clock = () => {
    if (!t.clock) {
      throw new Error('fixed clock expected');
    }
    return t.clock;
  };

  async function participant(arm: 'A' | 'B' = 'B', day0?: string) {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, arm, RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    if (day0) {
      await t.app.get(FollowUpService).reanchor(p.id, day0);
    }
    return p;
  }

  const visitId = async (participantId: string, code: string): Promise<string> => {
    const [v]: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = $2`,
      [participantId, code],
    );
    return v.id;
  };

  const status = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT status, missed_on::text AS "missedOn" FROM visits WHERE id = $1`,
        [id],
      )
    )[0] as {
      status: string;
      missedOn: string | null;
    };

  /** Runs the sweep at `instant` (as the repeatable job would) and delivers what it enqueued. */
  async function sweepAt(instant: string, deliver = true) {
    clock().set(instant);
    const result = await t.app.get(FollowUpSweepService).sweep(clock().now());
    if (deliver) {
      await t.drainJobs();
    }
    return result;
  }

  const notes = async (id: string): Promise<Note[]> =>
    t.dataSource.query(
      `SELECT user_id, kind, subject, body, dedupe_key FROM notifications WHERE data->>'visitId' = $1 ORDER BY created_at, kind, user_id`,
      [id],
    );
  const kindsFor = async (id: string, user: TestUser) =>
    (await notes(id)).filter((n) => n.user_id === user.id).map((n) => n.kind);

  it('[REQ-VISIT-003] creates each reminder once, on the right site-local day, even when the sweep runs twice', async () => {
    const p = await participant();
    const w012 = await visitId(p.id, 'W012');

    await sweepAt('2026-05-23T21:59:00Z'); // 23:59 in Amsterdam on the 23rd: 15 days before the window
    expect(await notes(w012)).toEqual([]);

    await sweepAt('2026-05-23T22:00:00Z'); // 00:00 on the 24th in Amsterdam (still the 23rd in UTC)
    expect(await kindsFor(w012, staff)).toEqual(['follow-up.window_opens_14d']);
    await sweepAt('2026-05-23T22:00:00Z'); // the same tick again (a second worker, a retry)
    await sweepAt('2026-05-24T15:00:00Z'); // and the hourly ticks later that day
    for (const user of [staff, coordinator, assessor]) {
      expect(await kindsFor(w012, user)).toEqual(['follow-up.window_opens_14d']);
    }
    expect(await kindsFor(w012, elsewhere)).toEqual([]);
    const [note] = (await notes(w012)).filter((n) => n.user_id === staff.id);
    expect(note.subject).toBe(`${p.studyId} W012: window opens 2026-06-07`);
    expect(note.body).toContain('Target date 2026-06-21; window 2026-06-07 to 2026-07-05.');
    expect(note.dedupe_key).toBe(`follow-up:window_opens_14d:${w012}:2026-06-07`);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox WHERE dedupe_key = $1`,
      [note.dedupe_key],
    );
    expect(n).toBe(1);
    const [{ f }] = await t.dataSource.query(
      `SELECT count(*)::int AS f FROM follow_up_findings WHERE visit_id = $1`,
      [w012],
    );
    expect(f).toBe(1);

    await sweepAt('2026-06-03T12:00:00Z');
    expect(await kindsFor(w012, staff)).toEqual(['follow-up.window_opens_14d']);
    await sweepAt('2026-06-04T06:00:00Z');
    await sweepAt('2026-06-04T07:00:00Z');
    expect(await kindsFor(w012, staff)).toEqual([
      'follow-up.window_opens_14d',
      'follow-up.window_opens_3d',
    ]);

    // The unread count of the inbox shows them.
    const unread = await t.http().get('/notifications/unread-count').set(bearer(staff)).expect(200);
    expect(unread.body.unread).toBeGreaterThanOrEqual(2);
  });

  it('[REQ-VISIT-003] reports overdue from the day after the target date and missed from the day after the window closes', async () => {
    const p = await participant();
    const w012 = await visitId(p.id, 'W012');
    const w000 = await visitId(p.id, 'W000');

    // W000 (window 03-29 … 04-12) closed long ago without data: the first sweep marks it missed.
    const first = await sweepAt('2026-06-21T12:00:00Z'); // W012 target day: not overdue yet
    expect(await status(w000)).toEqual({ status: 'missed', missedOn: '2026-06-21' });
    expect(first.counts.markedMissed).toBeGreaterThanOrEqual(1);
    expect(await kindsFor(w012, staff)).not.toContain('follow-up.overdue');

    await sweepAt('2026-06-21T22:00:00Z'); // 00:00 on 06-22 in Amsterdam
    expect(await kindsFor(w012, staff)).toContain('follow-up.overdue');
    await sweepAt('2026-06-22T09:00:00Z');
    expect((await kindsFor(w012, staff)).filter((k) => k === 'follow-up.overdue')).toHaveLength(1);
    expect(await status(w012)).toEqual({ status: 'scheduled', missedOn: null });

    await sweepAt('2026-07-01T12:00:00Z');
    expect(await kindsFor(w012, staff)).not.toContain('follow-up.window_closes_3d');
    await sweepAt('2026-07-02T12:00:00Z');
    expect(await kindsFor(w012, staff)).toContain('follow-up.window_closes_3d');

    await sweepAt('2026-07-05T21:59:00Z'); // last minute of the window in Amsterdam
    expect(await status(w012)).toEqual({ status: 'scheduled', missedOn: null });
    expect(await kindsFor(w012, staff)).not.toContain('follow-up.missed');

    await sweepAt('2026-07-05T22:00:00Z'); // 07-06 in Amsterdam
    expect((await status(w012)).status).toBe('missed');
    await sweepAt('2026-07-06T10:00:00Z');
    expect(await status(w012)).toEqual({ status: 'missed', missedOn: '2026-07-06' });
    expect((await kindsFor(w012, staff)).filter((k) => k === 'follow-up.missed')).toHaveLength(1);
    expect(
      await t.factory.auditRows({ action: 'follow-up.visit_missed', entityId: w012 }),
    ).toHaveLength(1);

    // The missed visit can still be logged late: it becomes logged with a deviation.
    await t
      .http()
      .post(`/follow-up/visits/${w012}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-07-06', relapseAssessment: { newRelapse: false } })
      .expect(200);
    expect((await status(w012)).status).toBe('logged');
  });

  it('a withdrawn participant gets no more reminders, and reminders already queued are dropped; data stay', async () => {
    clock().set('2026-05-01T10:00:00Z');
    const withdrawn = await participant();
    const queued = await participant();
    for (const p of [withdrawn, queued]) {
      await t
        .http()
        .post(`/follow-up/visits/${await visitId(p.id, 'W000')}/log`)
        .set(bearer(staff))
        .send({ visitDate: '2026-04-02', relapseAssessment: { newRelapse: false } })
        .expect(200);
    }

    // The participants module withdraws the participant and cancels the rest, in its transaction.
    const tx = t.app.get(TransactionRunner);
    const result = await tx.run((uow) =>
      t.app.get(FollowUpService).cancelRemaining(uow, withdrawn.id, 'withdrawn: consent withdrawn'),
    );
    expect(result.cancelled).toBe(8);
    const rows: { code: string; status: string }[] = await t.dataSource.query(
      `SELECT code, status FROM visits WHERE participant_id = $1 ORDER BY code`,
      [withdrawn.id],
    );
    expect(rows.find((r) => r.code === 'W000')?.status).toBe('logged');
    expect(rows.filter((r) => r.code !== 'W000').every((r) => r.status === 'cancelled')).toBe(true);
    expect(
      await t.factory.auditRows({ action: 'follow-up.visits_cancelled', entityId: withdrawn.id }),
    ).toHaveLength(1);

    // The other participant's reminder is found and queued, then the participant is withdrawn before delivery.
    const queuedW012 = await visitId(queued.id, 'W012');
    const notifications = t.queues.find((q) => q.name === QueueName.Notifications) as BullQueue;
    await notifications.pause(true); // this worker stops taking jobs: the notice waits in Redis
    try {
      await sweepAt('2026-05-24T10:00:00Z', false);
      await t.app.get(OutboxRelay).drain();
      const waiting = await notifications.getWaiting();
      expect(waiting.some((j) => (j.data as { visitId?: string }).visitId === queuedW012)).toBe(
        true,
      );
      await tx.run((uow) => t.app.get(FollowUpService).cancelRemaining(uow, queued.id, 'died'));
    } finally {
      await notifications.resume(true);
    }
    await t.drainJobs();
    expect(await notes(queuedW012)).toEqual([]);

    // And later sweeps find nothing for either.
    for (const at of ['2026-06-04T10:00:00Z', '2026-06-22T10:00:00Z', '2026-07-06T10:00:00Z']) {
      await sweepAt(at);
    }
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE data->>'participantId' = ANY($1::text[])`,
      [[withdrawn.id, queued.id]],
    );
    expect(n).toBe(0);
    // A generation job arriving late creates nothing.
    const late = await t.app.get(FollowUpService).generateSchedule(withdrawn.id);
    expect(late.status).toBe('cancelled');
  });

  it('[REQ-BLIND-004] never tells a blinded assessor about an arm-A visit', async () => {
    clock().set('2026-04-01T10:00:00Z');
    const p = await participant('A', '2026-05-01');
    const armA = await visitId(p.id, 'A-D007'); // target 05-08, window 05-06 … 05-10
    await sweepAt('2026-04-22T10:00:00Z'); // window opens in 14 days
    expect(await kindsFor(armA, staff)).toEqual(['follow-up.window_opens_14d']);
    expect(await kindsFor(armA, coordinator)).toEqual(['follow-up.window_opens_14d']);
    expect(await kindsFor(armA, assessor)).toEqual([]);
    const inbox = await t.http().get('/notifications').set(bearer(assessor)).expect(200);
    // Ids are random hex: '…a-d124…' is not a visit code, so they are masked before the check.
    const text = JSON.stringify(inbox.body).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
      '<id>',
    );
    expect(text).not.toMatch(/\bA-D\d{3}\b|transplant|\barm/i);
  });

  it('registers the repeatable sweep once however many workers register it, and the job runs the sweep', async () => {
    const scheduler = t.app.get(FollowUpSweepScheduler);
    const queue = t.queues.find((q) => q.name === QueueName.FollowUp) as BullQueue;
    // A second "worker": another Bull connection on the same prefix.
    const other = new Queue(QueueName.FollowUp, t.config.REDIS_URL, {
      prefix: t.config.QUEUE_PREFIX,
    });
    try {
      await scheduler.register();
      await scheduler.register();
      await other.add(SweepJob.name, {}, { repeat: scheduler.repeat(), jobId: 'follow-up.sweep' });
      const repeatable = (await other.getRepeatableJobs()).filter((j) => j.name === SweepJob.name);
      expect(repeatable).toHaveLength(1);
      expect(Number(repeatable[0].every)).toBe(3_600_000);
      const delayed = (await queue.getDelayed()).filter((j) => j.name === SweepJob.name);
      expect(delayed).toHaveLength(1); // one next tick, not one per registration
    } finally {
      await scheduler.unregister();
      for (const j of await queue.getDelayed()) {
        if (j.name === SweepJob.name) {
          await j.remove();
        }
      }
      await other.close();
    }

    clock().set('2026-08-01T10:00:00Z');
    const [{ before }] = await t.dataSource.query(
      `SELECT count(*)::int AS before FROM follow_up_sweep_runs`,
    );
    await queue.add(SweepJob.name, {}, { jobId: 'manual-tick' });
    await t.drainJobs();
    const runs: { job_id: string; swept_at: Date; site_dates: Record<string, string> }[] =
      await t.dataSource.query(
        `SELECT job_id, swept_at, site_dates FROM follow_up_sweep_runs ORDER BY id`,
      );
    expect(runs.length).toBe(before + 1);
    expect(runs[runs.length - 1]).toMatchObject({
      job_id: 'manual-tick',
      site_dates: { 'Europe/Amsterdam': '2026-08-01' },
    });
  });
});
