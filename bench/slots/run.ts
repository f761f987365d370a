/**
 * Transplant-slot booking under contention for ONE centre (issue 6).
 *
 * `concurrency` workers call BookingEngineService.bookForParticipant (the code the
 * `scheduling.book-slot` job runs: centre row lock, quarter usage, insert, capacity trigger, audit
 * chain, outbox) for arm-A participants of one centre, on a scratch database created and migrated
 * for this run. Beside it, in the same run on the same server, two baselines at the same client
 * count: a raw `UPDATE counter … RETURNING` transaction through pg (one hot row, the same shape of
 * contention), and pgbench TPC-B-like. Then it checks that no quarter went over capacity and that
 * places follow randomisation order.
 *
 *   node -r ts-node/register/transpile-only bench/slots/run.ts
 *   BENCH_DATABASE_URL=postgres://… BENCH_SLOTS_N=600 BENCH_SLOTS_LEVELS=8,32 (optional)
 *
 * Prints a table and writes bench/results/slots.json.
 */
import { Test } from '@nestjs/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { Clock, FixedClock } from 'src/common/clock/clock';
import { APP_CONFIG, AppConfig, loadConfig } from 'src/config/app-config';
import { CoreModule } from 'src/core.module';
import { prepareDatabase } from 'src/cli/prepare';
import { SchedulingModule } from 'src/modules/scheduling/scheduling.module';
import { BookingEngineService } from 'src/modules/scheduling/booking-engine.service';
import { pgbenchTps } from '../lib/pgbench';
import { printTable, runLoad, type LoadResult } from '../lib/load';
import { figure, type Figure } from '../lib/result';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Study ids have four digits: at most 999 participants per run, 9 runs in all. */
const N = Math.min(999, Number(process.env.BENCH_SLOTS_N ?? 600));
const LEVELS = (process.env.BENCH_SLOTS_LEVELS ?? '8,32').split(',').map(Number);
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 5);
/** Runs per level; the table shows the median run. */
const REPEAT = Math.max(1, Number(process.env.BENCH_SLOTS_REPEAT ?? 3));
/** Places per quarter at the bench centre: enough that N bookings fit in the 12-quarter horizon. */
const CAPACITY = 100;

type Level = {
  concurrency: number;
  bookings: number;
  calls: number;
  seconds: number;
  bookingsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  counterTps: number;
  pgbenchTps: number | null;
  overCapacityQuarters: number;
  outOfOrder: number;
  /** CPU time of this Node process per booking (application side: TypeORM, pg, luxon, audit). */
  nodeCpuMsPerBooking: number;
  runs: {
    bookingsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    counterTps: number;
    nodeCpuMsPerBooking: number;
  }[];
};

const dbUrl = (name: string) => {
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return u.toString();
};

async function counterBaseline(pool: Pool, n: number, concurrency: number): Promise<LoadResult> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, n bigint NOT NULL)`,
  );
  await pool.query(`INSERT INTO bench_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0`);
  return runLoad(n, concurrency, async () => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n`);
      await c.query('COMMIT');
      return 200;
    } catch {
      await c.query('ROLLBACK').catch(() => undefined);
      return 500;
    } finally {
      c.release();
    }
  });
}

