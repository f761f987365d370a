// Global setup runs outside Jest's module system: resolve the absolute `src/...` imports here too.
import 'tsconfig-paths/register';
import { Client } from 'pg';
import { createDataSource } from 'src/database/data-source';
import { seedRamMs } from 'src/cli/ram-ms.seed';
import { serverUrl } from './env';

/**
 * Builds this run's template database once: migrations (never synchronize) plus the RAM-MS seed.
 * Every test file then clones it with CREATE DATABASE … TEMPLATE. Jest calls this once per project;
 * the template is built on the first call only.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  if (process.env.RT_TEMPLATE_DB) {
    return;
  }
  const name = `rt_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const ds = createDataSource({ DATABASE_URL: serverUrl(name), DATABASE_POOL_SIZE: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await ds.transaction((em) => seedRamMs(em));
  } finally {
    await ds.destroy();
  }
  process.env.RT_TEMPLATE_DB = name;
}
