/**
 * Exports benchmark (issue 17): the real export pipeline (ExportRowSource over one REPEATABLE
 * READ snapshot, pages of 200 participants through the owning modules' readers, flattened, fed to
 * a format writer) for each format at N participants with five years of follow-up, its wall time,
 * peak heap and file bytes, beside PostgreSQL's own `COPY (SELECT …) TO STDOUT (FORMAT csv)` of
 * the same rows (participants × allocations × visits) measured in the same run; and the peak heap
 * at the largest size against the smallest (the pipeline streams, so it should barely grow).
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/exports/run.ts
 *   BENCH_EXPORT_SIZES=1000,10000 (cumulative participant counts; default)
 *   BENCH_EXPORT_FORMATS=csv,odm,dataset-json (default all three)
 *
 * Data: 20 template participants (both arms) built once with the real domain code (screening data
 * from the engine's eligible RAM-MS record, its assessment evaluated by the eligibility engine, a
 * signed assessment and consent, an allocation, the visit schedule of the follow-up calendar with
 * five years of logged visits: EDSS, MRI, relapse assessments, samples, questionnaires, notes),
 * then cloned in SQL (INSERT … SELECT over generate_series, ids derived from the template's ids)
 * onto bench sites of at most 9,000 participants each. Runs on its own scratch database (created,
 * migrated, seeded, dropped). Writes bench/results/exports.json and prints a table.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { printTable } from '../lib/load';
import { type Figure, figure, thousands, writeResult } from '../lib/result';

const SIZES = (process.env.BENCH_EXPORT_SIZES ?? '1000,10000')
  .split(',')
  .map((s) => Number(s.trim()))
  .sort((a, b) => a - b);
if (SIZES.some((n) => !(Number.isInteger(n) && n > 0))) {
  throw new Error(
    `BENCH_EXPORT_SIZES: "${process.env.BENCH_EXPORT_SIZES}" is not a list of counts`,
  );
}
const ALL_FORMATS = ['csv', 'odm', 'dataset-json'] as const;
const FORMATS = (process.env.BENCH_EXPORT_FORMATS ?? ALL_FORMATS.join(','))
  .split(',')
  .map((s) => s.trim()) as (typeof ALL_FORMATS)[number][];
if (FORMATS.some((f) => !ALL_FORMATS.includes(f))) {
  throw new Error(`BENCH_EXPORT_FORMATS: one of ${ALL_FORMATS.join(', ')}`);
}
const TEMPLATES = 20;
/** Study ids have four digits: bench sites take at most this many participants each. */
const PER_SITE = 9000;
const YEARS = 5;
const SAMPLE_MS = 20;
/** The live-heap run: a full GC this often, then a sample. */
const LIVE_GC_MS = 250;

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

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const MB = 2 ** 20;

/**
 * Runs `work` (after a full GC), sampling heapUsed every SAMPLE_MS: wall time and the peak heap.
 * With `collectEveryMs` a full GC runs at that interval before each sample, so the peak is of
 * the live heap (what the export holds), not of garbage V8 has not yet collected; such a run is
 * slower and its time is not reported.
 */
async function measured<T>(
  work: () => Promise<T>,
  collectEveryMs?: number,
): Promise<{ result: T; ms: number; peakHeap: number; heapBefore: number }> {
  gc();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const timer = setInterval(() => {
    if (collectEveryMs) {
      gc();
    }
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, collectEveryMs ?? SAMPLE_MS);
  const t0 = process.hrtime.bigint();
  try {
    const result = await work();
    if (collectEveryMs) {
      gc();
    }
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6, peakHeap, heapBefore };
  } finally {
    clearInterval(timer);
  }
}

/** The baseline: psql's COPY (SELECT …) TO STDOUT of the same rows, bytes counted, output dropped. */
function copyBaseline(url: string, sql: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes })
        : reject(new Error(`psql exited ${code}: ${err}`)),
    );
  });
}

