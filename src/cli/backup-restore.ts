import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createDataSource } from 'src/database/data-source';
import { AuditRepository } from 'src/modules/audit/audit.repository';

const run = promisify(execFile);

/** What `npm run backup` writes beside the dump: enough to check a restore is the same data. */
export type BackupManifest = {
  format: 'ram-ms-backup/1';
  /** The dump's file name, in the manifest's folder (pg_dump custom format). */
  file: string;
  sha256: string;
  bytes: number;
  /** When the snapshot was taken (the database's clock). */
  takenAt: string;
  database: string;
  /** The newest migration applied: a restore runs on code at least this new. */
  lastMigration: string | null;
  /** The head of the audit chain in the snapshot: a restore must end on the same row and hash. */
  audit: { rows: number; lastSeq: string | null; lastHash: string | null };
  /** Rows per table in the snapshot. */
  rowCounts: Record<string, number>;
  pgDump: string;
};

export type RestoreReport = {
  database: string;
  auditRows: number;
  auditIntact: boolean;
  lastHashMatches: boolean;
  /** Tables whose row count differs from the manifest's: empty when the restore is complete. */
  countMismatches: { table: string; expected: number; found: number }[];
};

const DB_NAME = /^[A-Za-z0-9_-]{1,63}$/;

function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!DB_NAME.test(name)) {
    throw new Error(`unsupported database name "${name}"`);
  }
  return name;
}

function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Rows per base table of the public schema, in name order (one snapshot: the caller's). */
async function rowCounts(client: Pick<Client, 'query'>): Promise<Record<string, number>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.${JSON.stringify(name)}`,
    );
    counts[name] = rows[0].n;
  }
  return counts;
}

/**
 * `npm run backup`: a `pg_dump` custom-format file of one snapshot, its SHA-256, the audit chain's
 * head and the row counts of that same snapshot (a transaction exports its snapshot and pg_dump
 * reads exactly it, so writes going on meanwhile change neither), written as `<name>.dump` and
 * `<name>.json` in `dir`. The API and worker keep running.
 */
export async function backup(databaseUrl: string, dir: string): Promise<BackupManifest> {
  const database = databaseName(databaseUrl);
  await mkdir(dir, { recursive: true });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const {
      rows: [{ snapshot, taken_at: takenAt }],
    } = await client.query<{ snapshot: string; taken_at: Date }>(
      `SELECT pg_export_snapshot() AS snapshot, now() AS taken_at`,
    );
    // Milliseconds too: two backups in the same second get two files.
    const stamp = takenAt.toISOString().replace(/[-:.]/g, '');
    const file = `${database}-${stamp}.dump`;
    const path = join(dir, file);
    const {
      rows: [audit],
    } = await client.query<{ rows: number; last_seq: string | null; last_hash: string | null }>(
      `SELECT count(*)::int AS rows, max(seq)::text AS last_seq,
              (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS last_hash
         FROM audit_log`,
    );
    const {
      rows: [migration = { name: null }],
    } = await client.query<{ name: string | null }>(
      `SELECT name FROM typeorm_migrations ORDER BY "timestamp" DESC, id DESC LIMIT 1`,
    );
    const counts = await rowCounts(client);
    // pg_dump takes the exported snapshot while this transaction stays open.
    await run('pg_dump', [
      '--format=custom',
      `--snapshot=${snapshot}`,
      `--file=${path}`,
      '--no-owner',
      `--dbname=${databaseUrl}`,
    ]);
    await client.query('COMMIT');
    const { stdout: version } = await run('pg_dump', ['--version']);
    const manifest: BackupManifest = {
      format: 'ram-ms-backup/1',
      file,
      sha256: await sha256Of(path),
      bytes: (await stat(path)).size,
      takenAt: takenAt.toISOString(),
      database,
      lastMigration: migration.name,
      audit: { rows: audit.rows, lastSeq: audit.last_seq, lastHash: audit.last_hash },
      rowCounts: counts,
      pgDump: version.trim(),
    };
    await writeFile(
      join(dir, file.replace(/\.dump$/, '.json')),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
    return manifest;
  } finally {
    await client.end();
  }
}

/**
 * `npm run restore`: checks the dump against its manifest's SHA-256, restores it into a NEW
 * database (refused when the name exists: a restore never overwrites), then verifies the audit
 * chain and compares its head and every table's row count with the manifest.
 */
export async function restore(manifestPath: string, targetUrl: string): Promise<RestoreReport> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as BackupManifest;
  if (manifest.format !== 'ram-ms-backup/1' || basename(manifest.file) !== manifest.file) {
    throw new Error('not a RAM-MS backup manifest');
  }
  const dump = resolve(dirname(manifestPath), manifest.file);
  const actual = await sha256Of(dump);
  if (actual !== manifest.sha256) {
    throw new Error(
      `the dump's SHA-256 is ${actual}, the manifest says ${manifest.sha256}: not restoring a changed or damaged file`,
    );
  }
  const target = databaseName(targetUrl);
  const admin = new Client({ connectionString: withDatabase(targetUrl, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target]);
    if (found.rowCount) {
      throw new Error(`database "${target}" exists: restore into a new database`);
    }
    await admin.query(`CREATE DATABASE "${target}"`);
  } finally {
    await admin.end();
  }
  await run('pg_restore', ['--exit-on-error', '--no-owner', `--dbname=${targetUrl}`, dump]);

  const client = new Client({ connectionString: targetUrl });
  await client.connect();
  let counts: Record<string, number>;
  try {
    counts = await rowCounts(client);
  } finally {
    await client.end();
  }
  const dataSource = createDataSource({ DATABASE_URL: targetUrl, DATABASE_POOL_SIZE: 2 });
  await dataSource.initialize();
  try {
    const verified = await new AuditRepository(dataSource).verify();
    const tables = [...new Set([...Object.keys(manifest.rowCounts), ...Object.keys(counts)])];
    return {
      database: target,
      auditRows: verified.rows,
      auditIntact: verified.firstBreak === null,
      lastHashMatches:
        (manifest.audit.lastHash ?? null) === (verified.rows ? verified.lastHash : null),
      countMismatches: tables
        .filter((t) => manifest.rowCounts[t] !== counts[t])
        .map((t) => ({ table: t, expected: manifest.rowCounts[t] ?? 0, found: counts[t] ?? 0 })),
    };
  } finally {
    await dataSource.destroy();
  }
}

/** Whether a restore reproduced the backup exactly. */
export const restoredIntact = (r: RestoreReport): boolean =>
  r.auditIntact && r.lastHashMatches && r.countMismatches.length === 0;
