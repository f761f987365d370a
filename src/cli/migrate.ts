import { loadConfig } from 'src/config/app-config';
import { prepareDatabase } from 'src/cli/prepare';
import { createDataSource } from 'src/database/data-source';

/**
 * `npm run migrate` (development, through ts-node) and `node dist/src/cli/migrate.js` (the image:
 * compiled, no development dependencies; `npm run migrate:prod`): create the database if needed,
 * run pending migrations and the seed, then exit. The migration step of a deployment (the
 * Kubernetes Job, the compose `migrate` service) runs it once before the API and the worker, which
 * then start with MIGRATE_ON_START=false.
 *
 * With `--wait [seconds]` it changes nothing: it waits (default 600 s) until the database answers
 * and has no pending migration, then exits 0 (1 on timeout). The API and worker pods run it as an
 * init container, so they start only after the migration Job has done its work.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const wait = process.argv.indexOf('--wait');
  if (wait >= 0) {
    const seconds = Number(process.argv[wait + 1] ?? 600);
    return waitForMigrations(config.DATABASE_URL, Number.isFinite(seconds) ? seconds : 600);
  }
  const result = await prepareDatabase(config);
  const lines = [
    result.createdDatabase ? 'created the database' : 'database exists',
    result.migrations.length
      ? `ran migrations: ${result.migrations.join(', ')}`
      : 'no pending migrations',
    result.seeded ? 'seeded the RAM-MS trial' : 'trial already seeded',
  ];
  if (result.generatedAdminPassword) {
    lines.push(
      `created admin ${config.ADMIN_EMAIL} with generated password: ${result.generatedAdminPassword} (shown once; to be changed at the first sign-in)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

const EVERY_MS = 2000;

/** Polls every 2 s until the database is up and fully migrated; fails after `seconds`. */
async function waitForMigrations(databaseUrl: string, seconds: number): Promise<void> {
  let last = 'not checked yet';
  for (let tries = Math.max(1, Math.ceil((seconds * 1000) / EVERY_MS)); tries > 0; tries--) {
    const dataSource = createDataSource({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: 1 });
    try {
      await dataSource.initialize();
      // Read only (TypeORM's showMigrations would create the migrations table, racing the Job).
      const [{ present }]: { present: boolean }[] = await dataSource.query(
        `SELECT to_regclass('typeorm_migrations') IS NOT NULL AS present`,
      );
      const done = new Set<string>(
        present
          ? (
              (await dataSource.query(`SELECT name FROM typeorm_migrations`)) as { name: string }[]
            ).map((r) => r.name)
          : [],
      );
      const pending = dataSource.migrations.filter(
        (m) => !done.has(m.name ?? m.constructor.name),
      ).length;
      if (pending === 0) {
        process.stdout.write('the database is migrated\n');
        return;
      }
      last = `${pending} migrations pending`;
    } catch (error) {
      last = (error as Error).message;
    } finally {
      if (dataSource.isInitialized) {
        await dataSource.destroy();
      }
    }
    process.stdout.write(`waiting for the migrations: ${last}\n`);
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
  throw new Error(`the database was not migrated within ${seconds} s (${last})`);
}

main().catch((error: Error) => {
  process.stderr.write(`migrate failed: ${error.message}\n`);
  process.exit(1);
});
