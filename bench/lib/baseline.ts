import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export type PgbenchResult = {
  clients: number;
  seconds: number;
  tps: number;
  p50Ms: number;
  p99Ms: number;
  transactions: number;
};

/**
 * The same-run database baseline: pgbench's TPC-B-like transaction (3 UPDATEs, 1 SELECT,
 * 1 INSERT) at a given client count, on a scratch database of the same PostgreSQL server, with
 * throughput and the p50/p99 of the per-transaction latencies (from pgbench's transaction log).
 */
export async function pgbench(
  serverUrl: string,
  clients: number,
  seconds: number,
): Promise<PgbenchResult> {
  const db = `bench_pgbench_${process.pid}`;
  const admin = new Client({ connectionString: withDb(serverUrl, 'postgres') });
  await admin.connect();
  const logDir = mkdtempSync(path.join(tmpdir(), 'pgbench-'));
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${db}`);
    const conn = withDb(serverUrl, db);
    execFileSync('pgbench', ['-i', '-q', '-s', '1', conn], { stdio: 'ignore' });
    const out = execFileSync(
      'pgbench',
      [
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(seconds),
        '-b',
        'tpcb-like',
        '-n',
        '-l',
        `--log-prefix=${path.join(logDir, 'tx')}`,
        conn,
      ],
      { encoding: 'utf8' },
    );
    const match = /tps = ([\d.]+)/.exec(out);
    if (!match) {
      throw new Error(`could not read pgbench output:\n${out}`);
    }
    // Log lines: client_id transaction_no time(us) script_no time_epoch time_us [schedule_lag]
    const latencies: number[] = [];
    for (const f of readdirSync(logDir)) {
      for (const line of readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
        const us = Number(line.split(' ')[2]);
        if (Number.isFinite(us) && line) {
          latencies.push(us / 1000);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ??
      Number.NaN;
    return {
      clients,
      seconds,
      tps: Number(match[1]),
      p50Ms: pct(50),
      p99Ms: pct(99),
      transactions: latencies.length,
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

function withDb(serverUrl: string, db: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Seconds each pgbench baseline runs (BENCH_PGBENCH_SECONDS, default 8). */
export const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 8);
