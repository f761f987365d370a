import { loadConfig } from 'src/config/app-config';
import { prepareDatabase } from 'src/cli/prepare';

/** `npm run migrate`: create the database if needed, run pending migrations and the seed, then exit. */
async function main(): Promise<void> {
  const config = loadConfig();
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

main().catch((error: Error) => {
  process.stderr.write(`migrate failed: ${error.message}\n`);
  process.exit(1);
});
