import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/** Advisory-lock key shared by every process that migrates or seeds this database. */
const MIGRATION_LOCK_KEY = 7_204_118_001;

/** Creates the database named in the URL when it does not exist (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
    throw new Error(`DATABASE_URL: unsupported database name "${name}"`);
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) {
      return false;
    }
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      // Created concurrently by another process starting at the same moment: PostgreSQL reports
      // that as 42P04, or (when both CREATEs pass the existence check) as a unique violation on
      // its own catalogue index.
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === '42P04' || (code === '23505' && constraint === 'pg_database_datname_index')) {
        return false;
      }
      throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` while holding a session-level advisory lock on its own connection, so that two
 * processes starting at once migrate and seed one after the other.
 */
export async function withMigrationLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
