import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './processes';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL primary and one streaming replica of its own (the shared server refuses
 * replication connections), started from Debian's binaries as the `postgres` OS user (initdb
 * refuses root) in a temporary folder, on free loopback ports, trust authentication.
 */
export type ReplicatedPostgres = {
  primaryUrl: (database: string) => string;
  replicaUrl: (database: string) => string;
  /** Runs one statement as the superuser on the primary or the replica. */
  query: <T = Record<string, unknown>>(
    on: 'primary' | 'replica',
    database: string,
    sql: string,
    params?: unknown[],
  ) => Promise<T[]>;
  /** Whether the replica has replayed everything the primary has written so far. */
  caughtUp: () => Promise<boolean>;
  /** Stops the replica at once (as a crash would). */
  stopReplica: () => Promise<void>;
  /** Stops both servers at once and deletes their folders (safe to call twice). */
  destroy: () => Promise<void>;
};

const asPostgres = (command: string, args: string[]) =>
  run('runuser', ['-u', 'postgres', '--', path.join(BIN, command), ...args], {
    cwd: os.tmpdir(),
  });

export async function startReplicatedPostgres(): Promise<ReplicatedPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ram-ms-replication-'));
  chownSync(dir, ...postgresIds());
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const started: string[] = [];

  const destroy = async () => {
    for (const data of started.splice(0).reverse()) {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const start = async (data: string) => {
    await asPostgres('pg_ctl', ['-D', data, '-w', '-l', `${data}.log`, 'start']);
    started.push(data);
  };

  try {
    await asPostgres('initdb', ['-D', primaryDir, '--auth=trust', '-U', 'postgres', '--no-sync']);
    // initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
    appendConf(primaryDir, [
      `port = ${primaryPort}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      'fsync = off',
      // Whole statements in pg_stat_activity (the test recognises reads by their text).
      'track_activity_query_size = 16384',
    ]);
    await start(primaryDir);
    await asPostgres('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', replicaDir, '-X', 'stream', '-R', '-c', 'fast'],
    ]);
    appendConf(replicaDir, [`port = ${replicaPort}`]);
    await start(replicaDir);
  } catch (error) {
    await destroy();
    throw error;
  }

  const url = (port: number) => (database: string) =>
    `postgres://postgres@127.0.0.1:${port}/${database}`;
  const primaryUrl = url(primaryPort);
  const replicaUrl = url(replicaPort);
  const query = async <T>(
    on: 'primary' | 'replica',
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> => {
    const client = new Client({
      connectionString: on === 'primary' ? primaryUrl(database) : replicaUrl(database),
    });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    primaryUrl,
    replicaUrl,
    query,
    caughtUp: async () => {
      const [{ lsn }] = await query<{ lsn: string }>(
        'primary',
        'postgres',
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      const [{ done }] = await query<{ done: boolean }>(
        'replica',
        'postgres',
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
        [lsn],
      );
      return done;
    },
    stopReplica: async () => {
      await asPostgres('pg_ctl', ['-D', replicaDir, '-m', 'immediate', 'stop']);
      started.splice(started.indexOf(replicaDir), 1);
    },
    destroy,
  };
}

/** Appends settings to a cluster's postgresql.conf (later lines win; the file stays postgres-owned). */
function appendConf(dataDir: string, lines: string[]): void {
  appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n${lines.join('\n')}\n`);
}

/** The postgres OS user's uid and gid (the test runs as root, as on this machine). */
function postgresIds(): [number, number] {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return [id('-u'), id('-g')];
}
