import { basename } from 'node:path';
import { loadConfig } from 'src/config/app-config';
import { restore, restoredIntact } from 'src/cli/backup-restore';

/**
 * `npm run restore -- <manifest.json> [--to <new database name>]`: restores a backup into a new
 * database (on the server of DATABASE_URL), then verifies the audit chain and the row counts;
 * exit 1 when anything differs from the backup.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const manifest = process.argv[2];
  if (!manifest || manifest.startsWith('--')) {
    throw new Error('usage: npm run restore -- <manifest.json> [--to <new database name>]');
  }
  const at = process.argv.indexOf('--to');
  const url = new URL(config.DATABASE_URL);
  // By default the backup's name with "restored": ram_ms-20261203T230000Z → ram_ms_restored_20261203T230000Z.
  const name =
    at > 0 && process.argv[at + 1]
      ? process.argv[at + 1]
      : basename(manifest, '.json').replace(/-(?=\d{8}T)/, '_restored_');
  url.pathname = `/${name}`;
  const report = await restore(manifest, url.toString());
  const lines = [
    `restored into database "${report.database}"`,
    `audit chain ${report.auditIntact ? 'intact' : 'BROKEN'}: ${report.auditRows} rows; last hash ${report.lastHashMatches ? 'matches' : 'DIFFERS from'} the backup`,
    report.countMismatches.length
      ? `row counts DIFFER: ${report.countMismatches.map((c) => `${c.table} ${c.found}/${c.expected}`).join(', ')}`
      : 'row counts equal to the backup in every table',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!restoredIntact(report)) {
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  process.stderr.write(`restore failed: ${error.message}\n`);
  process.exit(1);
});
