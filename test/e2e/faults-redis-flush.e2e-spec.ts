import type { Queue } from 'bull';
import Redis from 'ioredis';
import type { FixedClock } from 'src/common/clock/clock';
import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { NotifyFindingJob, ReanchorJob, SweepJob } from 'src/modules/follow-up/follow-up.jobs';
import { FillCentreJob, SchedulingNoticeJob } from 'src/modules/scheduling/scheduling.jobs';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { jobEffectProblems } from '../harness/invariants';
import { consentedParticipant, PATHWAY_NOW, pool } from '../harness/pathway';
import { NodeProcess, spawnNode, waitFor, waitForOutput } from '../harness/processes';
import { OwnRedis, startOwnRedis } from '../harness/redis';

/**
 * Redis comes back empty (FLUSHALL; a restart without persistence) after the relay had handed
 * jobs to Bull: their outbox rows are marked sent, so the relay alone would never send them again.
 * The worker's outbox reconciliation re-relays them (at its start, and when Redis is ready again
 * after a disconnect) and re-registers the repeatable follow-up sweep: every randomised participant
 * gets one schedule, every arm-A participant one booking, without a worker restart. Jobs written
 * by later changes are re-sent too when their effect is missing: a re-anchor on a recorded
 * transplant day 0, a centre fill after its capacity was raised, a booking notice, the notices of
 * sweep findings; each effect exists once.
 *
 * This file runs its own redis-server, so flushing and restarting it disturbs no other test file.
 * The worker is a child process running the real WorkerModule (test/harness/worker-process.ts);
 * its periodic pass is set far apart, so what this test sees comes from the start and the
 * reconnect.
 */