async function main(): Promise<void> {
  const name = `bench_slots_${randomBytes(4).toString('hex')}`;
  const config: AppConfig = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl(name),
    // The application's default pool unless BENCH_POOL_SIZE says otherwise.
    ...(process.env.BENCH_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}),
    REDIS_URL: REDIS,
    QUEUE_PREFIX: `bench:${name}`,
    LOG_LEVEL: 'silent',
    BCRYPT_ROUNDS: '4',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0002',
    MIGRATE_ON_START: 'false',
  });
  process.stdout.write(`scratch database ${name} on ${new URL(SERVER).host}; migrating…\n`);
  await prepareDatabase(config);
  const clock = new FixedClock(new Date('2030-01-10T10:00:00Z'));
  const moduleRef = await Test.createTestingModule({ imports: [CoreModule, SchedulingModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const scheduling = app.get(BookingEngineService);
  const db = new Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  const results: Level[] = [];
  try {
    const {
      rows: [centre],
    } = await db.query(`SELECT id, trial_id FROM sites WHERE country_code = 'NL' AND code = 'AMS'`);
    await db.query(`UPDATE sites SET default_quarterly_capacity = $2 WHERE id = $1`, [
      centre.id,
      CAPACITY,
    ]);
    const {
      rows: [{ version: pgVersion }],
    } = await db.query(`SELECT current_setting('server_version') AS version`);

    let window = 0;
    for (const concurrency of LEVELS) {
      const runs: { load: LoadResult; bookings: number; counter: LoadResult; nodeCpuMs: number }[] =
        [];
      let overCapacityQuarters = 0;
      let outOfOrder = 0;
      // Booking runs and counter runs alternate, so both see the same load on this shared machine.
      for (let rep = 0; rep < REPEAT; rep++, window++) {
        // Each run in its own years, so earlier runs never take its places.
        const year = 2030 + window * 4;
        const randomisedAt = Date.parse(`${year}-01-10T09:00:00Z`);
        clock.set(`${year}-01-10T10:00:00Z`);
        const { rows: people } = await db.query(
          `WITH p AS (
             INSERT INTO participants (trial_id, site_id, study_id, status)
             SELECT $1, $2, 'NL-AMS-' || lpad((($4::int * 1000) + g)::text, 4, '0'), 'randomised' FROM generate_series(1, $3::int) g
             RETURNING id, study_id)
           SELECT id FROM p ORDER BY study_id`,
          [centre.trial_id, centre.id, N, window],
        );
        const ids: string[] = people.map((p: { id: string }) => p.id);
        await db.query(
          `INSERT INTO allocations (participant_id, trial_id, site_id, stratum_key, sequence_number, block_index,
             position_in_block, block_size, arm, randomised_at, criteria_set_id)
           SELECT x.id, $2, $3, 'NL', $4::int + x.n, 0, 1, 2, 'A', $5::timestamptz + (x.n - 1) * interval '1 second', 'bench'
           FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)`,
          [ids, centre.trial_id, centre.id, window * N, new Date(randomisedAt)],
        );
        const count = async () =>
          Number((await db.query(`SELECT count(*) AS n FROM transplant_bookings`)).rows[0].n);
        const before = await count();
        const cpu = process.cpuUsage();
        const load = await runLoad(N, concurrency, async (i) => {
          await scheduling.bookForParticipant(ids[i]);
          return 200;
        });
        const used = process.cpuUsage(cpu);
        const bookings = (await count()) - before;
        const over = await db.query(
          `SELECT b.quarter FROM transplant_bookings b JOIN sites s ON s.id = b.centre_id
           LEFT JOIN transplant_capacities tc ON tc.centre_id = b.centre_id AND tc.quarter = b.quarter
           WHERE b.status IN ('booked', 'done') GROUP BY b.centre_id, b.quarter, tc.capacity, s.default_quarterly_capacity
           HAVING count(*) > COALESCE(tc.capacity, s.default_quarterly_capacity)`,
        );
        const order = await db.query(
          `SELECT count(*)::int AS n FROM (
             SELECT b.quarter, lag(b.quarter) OVER (ORDER BY a.randomised_at, a.participant_id) AS prev
             FROM transplant_bookings b JOIN allocations a ON a.participant_id = b.participant_id
             WHERE b.participant_id = ANY($1::uuid[]) AND b.status = 'booked') x
           WHERE prev > quarter`,
          [ids],
        );
        overCapacityQuarters += over.rowCount ?? 0;
        outOfOrder += order.rows[0].n as number;
        const pool = new Pool({ connectionString: config.DATABASE_URL, max: concurrency });
        const counter = await counterBaseline(pool, N * 4, concurrency);
        await pool.end();
        runs.push({ load, bookings, counter, nodeCpuMs: (used.user + used.system) / 1000 / N });
      }
      let pgbench: number | null = null;
      try {
        pgbench = await pgbenchTps(SERVER, concurrency, PGBENCH_SECONDS);
      } catch (error) {
        process.stdout.write(`pgbench skipped: ${(error as Error).message.split('\n')[0]}\n`);
      }
      const byRate = [...runs].sort(
        (a, b) => a.bookings / a.load.seconds - b.bookings / b.load.seconds,
      );
      const median = byRate[Math.floor(byRate.length / 2)];
      const counterRates = runs.map((r) => r.counter.perSecond).sort((a, b) => a - b);
      results.push({
        concurrency,
        bookings: median.bookings,
        calls: median.load.requests,
        seconds: median.load.seconds,
        bookingsPerSecond: median.bookings / median.load.seconds,
        p50Ms: median.load.p50Ms,
        p99Ms: median.load.p99Ms,
        errors: runs.reduce((n, r) => n + r.load.errors, 0),
        counterTps: counterRates[Math.floor(counterRates.length / 2)],
        pgbenchTps: pgbench,
        overCapacityQuarters,
        outOfOrder,
        runs: runs.map((r) => ({
          bookingsPerSecond: r.bookings / r.load.seconds,
          p50Ms: r.load.p50Ms,
          p99Ms: r.load.p99Ms,
          counterTps: r.counter.perSecond,
          nodeCpuMsPerBooking: r.nodeCpuMs,
        })),
        nodeCpuMsPerBooking: median.nodeCpuMs,
      });
    }

    printTable(
      `Transplant-slot bookings, one centre (${N} arm-A bookings per run, median of ${REPEAT} runs, pool ${config.DATABASE_POOL_SIZE}, ${cpus().length} CPUs, PostgreSQL ${pgVersion}, load ${loadavg()[0].toFixed(1)})`,
      [
        'workers',
        'bookings/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'counter UPDATE tx/s',
        'pgbench tps',
        'booking / counter',
        'node CPU ms/booking',
        'over capacity',
        'out of order',
      ],
      results.map((r) => [
        r.concurrency,
        r.bookingsPerSecond,
        r.p50Ms,
        r.p99Ms,
        r.errors,
        r.counterTps,
        r.pgbenchTps ?? 'n/a',
        `${((100 * r.bookingsPerSecond) / r.counterTps).toFixed(1)}%`,
        r.nodeCpuMsPerBooking,
        r.overCapacityQuarters,
        r.outOfOrder,
      ]),
    );
    // Uniform figures for bench/run-all.ts (bench/lib/result.ts).
    const figures: Figure[] = results.flatMap((r) => {
      const at = `${r.concurrency} workers, one centre`;
      const counter = `hot-row UPDATE tx, ${r.concurrency} clients`;
      return [
        figure({
          measure: 'slot booking under contention',
          at,
          value: r.bookingsPerSecond,
          unit: 'bookings/s',
          baseline: counter,
          baselineValue: r.counterTps,
          baselineUnit: 'tx/s',
          better: 'higher',
        }),
        ...(r.pgbenchTps === null
          ? []
          : [
              figure({
                measure: 'slot booking under contention',
                at,
                value: r.bookingsPerSecond,
                unit: 'bookings/s',
                baseline: `pgbench TPC-B-like, ${r.concurrency} clients`,
                baselineValue: r.pgbenchTps,
                baselineUnit: 'tx/s',
                better: 'higher',
              }),
            ]),
      ];
    });
    const out = join(__dirname, '..', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'slots.json'),
      `${JSON.stringify(
        {
          name: 'slots',
          benchmark: 'transplant-slot bookings under contention for one centre',
          measuredAt: new Date().toISOString(),
          figures,
          machine: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model ?? null,
            node: process.version,
            postgres: pgVersion,
          },
          bookingsPerRun: N,
          runsPerLevel: REPEAT,
          loadAverageAtEnd: loadavg(),
          poolSize: config.DATABASE_POOL_SIZE,
          capacityPerQuarter: CAPACITY,
          baseline:
            'same run, same server, same client count, alternating with the booking runs: BEGIN; UPDATE bench_counter SET n = n + 1 WHERE id = 1 RETURNING n; COMMIT (4×N transactions); and pgbench -b tpcb-like -s 1 once per level',
          levels: results,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`\nwritten ${join(out, 'slots.json')}\n`);
    const bad = results.filter(
      (r) => r.overCapacityQuarters > 0 || r.outOfOrder > 0 || r.errors > 0 || r.bookings !== N,
    );
    if (bad.length > 0) {
      process.stdout.write(`INVARIANT VIOLATED: ${JSON.stringify(bad)}\n`);
      process.exitCode = 1;
    }
  } finally {
    await db.end();
    await app.close();
    const admin = new Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${config.QUEUE_PREFIX}:*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length) {
          await redis.del(...keys);
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