const COPY_SQL = `COPY (
  SELECT p.study_id, s.country_code || '-' || s.code AS site, p.status, p.registered_at,
         a.arm, a.randomised_at, a.stratum, v.*
  FROM participants p
  JOIN sites s ON s.id = p.site_id
  LEFT JOIN allocations a ON a.participant_id = p.id AND a.environment = 'production'
  LEFT JOIN visits v ON v.participant_id = p.id
  WHERE p.study_id IS NOT NULL
  ORDER BY p.study_id, v.target_date, v.code
) TO STDOUT (FORMAT csv, HEADER)`;

const day = (iso: string, add: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + add * 86_400_000).toISOString().slice(0, 10);

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const dbName = `bench_exports_${id}`;
  const prefix = `bench-exp-${id}`;
  const exportDir = mkdtempSync(path.join(tmpdir(), 'bench-exports-'));
  process.env.TZ = 'UTC';
  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: serverUrl(dbName),
    DATABASE_POOL_SIZE: '6',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    MIGRATE_ON_START: 'false',
    FOLLOW_UP_SWEEP: 'false',
    EXPORT_DIR: exportDir,
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (!(globalThis as { gc?: unknown }).gc) {
    out('warning: node runs without --expose-gc; heap figures include garbage not yet collected');
  }
  out(
    `exports bench: ${SIZES.map(thousands).join(', ')} participants, formats ${FORMATS.join(', ')}`,
  );

  // Loaded after the environment is set (the config module reads it once).
  const { createDataSource } = await import('src/database/data-source');
  const { seedRamMs } = await import('src/cli/ram-ms.seed');
  const { CoreModule } = await import('src/core.module');
  const { ExportsModule } = await import('src/modules/exports/exports.module');
  const { ExportRowSource } = await import('src/modules/exports/source/row-source');
  const { EXPORT_FORMATS } = await import('src/modules/exports/export-formats');
  const { buildDictionary } = await import('src/modules/exports/dictionary/build-dictionary');
  const { RequestContext } = await import('src/common/context/request-context');
  const { buildSchedule, DEFAULT_VISIT_TEMPLATE } = await import('src/modules/follow-up/calendar');
  const { evaluate, RAM_MS_V2 } = await import('src/modules/eligibility/engine');
  const { ramMsEligibleRecord, ASSESSMENT_DATE } =
    await import('src/modules/eligibility/engine/testing/screening.builders');
  const { judgedInputHash } = await import('src/modules/eligibility/judged-input');

  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | null = null;
  try {
    const setup = createDataSource({ DATABASE_URL: serverUrl(dbName), DATABASE_POOL_SIZE: 4 });
    await setup.initialize();
    await setup.runMigrations({ transaction: 'each' });
    await setup.transaction((em) => seedRamMs(em));
    await setup.destroy();

    @Module({ imports: [CoreModule, ExportsModule] })
    class BenchModule {}
    app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
    const ds = app.get<DataSource>((await import('typeorm')).DataSource);
    const source = app.get(ExportRowSource);

    // ---- templates -------------------------------------------------------------------------
    const t0 = performance.now();
    const [trial] = await ds.query(`SELECT id FROM trials LIMIT 1`);
    const [staff] = await ds.query(
      `INSERT INTO users (email, display_name, password_hash, roles, trial_wide)
       VALUES ('bench-investigator@bench.local', 'Dr. Bench Investigator', 'x', '{investigator}', true) RETURNING id`,
    );
    const sites: { id: string }[] = [];
    const addSites = async (n: number) => {
      for (let k = sites.length; k < n; k++) {
        const code = `B${String.fromCharCode(65 + Math.floor(k / 26))}${String.fromCharCode(65 + (k % 26))}`;
        const [row] = await ds.query(
          `INSERT INTO sites (trial_id, code, name, country_code, time_zone, roles)
           VALUES ($1, $2, $3, 'NL', 'Europe/Amsterdam', '{screening}') RETURNING id`,
          [trial.id, code, `Bench site ${code}`],
        );
        sites.push(row);
      }
    };
    await addSites(1);
    const { birthDate: _birthDate, consent: _consent, ...screening } = ramMsEligibleRecord();
    const judged = evaluate(ramMsEligibleRecord(), ASSESSMENT_DATE, RAM_MS_V2);
    const age = 35;
    const now = Date.now();
    const templateIds: string[] = [];
    let templateVisits = 0;
    for (let t = 0; t < TEMPLATES; t++) {
      const arm = t % 2 === 0 ? 'A' : 'B';
      const randomisedAt = new Date(now - (YEARS * 365 + 30 + t * 3) * 86_400_000);
      const rDay = randomisedAt.toISOString().slice(0, 10);
      const screenedOn = day(rDay, -21);
      const pid = randomUUID();
      const episodeId = randomUUID();
      const assessmentId = randomUUID();
      templateIds.push(pid);
      await ds.query(
        `INSERT INTO participants (id, trial_id, site_id, study_id, status, registered_at, status_changed_at, pre_screening)
         VALUES ($1, $2, $3, $4, 'in_follow_up', $5, $6, $7)`,
        [
          pid,
          trial.id,
          sites[0].id,
          `NL-BAA-${String(t + 1).padStart(4, '0')}`,
          `${day(screenedOn, -30)}T09:00:00Z`,
          randomisedAt,
          { referralSource: 'neurologist', note: `Referred by clinic ${t}` },
        ],
      );
      await ds.query(
        `INSERT INTO screening_episodes (id, participant_id, episode_no, data, started_at, closed_at, decision,
           decided_at, consent_version, consent_date, age_at_consent, consent_recorded_at, consent_recorded_by,
           created_at, updated_at)
         VALUES ($1, $2, 1, $3, $4, $5, 'eligible', $5, '3.0', $6, $7, $5, $8, $4, $5)`,
        [
          episodeId,
          pid,
          { ...screening, notes: `Screening notes for template ${t}, "quoted", ümlaut` },
          `${day(screenedOn, -30)}T09:00:00Z`,
          `${screenedOn}T11:00:00Z`,
          screenedOn,
          age,
          staff.id,
        ],
      );
      await ds.query(
        `INSERT INTO eligibility_assessments (id, participant_id, episode_id, criteria_set_id, criteria_set_version,
           criteria_set_label, assessment_date, result, criteria, disabled_criteria, warnings, exclusion_codes,
           unknown_codes, input_hash, age_at_assessment, created_at, created_by, signed_at, signed_by, signer_name,
           signature_meaning)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16, $17,
           'Dr. Bench Investigator', 'I confirm this eligibility decision')`,
        [
          assessmentId,
          pid,
          episodeId,
          judged.criteriaSetId,
          judged.version,
          judged.label,
          screenedOn,
          judged.result,
          JSON.stringify(judged.criteria),
          judged.disabledCriteria,
          JSON.stringify(judged.warnings),
          judged.exclusionCodes,
          judged.unknownCodes,
          judgedInputHash(screening, age),
          age,
          `${screenedOn}T10:00:00Z`,
          staff.id,
        ],
      );
      await ds.query(`UPDATE screening_episodes SET decided_assessment_id = $1 WHERE id = $2`, [
        assessmentId,
        episodeId,
      ]);
      await ds.query(
        `INSERT INTO allocations (participant_id, trial_id, site_id, environment, stratum_key, sequence_number,
           block_index, position_in_block, block_size, arm, randomised_at, randomised_by, criteria_set_id, stratum)
         VALUES ($1, $2, $3, 'production', $4, $5, $6, $7, 2, $8, $9, $10, $11, $12)`,
        [
          pid,
          trial.id,
          sites[0].id,
          `NL|edss${t % 3}`,
          t + 1,
          Math.floor(t / 2),
          (t % 2) + 1,
          arm,
          randomisedAt,
          staff.id,
          judged.criteriaSetId,
          { country: 'NL', edssBand: `band${t % 3}` },
        ],
      );
      const schedule = buildSchedule({
        randomisedAt,
        siteTimeZone: 'Europe/Amsterdam',
        arm,
        template: DEFAULT_VISIT_TEMPLATE,
      });
      for (const [k, v] of schedule.entries()) {
        const mri = v.assessments.includes('mri');
        const relapse = (t + k) % 4 === 0;
        const siteData = {
          relapseAssessment: {
            newRelapse: relapse,
            relapses: relapse
              ? [
                  {
                    id: randomUUID(),
                    onsetDate: day(v.targetDate, -12),
                    steroidTreated: k % 2 === 0,
                    description:
                      'Left optic neuritis, blurred vision; 3 days IV methylprednisolone',
                  },
                ]
              : [],
          },
          samples: [
            { type: 'bloods', taken: true },
            { type: 'biobank', taken: k % 3 !== 0, note: k % 3 === 0 ? 'freezer full' : undefined },
            { type: 'urine', taken: true },
          ].map((s) => JSON.parse(JSON.stringify(s)) as object),
          questionnaires: [
            { instrument: 'msis29', done: true },
            { instrument: 'eq5d', done: k % 2 === 0 },
          ],
          notes: `Visit ${v.code}: stable, walking aid not needed; "patient reports fatigue", café`,
        };
        await ds.query(
          `INSERT INTO visits (participant_id, site_id, code, kind, anchor, offset_days, label, assessments, is_primary,
             is_endpoint, mri_rebaseline, template_id, target_date, window_start, window_end, status, logged_date,
             logged_at, logged_by, site_data, edss_score, edss_date, edss_rater, edss_recorded_by, edss_recorded_at,
             mri_date, mri_gd_lesions, mri_new_t2_lesions, mri_compared_with, mri_recorded_by, mri_recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'logged', $13, $16, $17, $18,
             $19, $13, 'Blinded rater', $17, $16, $20, $21, $22, $23, $24, $25)`,
          [
            pid,
            sites[0].id,
            v.code,
            v.kind,
            v.anchor,
            v.offsetDays,
            DEFAULT_VISIT_TEMPLATE.scheduled.find((d) => d.code === v.code)?.label ??
              `Post-transplant visit, day +${v.offsetDays}`,
            [...v.assessments],
            v.primary === true,
            v.endpoint === true,
            v.mriRebaseline === true,
            DEFAULT_VISIT_TEMPLATE.id,
            v.targetDate,
            v.windowStart,
            v.windowEnd,
            `${v.targetDate}T10:30:00Z`,
            staff.id,
            siteData,
            ((t + k) % 12) / 2,
            mri ? v.targetDate : null,
            mri ? (t + k) % 3 : null,
            mri ? (t * k) % 4 : null,
            mri && k > 0 ? rDay : null,
            mri ? staff.id : null,
            mri ? `${v.targetDate}T15:00:00Z` : null,
          ],
        );
        templateVisits += 1;
      }
    }
    out(
      `${TEMPLATES} template participants, ${templateVisits} visits (${(templateVisits / TEMPLATES).toFixed(1)} per participant), built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // ---- clones ----------------------------------------------------------------------------
    /** Clones k = from…to-1 of every template: participant number k * TEMPLATES + t. */
    const clone = async (from: number, to: number) => {
      // New ids from the template's id and the clone number: children find their parents.
      const nid = (col: string) => `md5(${col}::text || ':' || k)::uuid`;
      const params = [templateIds, from, to, PER_SITE, TEMPLATES];
      const g = `FROM generate_series($2::int, $3::int - 1) k CROSS JOIN`;
      await ds.query(
        `WITH s AS (SELECT id, country_code, code, row_number() OVER (ORDER BY code) - 1 AS n
                    FROM sites WHERE name LIKE 'Bench site %'),
         t AS (SELECT p.*, (row_number() OVER (ORDER BY p.study_id) - 1)::int AS ti
               FROM participants p WHERE p.id = ANY($1::uuid[]))
         INSERT INTO participants (id, trial_id, site_id, study_id, status, registered_at, status_changed_at, pre_screening)
         SELECT ${nid('t.id')}, t.trial_id, s.id,
                s.country_code || '-' || s.code || '-' || lpad(((k * $5::int + t.ti) % $4::int + 1)::text, 4, '0'),
                t.status, t.registered_at + k * interval '1 hour', t.status_changed_at + k * interval '1 hour', t.pre_screening
         ${g} t JOIN s ON s.n = (k * $5::int + t.ti) / $4::int`,
        params,
      );
      await ds.query(
        `INSERT INTO screening_episodes (id, participant_id, episode_no, data, started_at, closed_at, decision, decided_at,
           exclusion_codes, consent_version, consent_date, age_at_consent, consent_recorded_at, consent_recorded_by, created_at, updated_at)
         SELECT ${nid('e.id')}, ${nid('e.participant_id')}, e.episode_no, e.data, e.started_at, e.closed_at, e.decision,
           e.decided_at, e.exclusion_codes, e.consent_version, e.consent_date, e.age_at_consent, e.consent_recorded_at,
           e.consent_recorded_by, e.created_at, e.updated_at
         ${g} screening_episodes e WHERE e.participant_id = ANY($1::uuid[]) AND $4::int > 0 AND $5::int > 0`,
        params,
      );
      await ds.query(
        `INSERT INTO eligibility_assessments (id, participant_id, episode_id, criteria_set_id, criteria_set_version,
           criteria_set_label, assessment_date, result, criteria, disabled_criteria, warnings, exclusion_codes, unknown_codes,
           input_hash, age_at_assessment, created_at, created_by, signed_at, signed_by, signer_name, signature_meaning)
         SELECT ${nid('a.id')}, ${nid('a.participant_id')}, ${nid('a.episode_id')}, a.criteria_set_id, a.criteria_set_version,
           a.criteria_set_label, a.assessment_date, a.result, a.criteria, a.disabled_criteria, a.warnings, a.exclusion_codes,
           a.unknown_codes, a.input_hash, a.age_at_assessment, a.created_at, a.created_by, a.signed_at, a.signed_by,
           a.signer_name, a.signature_meaning
         ${g} eligibility_assessments a WHERE a.participant_id = ANY($1::uuid[]) AND $4::int > 0 AND $5::int > 0`,
        params,
      );
      await ds.query(
        `UPDATE screening_episodes e SET decided_assessment_id = md5(t.decided_assessment_id::text || ':' || k)::uuid
         ${g} screening_episodes t
         WHERE t.participant_id = ANY($1::uuid[]) AND e.id = md5(t.id::text || ':' || k)::uuid AND $4::int > 0 AND $5::int > 0`,
        params,
      );
      await ds.query(
        `INSERT INTO allocations (participant_id, trial_id, site_id, environment, stratum_key, sequence_number, block_index,
           position_in_block, block_size, arm, randomised_at, randomised_by, criteria_set_id, stratum)
         SELECT ${nid('a.participant_id')}, a.trial_id, p.site_id, a.environment, a.stratum_key,
           a.sequence_number + k * $5::int, a.block_index + k * ($5::int / 2), a.position_in_block, a.block_size, a.arm,
           a.randomised_at + k * interval '1 hour', a.randomised_by, a.criteria_set_id, a.stratum
         ${g} allocations a JOIN participants p ON p.id = md5(a.participant_id::text || ':' || k)::uuid
         WHERE a.participant_id = ANY($1::uuid[]) AND $4::int > 0`,
        params,
      );
      await ds.query(
        `INSERT INTO visits (id, participant_id, site_id, code, kind, anchor, offset_days, label, assessments, is_primary,
           is_endpoint, mri_rebaseline, template_id, target_date, window_start, window_end, status, logged_date, logged_at,
           logged_by, site_data, edss_score, edss_date, edss_rater, edss_recorded_by, edss_recorded_at, mri_date,
           mri_gd_lesions, mri_new_t2_lesions, mri_compared_with, mri_recorded_by, mri_recorded_at)
         SELECT ${nid('v.id')}, p.id, p.site_id, v.code, v.kind, v.anchor, v.offset_days, v.label, v.assessments,
           v.is_primary, v.is_endpoint, v.mri_rebaseline, v.template_id, v.target_date, v.window_start, v.window_end,
           v.status, v.logged_date, v.logged_at, v.logged_by, v.site_data,
           CASE WHEN v.edss_score IS NULL THEN NULL ELSE ((v.edss_score * 2 + k) % 20) / 2 END, v.edss_date, v.edss_rater,
           v.edss_recorded_by, v.edss_recorded_at, v.mri_date,
           CASE WHEN v.mri_gd_lesions IS NULL THEN NULL ELSE (v.mri_gd_lesions + k) % 5 END,
           CASE WHEN v.mri_new_t2_lesions IS NULL THEN NULL ELSE (v.mri_new_t2_lesions + k) % 7 END,
           v.mri_compared_with, v.mri_recorded_by, v.mri_recorded_at
         ${g} visits v JOIN participants p ON p.id = md5(v.participant_id::text || ':' || k)::uuid
         WHERE v.participant_id = ANY($1::uuid[]) AND $4::int > 0 AND $5::int > 0`,
        params,
      );
    };

    const figures: Figure[] = [];
    const results: Record<string, unknown>[] = [];
    const rows: (string | number)[][] = [];
    /** Peak live heap per format, by participant count. */
    const peakBySize = new Map<number, Record<string, number>>();
    let clones = 1; // clone 0 is the templates themselves
    for (const size of SIZES) {
      const c0 = performance.now();
      const target = Math.ceil(size / TEMPLATES);
      await addSites(Math.ceil((target * TEMPLATES) / PER_SITE));
      if (target > clones) {
        await clone(clones, target);
        clones = target;
      }
      await ds.query(`ANALYZE`);
      const [{ participants, visits }] = await ds.query(
        `SELECT (SELECT count(*)::int FROM participants WHERE study_id IS NOT NULL) AS participants,
                (SELECT count(*)::int FROM visits) AS visits`,
      );
      out(
        `${thousands(participants)} participants, ${thousands(visits)} visits in the database (cloned in ${((performance.now() - c0) / 1000).toFixed(1)} s)`,
      );

      const copy = await copyBaseline(serverUrl(dbName), COPY_SQL);
      out(`COPY … TO STDOUT: ${(copy.ms / 1000).toFixed(2)} s, ${(copy.bytes / MB).toFixed(1)} MB`);
      const peaks: Record<string, number> = {};
      for (const formatId of FORMATS) {
        const format = EXPORT_FORMATS[formatId];
        if (!format) {
          throw new Error(`format ${formatId} is not registered`);
        }
        const exportOnce = (collectEveryMs?: number) => {
          const dir = mkdtempSync(path.join(exportDir, `${formatId}-`));
          const options = { blinded: false, datesAs: 'calendar' as const, archival: false };
          const dictionary = buildDictionary({ blinded: false });
          const requester = {
            id: staff.id,
            role: 'statistician' as const,
            siteIds: [],
            trialWide: true,
          };
          return measured(
            () =>
              RequestContext.run(
                `bench-export:${formatId}`,
                () =>
                  source.read({ sites: null }, dictionary, options, async (snapshot) => {
                    const writer = await format.open({
                      dictionary,
                      options,
                      snapshotAt: snapshot.dataAsOf,
                      exportId: `bench-${formatId}`,
                      dir,
                      admin: snapshot.admin,
                    });
                    let n = 0;
                    for await (const p of snapshot.participants()) {
                      await writer.participant(p);
                      n += 1;
                    }
                    return { files: await writer.close(), participants: n, dir };
                  }),
                requester,
              ),
            collectEveryMs,
          );
        };
        // Timed run (heap as V8 lets it grow), then a run with a full GC every LIVE_GC_MS (live heap).
        const m = await exportOnce();
        const dir = m.result.dir;
        const bytes = readdirSync(dir).reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
        rmSync(dir, { recursive: true, force: true });
        if (m.result.participants !== participants) {
          throw new Error(`${formatId}: exported ${m.result.participants} of ${participants}`);
        }
        const rowsWritten = m.result.files.reduce((s, f) => s + f.rows, 0);
        const live = await exportOnce(LIVE_GC_MS);
        rmSync(live.result.dir, { recursive: true, force: true });
        peaks[formatId] = live.peakHeap;
        out(
          `${formatId}: ${(m.ms / 1000).toFixed(2)} s, peak heap ${(m.peakHeap / MB).toFixed(1)} MB, peak live heap ${(live.peakHeap / MB).toFixed(1)} MB (before ${(m.heapBefore / MB).toFixed(1)} MB), ${(bytes / MB).toFixed(1)} MB in ${m.result.files.length} files, ${thousands(rowsWritten)} rows`,
        );
        rows.push([
          thousands(participants),
          thousands(visits),
          formatId,
          m.ms / 1000,
          m.peakHeap / MB,
          live.peakHeap / MB,
          (live.peakHeap - live.heapBefore) / MB,
          bytes / MB,
          copy.ms / 1000,
          copy.bytes / MB,
          m.ms / copy.ms,
        ]);
        results.push({
          participants,
          visits,
          format: formatId,
          seconds: m.ms / 1000,
          peakHeapBytes: m.peakHeap,
          peakLiveHeapBytes: live.peakHeap,
          heapBeforeBytes: live.heapBefore,
          bytes,
          files: m.result.files,
          copy: { seconds: copy.ms / 1000, bytes: copy.bytes },
        });
        figures.push(
          figure({
            measure: `export ${formatId} (row source + writer)`,
            at: `${thousands(participants)} participants, ${thousands(visits)} visits`,
            value: m.ms / 1000,
            unit: 's',
            baseline: 'psql COPY (participants ⋈ allocations ⋈ visits) TO STDOUT csv',
            baselineValue: copy.ms / 1000,
            baselineUnit: 's',
            better: 'lower',
          }),
        );
      }
      peakBySize.set(participants, peaks);
    }
    // Peak heap at the largest size against the smallest, per format.
    const sizes = [...peakBySize.keys()];
    const small = sizes[0];
    const large = sizes[sizes.length - 1];
    const heapRatios: Record<string, number> = {};
    if (sizes.length > 1) {
      for (const f of FORMATS) {
        const a = peakBySize.get(small)![f];
        const b = peakBySize.get(large)![f];
        heapRatios[f] = b / a;
        figures.push(
          figure({
            measure: `export ${f} peak live heap`,
            at: `${thousands(large)} participants`,
            value: b / MB,
            unit: 'MB',
            baseline: `the same export at ${thousands(small)} participants`,
            baselineValue: a / MB,
            baselineUnit: 'MB',
            better: 'lower',
          }),
        );
      }
    }
    printTable(
      'Exports (real row source + format writer) vs psql COPY … TO STDOUT of the same rows',
      [
        'participants',
        'visits',
        'format',
        'export s',
        'peak heap MB',
        'peak live heap MB',
        'live growth MB',
        'file MB',
        'COPY s',
        'COPY MB',
        'time ratio',
      ],
      rows,
    );
    if (sizes.length > 1) {
      out(
        `peak live heap ${thousands(large)} / ${thousands(small)} participants: ${FORMATS.map((f) => `${f} ${heapRatios[f].toFixed(2)}×`).join(', ')}`,
      );
    }
    writeResult('exports', 'exports', figures, {
      sizes: SIZES,
      templates: TEMPLATES,
      pageSize: (await import('src/modules/exports/source/row-source')).EXPORT_PAGE_SIZE,
      exposeGc: Boolean((globalThis as { gc?: unknown }).gc),
      heapRatios,
      results,
    });
  } finally {
    if (app) {
      await app.close();
    }
    rmSync(exportDir, { recursive: true, force: true });
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`exports bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