describe('Redis coming back empty (e2e)', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let worker: NodeProcess | null = null;
  let coordinator: TestUser;
  let investigator: TestUser;
  let ams: string;
  let admin: TestUser;
  let staff: TestUser;

  beforeAll(async () => {
    redis = await startOwnRedis();
    // The API side only (no processors): its relay hands the jobs to Bull, nothing runs them.
    t = await createTestApp({ worker: false, now: PATHWAY_NOW, env: { REDIS_URL: redis.url } });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    admin = await t.factory.user('admin');
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    // No transplant place at the centre: every arm-A participant is waitlisted (and flagged for the
    // wait review) until places are given later in the test.
    await t
      .http()
      .patch(`/sites/${ams}`)
      .set(bearer(admin))
      .send({ defaultQuarterlyCapacity: 0, reason: 'ward closed' })
      .expect(200);
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
  }, 60_000);

  afterAll(async () => {
    await worker?.kill();
    await t.close();
    await redis.stop();
  });

  const followUpQueue = () => t.queues.find((q) => q.name === SweepJob.queue) as Queue;
  const sweepRegistered = async () =>
    (await followUpQueue().getRepeatableJobs()).some((j) => j.name === SweepJob.name);
  const clock = () => t.clock as FixedClock;
  const unsentCount = async () =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`))[0]
      .n as number;

  /** Randomises `n` participants; returns them by arm. */
  const randomiseSome = async (n: number) => {
    const ids = await pool(n, 2, () =>
      consentedParticipant(t, { coordinator, investigator, siteId: ams }),
    );
    const arms = new Map<string, string>();
    for (const id of ids) {
      const res = await t
        .http()
        .post(`/participants/${id}/randomization`)
        .set(bearer(investigator))
        .expect(201);
      arms.set(id, res.body.arm as string);
    }
    // The API relayed every job after commit.
    await waitFor('the outbox to be relayed', async () => (await unsentCount()) === 0, 30_000);
    return { ids, armA: ids.filter((id) => arms.get(id) === 'A') };
  };

  const jobsInRedis = async () => {
    const counts = await Promise.all(t.queues.map((q) => q.getJobCounts()));
    return counts.reduce(
      (sum, c) => sum + c.waiting + c.active + c.delayed + c.completed + c.failed,
      0,
    );
  };
  const effects = async (ids: string[]) => {
    const [{ schedules, bookings }]: { schedules: number; bookings: number }[] =
      await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM follow_up_schedules WHERE participant_id = ANY($1::uuid[]) AND generated_at IS NOT NULL) AS schedules,
                (SELECT count(*)::int FROM transplant_bookings WHERE participant_id = ANY($1::uuid[])) AS bookings`,
        [ids],
      );
    return { schedules, bookings };
  };

  const bookingsOf = (ids: string[]) =>
    t.dataSource.query(
      `SELECT id, participant_id, status, quarter, centre_id FROM transplant_bookings
       WHERE participant_id = ANY($1::uuid[]) ORDER BY randomised_at, id`,
      [ids],
    ) as Promise<
      {
        id: string;
        participant_id: string;
        status: string;
        quarter: string | null;
        centre_id: string;
      }[]
    >;
  /** The inbox dedupe keys the outbox rows of a job stand for (`scheduling.notify`: its notice's). */
  const outboxIds = async (jobName: string): Promise<string[]> => {
    const rows: { payload: Record<string, string> }[] = await t.dataSource.query(
      `SELECT payload FROM outbox WHERE job_name = $1 ORDER BY id`,
      [jobName],
    );
    return rows.map(({ payload: p }) =>
      jobName === NotifyFindingJob.name
        ? p.findingId
        : jobName === SchedulingNoticeJob.name
          ? `scheduling.${p.kind}:${p.bookingId}:${p.ref}`
          : JSON.stringify(p),
    );
  };
  /** How many inboxes hold the message with this dedupe key. */
  const inboxCount = async (key: string): Promise<number> =>
    (
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM notifications WHERE dedupe_key = $1`,
        [key],
      )
    )[0].n as number;

  it('re-relays the lost jobs at the worker start and on reconnect; every effect exists exactly once; the sweep is registered again', async () => {
    // 1. Jobs relayed to Bull, not run (no worker yet); then Redis loses them.
    // (8: at least 2 arm-A whatever the block sizes, so one is still waiting after step 3.)
    const first = await randomiseSome(8);
    expect(first.armA.length).toBeGreaterThan(1);
    // (+ the centre fill written with the capacity change.)
    expect(await jobsInRedis()).toBe(first.ids.length + first.armA.length + 1);
    const flusher = new Redis(redis.url);
    try {
      await flusher.flushall();
    } finally {
      flusher.disconnect();
    }
    expect(await jobsInRedis()).toBe(0);
    expect(await unsentCount()).toBe(0);
    expect(await effects(first.ids)).toEqual({ schedules: 0, bookings: 0 });

    // 2. The worker starts: its first reconciliation pass re-sends exactly the lost jobs.
    worker = spawnNode('worker', 'test/harness/worker-process.ts', {
      NODE_ENV: 'test',
      DATABASE_URL: t.config.DATABASE_URL,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      JWT_SECRET: t.config.JWT_SECRET,
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'false',
      OUTBOX_POLL_MS: '100',
      OUTBOX_RECONCILE_EVERY_MS: '86400000',
      // The test's clock is fixed at PATHWAY_NOW, the worker's is the real one.
      OUTBOX_RECONCILE_WINDOW_DAYS: '3650',
      FOLLOW_UP_SWEEP: 'true',
      // Registered, but never due while the test runs.
      FOLLOW_UP_SWEEP_CRON: '0 0 1 1 *',
    });
    await waitForOutput(worker, 'test worker ready');
    // (Fewer than all when a re-sent job's effect makes another's: a booking re-anchors the
    // schedule, so that participant's generation is no longer missing.)
    await waitForOutput(worker, /re-relayed [1-9]\d* job\(s\) Redis had lost/, 60_000);
    await waitFor(
      'every schedule and booking',
      async () => {
        const e = await effects(first.ids);
        return e.schedules === first.ids.length && e.bookings === first.armA.length;
      },
      60_000,
      200,
    );
    expect(await jobEffectProblems(t.dataSource)).toEqual([]);
    expect(await sweepRegistered()).toBe(true);

    // 3. With the worker running: jobs wait in paused queues, and Redis restarts empty (which also
    // drops the pause). On reconnect the worker re-sends them and registers the sweep again.
    const waiting = await bookingsOf(first.armA);
    expect(waiting.every((b) => b.status === 'waitlisted' && b.centre_id === ams)).toBe(true);
    const noticesBefore = await outboxIds(SchedulingNoticeJob.name);
    await Promise.all(t.queues.map((q) => q.pause()));
    const second = await randomiseSome(4);
    expect(await effects(second.ids)).toEqual({ schedules: 0, bookings: 0 });
    // The sweep's findings of the first participants' visits (three months on, overdue and missed
    // ones): one notice job each.
    clock().set('2026-06-01T09:00:00Z');
    const sweep = await t.app.get(FollowUpSweepService).sweep(clock().now());
    expect(sweep.counts.enqueued).toBeGreaterThan(0);
    // A place in 2027-Q3: the longest-waiting participant moves in at once (a booking notice job).
    await t
      .http()
      .put(`/sites/${ams}/capacity/2027-Q3`)
      .set(bearer(admin))
      .send({ capacity: 1 })
      .expect(200);
    const [moved] = await bookingsOf([waiting[0].participant_id]);
    expect(moved).toMatchObject({ status: 'booked', quarter: '2027-Q3' });
    // Its transplant day 0 is recorded: a re-anchor job.
    clock().set('2027-07-20T09:00:00Z');
    await t
      .http()
      .put(`/scheduling/bookings/${moved.id}/phases/reinfusion`)
      .set(bearer(staff))
      .send({ outcome: 'done', actualStart: '2027-07-10' })
      .expect(200);
    // The default capacity raised: a fill job gives the others a place.
    await t
      .http()
      .patch(`/sites/${ams}`)
      .set(bearer(admin))
      .send({ defaultQuarterlyCapacity: 2, reason: 'ward open again' })
      .expect(200);
    await waitFor('the outbox to be relayed', async () => (await unsentCount()) === 0, 30_000);
    const lostFindings = await outboxIds(NotifyFindingJob.name);
    const lostNotices = (await outboxIds(SchedulingNoticeJob.name)).filter(
      (k) => !noticesBefore.includes(k),
    );
    expect(lostNotices).toHaveLength(1);
    expect(await outboxIds(ReanchorJob.name)).toHaveLength(1);
    expect((await outboxIds(FillCentreJob.name)).length).toBe(2);

    await redis.restartEmpty();
    await waitFor('the sweep to be registered again', sweepRegistered, 60_000, 200);
    const all = [...first.ids, ...second.ids];
    const armA = [...first.armA, ...second.armA];
    // (The reconciliation pass re-sends the rows one by one: wait for the last effects too.)
    const day0Followed = async () =>
      (
        await t.dataSource.query(
          `SELECT transplant_day0::text AS day0 FROM follow_up_schedules WHERE participant_id = $1`,
          [moved.participant_id],
        )
      )[0]?.day0 === '2027-07-10';
    const undelivered = async () => {
      const keys: string[] = [];
      for (const key of [...lostNotices, ...lostFindings]) {
        if ((await inboxCount(key)) === 0) {
          keys.push(key);
        }
      }
      return keys;
    };
    await waitFor(
      'every schedule, booking, re-anchor, fill and notice after the restart',
      async () => {
        const e = await effects(all);
        return (
          e.schedules === all.length &&
          e.bookings === armA.length &&
          (await day0Followed()) &&
          (await bookingsOf(armA)).every((b) => b.status !== 'waitlisted') &&
          (await undelivered()).length === 0
        );
      },
      60_000,
      200,
    );
    expect(worker.output()).toContain('Redis is ready again: reconciling the outbox');
    expect(worker.child.exitCode).toBeNull();

    // Exactly once: one generated schedule (one generation audited) and one live booking each,
    // no visit twice, no failed job.
    await waitFor('the queues to be idle', async () => {
      const counts = await Promise.all(t.queues.map((q) => q.getJobCounts()));
      // (The sweep's next tick is a delayed job; any other is a retry still to come.)
      const delayed = counts.reduce((sum, c) => sum + c.delayed, 0);
      return counts.every((c) => c.waiting + c.active === 0) && delayed <= 1;
    });
    expect(await jobEffectProblems(t.dataSource)).toEqual([]);
    const failed = await Promise.all(t.queues.map((q) => q.getJobCounts()));
    expect(failed.map((c) => c.failed)).toEqual(t.queues.map(() => 0));

    // The lost re-anchor: the schedule follows the recorded day 0, with its weekly arm-A visits.
    const [schedule]: { day0: string | null; weekly: number }[] = await t.dataSource.query(
      `SELECT s.transplant_day0::text AS day0,
              (SELECT count(*)::int FROM visits v WHERE v.participant_id = s.participant_id AND v.kind = 'arm_a_weekly') AS weekly
       FROM follow_up_schedules s WHERE s.participant_id = $1`,
      [moved.participant_id],
    );
    expect(schedule.day0).toBe('2027-07-10');
    expect(schedule.weekly).toBeGreaterThan(0);
    // The lost fill: nobody is waiting any more.
    const after = await bookingsOf(armA);
    expect(after.filter((b) => b.status === 'waitlisted')).toEqual([]);
    // The lost notices (booking notice, finding notices): in the inboxes (once per person: the
    // unique key), the booking notice to the coordinator and investigator.
    expect(await inboxCount(lostNotices[0])).toBe(2);
    expect(await undelivered()).toEqual([]);
  }, 300_000);
});
