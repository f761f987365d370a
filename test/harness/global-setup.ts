import { Client } from 'pg';
import { createDataSource } from '../../src/database/data-source';
import { seedRamMs } from '../../src/modules/trials/seed/ram-ms.seed';
import { serverUrl, TEMPLATE_DB } from './env';

/**
 * Builds the template database once per run: migrations (never synchronize) plus the RAM-MS
 * seed. Every test file then clones it with CREATE DATABASE … TEMPLATE.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    // Drop databases left behind by an interrupted earlier run.
    const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'rt\\_%'`);
    for (const { datname } of stale.rows as { datname: string }[]) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  } finally {
    await admin.end();
  }
  const ds = createDataSource({ DATABASE_URL: serverUrl(TEMPLATE_DB), DATABASE_POOL_SIZE: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await ds.transaction((em) => seedRamMs(em));
  } finally {
    await ds.destroy();
  }
}
