import { execFileSync } from 'node:child_process';
import { Client } from 'pg';

/**
 * The same-run baseline: pgbench's TPC-B-like transaction (3 UPDATEs, 1 SELECT, 1 INSERT) at a
 * given client count, on a scratch database of this same PostgreSQL server.
 */
export async function pgbenchTps(
  serverUrl: string,
  clients: number,
  seconds: number,
): Promise<number> {
  const url = new URL(serverUrl);
  const db = `bench_pgbench_${process.pid}`;
  const admin = new Client({ connectionString: withDb(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${db}`);
    const conn = withDb(url, db);
    execFileSync('pgbench', ['-i', '-q', '-s', '1', conn], { stdio: 'ignore' });
    const out = execFileSync(
      'pgbench',
      ['-c', String(clients), '-j', '2', '-T', String(seconds), '-b', 'tpcb-like', '-n', conn],
      {
        encoding: 'utf8',
      },
    );
    const match = /tps = ([\d.]+)/.exec(out);
    if (!match) {
      throw new Error(`could not read pgbench output:\n${out}`);
    }
    return Number(match[1]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

function withDb(url: URL, db: string): string {
  const u = new URL(url.toString());
  u.pathname = `/${db}`;
  return u.toString();
}
