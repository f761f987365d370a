import { loadConfig } from 'src/config/app-config';
import { createDataSource } from 'src/database/data-source';
import { AuditRepository } from 'src/modules/audit/audit.repository';

/** `npm run audit:verify`: recompute the audit chain; exit 1 and name the first broken link. */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource({ ...config, DATABASE_POOL_SIZE: 2 });
  await dataSource.initialize();
  try {
    const result = await new AuditRepository(dataSource).verify();
    if (result.firstBreak) {
      process.stdout.write(
        `audit chain BROKEN at seq ${result.firstBreak.seq} (${result.firstBreak.problem}); ${result.rows} rows checked\n`,
      );
      process.exitCode = 1;
    } else {
      process.stdout.write(
        `audit chain intact: ${result.rows} rows, last hash ${result.lastHash}\n`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`audit:verify failed: ${error.message}\n`);
  process.exit(2);
});
