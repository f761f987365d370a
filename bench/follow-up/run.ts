/**
 * Follow-up benchmark (issue 7): schedule generation for N participants, and the sweep over V open
 * (scheduled) visits with its Redis footprint, each beside a baseline measured in the same run:
 * a raw multi-row INSERT of the same rows, a sequential scan for the same selection, and the Redis
 * memory the rejected design (one delayed Bull job per visit) would need.
 *
 *   node -r ts-node/register/transpile-only bench/follow-up/run.ts [--participants=10000] [--visits=1000000]
 *   FOLLOW_UP_BENCH_PARTICIPANTS=2000 FOLLOW_UP_BENCH_VISITS=100000 node -r ts-node/register/transpile-only bench/follow-up/run.ts
 *
 * Runs on its own scratch database (created, migrated, seeded, dropped) on BENCH_DATABASE_URL's
 * server (default the local PostgreSQL) and its own Bull prefix on REDIS_URL. Writes
 * bench/results/follow-up.json and prints a table.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Queue from 'bull';
import Redis from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { figure, type Figure } from '../lib/result';

type Sizes = { participants: number; visits: number; concurrency: number };

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function sizes(): Sizes {
  const n = (v: string | undefined, d: number) =>
    v === undefined || v === '' ? d : Math.max(1, Math.floor(Number(v)));
  return {
    participants: n(arg('participants') ?? process.env.FOLLOW_UP_BENCH_PARTICIPANTS, 10_000),
    visits: n(arg('visits') ?? process.env.FOLLOW_UP_BENCH_VISITS, 1_000_000),
    concurrency: n(arg('concurrency') ?? process.env.FOLLOW_UP_BENCH_CONCURRENCY, 8),
  };
}

const serverUrl = (db: string): string => {
  const url = new URL(
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  url.pathname = `/${db}`;
  return url.toString();
};

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl('postgres') });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item);
      }
    }),
  );
}

async function redisMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    if (keys.length) {
      await redis.del(...keys);
    }
  } while (cursor !== '0');
}

const VISIT_COLUMNS = [
  'participant_id',
  'site_id',
  'code',
  'kind',
  'anchor',
  'offset_days',
  'label',
  'assessments',
  'is_primary',
  'is_endpoint',
  'mri_rebaseline',
  'template_id',
  'target_date',
  'window_start',
  'window_end',
  'status',
  'logged_date',
] as const;
type VisitTuple = unknown[];
const CASTS = [
  'uuid',
  'uuid',
  'text',
  'text',
  'text',
  'int',
  'text',
  'text[]',
  'boolean',
  'boolean',
  'boolean',
  'text',
  'date',
  'date',
  'date',
  'text',
  'date',
];

/** The raw multi-row INSERT: up to `perStatement` rows per statement, `concurrency` connections. */
async function rawInsert(
  ds: DataSource,
  table: string,
  rows: VisitTuple[],
  perStatement: number,
  concurrency: number,
): Promise<number> {
  const batches: VisitTuple[][] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    batches.push(rows.slice(i, i + perStatement));
  }
  const start = process.hrtime.bigint();
  await pool(batches, concurrency, async (batch) => {
    const values: unknown[] = [];
    const tuples = batch.map((r) => {
      const b = values.length;
      values.push(...r);
      return `(${r.map((_, i) => `$${b + i + 1}::${CASTS[i]}`).join(', ')})`;
    });
    await ds.query(
      `INSERT INTO ${table} (${VISIT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    );
  });
  return ms(start);
}

async function main(): Promise<void> {
  const size = sizes();
  const id = randomBytes(4).toString('hex');
  const dbName = `bench_follow_up_${id}`;
  const prefix = `bench-fu-${id}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.TZ = 'UTC';
  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: serverUrl(dbName),
    DATABASE_POOL_SIZE: String(Math.max(20, size.concurrency + 4)),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    MIGRATE_ON_START: 'false',
    FOLLOW_UP_SWEEP: 'false',
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `follow-up bench: ${size.participants} participants to generate, ${size.visits} open visits to sweep, concurrency ${size.concurrency}`,
  );

  // Loaded after the environment is set (the config module reads it once).
  const { createDataSource } = await import('src/database/data-source');
  const { seedRamMs } = await import('src/cli/ram-ms.seed');
  const { CoreModule } = await import('src/core.module');
  const { FollowUpModule } = await import('src/modules/follow-up/follow-up.module');
  const { FollowUpService } = await import('src/modules/follow-up/follow-up.service');
  const { FollowUpSweepService } = await import('src/modules/follow-up/follow-up-sweep.service');
  const { SweepRepository } = await import('src/modules/follow-up/sweep.repository');
  const { OutboxRelay } = await import('src/kernel/outbox/outbox.relay');
  const { buildSchedule, DEFAULT_VISIT_TEMPLATE, dueDates, todayInZone, SWEEP_FINDING_KINDS } =
    await import('src/modules/follow-up/calendar');

  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  const redis = new Redis(redisUrl);
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | null = null;
  try {
    const setup = createDataSource({ DATABASE_URL: serverUrl(dbName), DATABASE_POOL_SIZE: 4 });
    await setup.initialize();
    await setup.runMigrations({ transaction: 'each' });
    await setup.transaction((em) => seedRamMs(em));
    await setup.destroy();

    @Module({ imports: [CoreModule, FollowUpModule] })
    class BenchModule {}
    app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
    const ds = app.get<DataSource>((await import('typeorm')).DataSource);
    const followUp = app.get(FollowUpService);
    const sweeper = app.get(FollowUpSweepService);
    const relay = app.get(OutboxRelay);
    const now = new Date();

    // ---- 1. schedule generation ------------------------------------------------------------
    const sites: { id: string; time_zone: string }[] = await ds.query(
      `SELECT id, time_zone FROM sites ORDER BY code`,
    );
    if (size.participants > sites.length * 9999) {
      throw new Error(`at most ${sites.length * 9999} participants (study ids per site)`);
    }
    await ds.query(
      `WITH s AS (SELECT id, trial_id, country_code, code, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS n FROM sites),
       g AS (SELECT i, s.* FROM generate_series(0, $1 - 1) i JOIN s ON s.k = i % s.n)
       INSERT INTO participants (trial_id, site_id, study_id, status, registered_at)
       SELECT trial_id, id, country_code || '-' || code || '-' || lpad((i / n + 1)::text, 4, '0'), 'randomised', now() FROM g`,
      [size.participants],
    );
    await ds.query(
      `INSERT INTO allocations (participant_id, trial_id, site_id, environment, stratum_key, sequence_number, block_index,
         position_in_block, block_size, arm, randomised_at, criteria_set_id)
       SELECT p.id, p.trial_id, p.site_id, 'production', 'bench', row_number() OVER (ORDER BY p.id), 0, 1, 2,
         CASE WHEN random() < 0.5 THEN 'A' ELSE 'B' END, $1::timestamptz - (random() * interval '365 days'), 'ram-ms-v2'
       FROM participants p`,
      [now],
    );
    const ids: string[] = (
      await ds.query(`SELECT participant_id AS id FROM allocations ORDER BY participant_id`)
    ).map((r: { id: string }) => r.id);
    let start = process.hrtime.bigint();
    await pool(ids, size.concurrency, async (pid) => {
      await followUp.generateSchedule(pid);
    });
    const generationMs = ms(start);
    const [{ generated }] = await ds.query(`SELECT count(*)::int AS generated FROM visits`);
    start = process.hrtime.bigint();
    await pool(ids.slice(0, Math.min(ids.length, 1000)), size.concurrency, async (pid) => {
      await followUp.generateSchedule(pid);
    });
    const rerunMs = ms(start);
    const rerunCount = Math.min(ids.length, 1000);

    // Baseline: the same rows, raw multi-row INSERTs into a same-shaped table (same indexes, no FKs, no audit).
    await ds.query(
      `CREATE TABLE visits_baseline (LIKE visits INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
    );
    const sameRows: VisitTuple[] = (
      await ds.query(
        `SELECT ${VISIT_COLUMNS.map((c) => (/date/.test(c) ? `${c}::text` : c)).join(', ')} FROM visits`,
      )
    ).map((r: Record<string, unknown>) => VISIT_COLUMNS.map((c) => r[c]));
    const baselineGenMs = await rawInsert(ds, 'visits_baseline', sameRows, 1000, size.concurrency);
    await ds.query(`DROP TABLE visits_baseline`);

    // ---- 2. the sweep over V open visits ---------------------------------------------------
    // Bench sites (distinct zones) and participants whose schedules together hold V open visits.
    const zones = [
      'Europe/Amsterdam',
      'Europe/Oslo',
      'Europe/Stockholm',
      'Europe/Copenhagen',
      'UTC',
      'America/New_York',
    ];
    const [trial] = await ds.query(`SELECT id FROM trials LIMIT 1`);
    const perParticipantOpen = 7; // about 7 of the 9 scheduled visits are still ahead for a participant randomised in the last ~5 months
    const fillers = Math.ceil(size.visits / perParticipantOpen);
    const siteCount = Math.ceil(fillers / 9000);
    const benchSites: { id: string; tz: string }[] = [];
    for (let k = 0; k < siteCount; k++) {
      const code = `B${String.fromCharCode(65 + Math.floor(k / 26))}${String.fromCharCode(65 + (k % 26))}`;
      const tz = zones[k % zones.length];
      const [row] = await ds.query(
        `INSERT INTO sites (trial_id, code, name, country_code, time_zone, roles) VALUES ($1, $2, $3, 'NL', $4, '{screening}') RETURNING id`,
        [trial.id, code, `Bench site ${code}`, tz],
      );
      benchSites.push({ id: row.id, tz });
    }
    await ds.query(
      `WITH s AS (SELECT id, trial_id, country_code, code, row_number() OVER (ORDER BY code) - 1 AS k, count(*) OVER () AS n
                  FROM sites WHERE code LIKE 'B__' AND name LIKE 'Bench site%'),
       g AS (SELECT i, s.* FROM generate_series(0, $1 - 1) i JOIN s ON s.k = i % s.n)
       INSERT INTO participants (trial_id, site_id, study_id, status, registered_at)
       SELECT trial_id, id, country_code || '-' || code || '-' || lpad((i / n + 1)::text, 4, '0'), 'in_follow_up', now() FROM g`,
      [fillers],
    );
    const fillerRows: { id: string; site_id: string }[] = await ds.query(
      `SELECT p.id, p.site_id FROM participants p JOIN sites s ON s.id = p.site_id WHERE s.name LIKE 'Bench site%' ORDER BY p.id`,
    );
    const tzOf = new Map(benchSites.map((s) => [s.id, s.tz]));
    // Sites log what is past: the generated schedules' closed visits are logged before the sweep.
    await ds.query(
      `UPDATE visits SET status = 'logged', logged_date = target_date WHERE window_end < $1::date - 1`,
      [todayInZone(now, 'UTC')],
    );
    let chunk: VisitTuple[] = [];
    let loaded = 0;
    let insertMs = 0;
    let open = 0;
    let past = 0;
    const dayMs = 86_400_000;
    const flush = async () => {
      if (chunk.length === 0) {
        return;
      }
      insertMs += await rawInsert(ds, 'visits', chunk, 2000, 4);
      loaded += chunk.length;
      chunk = [];
    };
    for (const [i, p] of fillerRows.entries()) {
      if (open >= size.visits) {
        break;
      }
      const tz = tzOf.get(p.site_id) as string;
      // Randomised within the last 150 days, deterministic per participant.
      const randomisedAt = new Date(
        now.getTime() - ((i * 7919) % 150) * dayMs - ((i * 104729) % 86_400) * 1000,
      );
      const arm = i % 2 === 0 ? 'A' : 'B';
      const today = todayInZone(now, tz);
      for (const v of buildSchedule({
        randomisedAt,
        siteTimeZone: tz,
        arm,
        template: DEFAULT_VISIT_TEMPLATE,
      })) {
        const closed = v.windowEnd < today;
        // Closed windows are logged, except one in 200 left open: the first sweep marks those missed.
        const status = closed && i % 200 !== 0 ? 'logged' : 'scheduled';
        if (status === 'scheduled') {
          open += 1;
        } else {
          past += 1;
        }
        chunk.push([
          p.id,
          p.site_id,
          v.code,
          v.kind,
          v.anchor,
          v.offsetDays,
          v.code,
          [...v.assessments],
          v.primary === true,
          v.endpoint === true,
          v.mriRebaseline === true,
          DEFAULT_VISIT_TEMPLATE.id,
          v.targetDate,
          v.windowStart,
          v.windowEnd,
          status,
          status === 'logged' ? v.targetDate : null,
        ]);
      }
      if (chunk.length >= 50_000) {
        await flush();
      }
    }
    await flush();
    await ds.query(`ANALYZE visits`);
    const [{ total, scheduled }] = await ds.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled FROM visits`,
    );

    // Plans of the sweep's selections: by index, not by scanning.
    const sweepRepo = app.get(SweepRepository);
    const amsterdamToday = todayInZone(now, 'Europe/Amsterdam');
    const due = dueDates(amsterdamToday);
    const benchIds = benchSites.map((s) => s.id);
    const { FINDING_ABOUT } = await import('src/modules/follow-up/finding-dates');
    const plans: Record<string, string> = {};
    const selectMs: Record<string, { index: number; seqScan: number; rows: number }> = {};
    for (const kind of SWEEP_FINDING_KINDS) {
      const filter = { kind, about: FINDING_ABOUT[kind] };
      const plan = await sweepRepo.explainDue(benchIds, due[kind], filter);
      plans[kind] = plan.find((l) => /Index|Seq Scan/.test(l))?.trim() ?? plan[0];
      start = process.hrtime.bigint();
      const found = await sweepRepo.findDue(benchIds, due[kind], filter);
      const index = ms(start);
      // The same selection as a sequential scan (what "scanning everything" costs).
      await ds.query(
        `SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off`,
      );
      start = process.hrtime.bigint();
      await sweepRepo.findDue(benchIds, due[kind], filter);
      const seqScan = ms(start);
      await ds.query(`RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan`);
      selectMs[kind] = { index: round(index), seqScan: round(seqScan), rows: found.length };
    }
    const sum = (kinds: readonly string[], k: 'index' | 'seqScan') =>
      kinds.reduce((acc, kind) => acc + selectMs[kind][k], 0);
    const reminderKinds = ['window_opens_14d', 'window_opens_3d', 'window_closes_3d'];
    const rangeKinds = ['overdue', 'missed'];
    const indexSelectMs = sum(SWEEP_FINDING_KINDS, 'index');
    const seqSelectMs = sum(SWEEP_FINDING_KINDS, 'seqScan');

    const memBefore = await redisMemory(redis);
    start = process.hrtime.bigint();
    const first = await sweeper.sweep(now);
    const sweepMs = ms(start);
    while ((await relay.drain()) > 0) {
      /* relay everything the sweep enqueued to Redis */
    }
    const [{ pending }] = await ds.query(
      `SELECT count(*)::int AS pending FROM outbox WHERE sent_at IS NULL`,
    );
    const memAfter = await redisMemory(redis);
    const bullKeys = await countKeys(redis, `${prefix}:*`);
    start = process.hrtime.bigint();
    const second = await sweeper.sweep(now);
    const secondMs = ms(start);

    // The rejected design: one delayed Bull job per open visit. Measure a sample, extrapolate.
    const sample = Math.min(20_000, scheduled);
    const delayed = new Queue('bench-delayed', redisUrl, { prefix });
    await delayed.isReady();
    const delayedBefore = await redisMemory(redis);
    for (let i = 0; i < sample; i += 1000) {
      await delayed.addBulk(
        Array.from({ length: Math.min(1000, sample - i) }, (_, k) => ({
          name: 'follow-up.remind',
          data: {
            visitId: `00000000-0000-4000-8000-${String(i + k).padStart(12, '0')}`,
            kind: 'window_opens_14d',
          },
          opts: { delay: (1 + ((i + k) % 1800)) * dayMs, jobId: `remind:${i + k}` },
        })),
      );
    }
    const delayedPerJob = (await redisMemory(redis)) - delayedBefore;
    await delayed.close();

    const result = {
      at: now.toISOString(),
      machine: { cpus: cpus().length, memGb: round(totalmem() / 2 ** 30), node: process.version },
      sizes: {
        ...size,
        generatedVisits: generated,
        sweptVisits: total,
        openVisits: scheduled,
        closedVisits: past,
      },
      generation: {
        participants: ids.length,
        ms: round(generationMs),
        participantsPerSec: round(ids.length / (generationMs / 1000)),
        visitsPerSec: round(generated / (generationMs / 1000)),
        rerunParticipants: rerunCount,
        rerunMs: round(rerunMs),
        baselineRawInsertMs: round(baselineGenMs),
        baselineRowsPerSec: round(generated / (baselineGenMs / 1000)),
        ratioToBaseline: round(generationMs / baselineGenMs, 2),
      },
      sweep: {
        visits: total,
        open: scheduled,
        firstMs: round(sweepMs),
        firstCounts: first.counts,
        secondMs: round(secondMs),
        secondEnqueued: second.counts.enqueued,
        selectByIndexMs: round(indexSelectMs),
        selectBySeqScanMs: round(seqSelectMs),
        selectPerKind: selectMs,
        plans,
        loadRawInsertMs: round(insertMs),
        loadRowsPerSec: round(loaded / (insertMs / 1000)),
        outboxPendingAfterRelay: pending,
      },
      redis: {
        sweepDeltaBytes: memAfter - memBefore,
        bullKeysAfterSweep: bullKeys,
        jobsEnqueued: first.counts.enqueued,
        delayedJobDesign: {
          sampleJobs: sample,
          bytesPerJob: round(delayedPerJob / sample),
          extrapolatedBytesForOpenVisits: Math.round((delayedPerJob / sample) * scheduled),
        },
      },
    };
    // Uniform figures for bench/run-all.ts (bench/lib/result.ts).
    const sizeLabel = `${ids.length.toLocaleString('en-GB')} participants`;
    const sweepLabel = `${total.toLocaleString('en-GB')} visits (${scheduled.toLocaleString('en-GB')} open)`;
    const figures: Figure[] = [
      figure({
        measure: 'schedule generation (job code path)',
        at: `${sizeLabel}, ${generated.toLocaleString('en-GB')} visits`,
        value: generationMs / 1000,
        unit: 's',
        baseline: 'raw multi-row INSERT of the same rows',
        baselineValue: baselineGenMs / 1000,
        baselineUnit: 's',
        better: 'lower',
      }),
      figure({
        measure: 'follow-up sweep, first run',
        at: sweepLabel,
        value: sweepMs / 1000,
        unit: 's',
        baseline: 'raw multi-row INSERT of the same visit rows',
        baselineValue: insertMs / 1000,
        baselineUnit: 's',
        better: 'lower',
      }),
      figure({
        measure: 'sweep selections (5 kinds)',
        at: sweepLabel,
        value: indexSelectMs,
        unit: 'ms by index',
        baseline: 'the same selections by seq scan',
        baselineValue: seqSelectMs,
        baselineUnit: 'ms',
        better: 'lower',
      }),
      figure({
        measure: 'Redis memory after the sweep',
        at: sweepLabel,
        value: (memAfter - memBefore) / 2 ** 20,
        unit: 'MB',
        baseline: 'one delayed Bull job per open visit',
        baselineValue: result.redis.delayedJobDesign.extrapolatedBytesForOpenVisits / 2 ** 20,
        baselineUnit: 'MB',
        better: 'lower',
      }),
    ];
    const dir = join(__dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'follow-up.json'),
      `${JSON.stringify({ name: 'follow-up', figures, ...result }, null, 2)}\n`,
    );

    const mb = (b: number) => `${round(b / 2 ** 20, 2)} MB`;
    const table: [string, string, string, string][] = [
      ['measure', 'system', 'baseline (same run)', 'ratio'],
      [
        `generate schedules, ${ids.length} participants (${generated} visits)`,
        `${round(generationMs / 1000, 2)} s (${result.generation.participantsPerSec}/s, ${result.generation.visitsPerSec} visits/s)`,
        `raw multi-row INSERT ${round(baselineGenMs / 1000, 2)} s (${result.generation.baselineRowsPerSec} rows/s)`,
        `${result.generation.ratioToBaseline}×`,
      ],
      [`re-run generation, ${rerunCount} participants (no change)`, `${round(rerunMs)} ms`, '', ''],
      [
        `load ${loaded} visit rows for the sweep`,
        '',
        `raw multi-row INSERT ${round(insertMs / 1000, 2)} s (${result.sweep.loadRowsPerSec} rows/s)`,
        '',
      ],
      [
        `sweep over ${scheduled} open visits (${total} rows)`,
        `${round(sweepMs)} ms first run, ${first.counts.enqueued} notices, ${first.counts.markedMissed} marked missed`,
        `selection by seq scan ${round(seqSelectMs)} ms vs by index ${round(indexSelectMs)} ms`,
        `${round(seqSelectMs / Math.max(indexSelectMs, 0.001), 1)}× (scan/index)`,
      ],
      [
        'select reminders (3 exact-day conditions)',
        `${round(sum(reminderKinds, 'index'))} ms by index`,
        `${round(sum(reminderKinds, 'seqScan'))} ms by seq scan`,
        `${round(sum(reminderKinds, 'seqScan') / Math.max(sum(reminderKinds, 'index'), 0.001), 1)}×`,
      ],
      [
        `select overdue + missed (${selectMs.overdue.rows + selectMs.missed.rows} rows)`,
        `${round(sum(rangeKinds, 'index'))} ms by index`,
        `${round(sum(rangeKinds, 'seqScan'))} ms by seq scan`,
        `${round(sum(rangeKinds, 'seqScan') / Math.max(sum(rangeKinds, 'index'), 0.001), 1)}×`,
      ],
      [
        `sweep again (same tick)`,
        `${round(secondMs)} ms, ${second.counts.enqueued} new notices`,
        '',
        '',
      ],
      [
        'Redis memory after the sweep',
        `+${mb(memAfter - memBefore)} (${bullKeys} keys)`,
        `one delayed job per open visit: ${mb(result.redis.delayedJobDesign.extrapolatedBytesForOpenVisits)}`,
        `${round(result.redis.delayedJobDesign.extrapolatedBytesForOpenVisits / Math.max(memAfter - memBefore, 1), 0)}×`,
      ],
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const [k, r] of table.entries()) {
      out(r.map((cell, c) => cell.padEnd(widths[c])).join(' | '));
      if (k === 0) {
        out(widths.map((w) => '-'.repeat(w)).join('-|-'));
      }
    }
    out(
      `plans: ${Object.entries(plans)
        .map(([k, p]) => `${k}: ${p}`)
        .join('; ')}`,
    );
    out(`written ${join(dir, 'follow-up.json')}`);
  } finally {
    if (app) {
      await app.close();
    }
    await deleteKeys(redis, `${prefix}:*`);
    redis.disconnect();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`follow-up bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
