import { resolve } from 'node:path';
import { loadConfig } from 'src/config/app-config';
import { backup } from 'src/cli/backup-restore';

/**
 * `npm run backup [-- --out <folder>]`: a pg_dump of one snapshot with its SHA-256, the audit
 * chain head and the row counts (`<database>-<time>.dump` and `.json`, in BACKUP_DIR).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const at = process.argv.indexOf('--out');
  const dir = resolve(at > 0 && process.argv[at + 1] ? process.argv[at + 1] : config.BACKUP_DIR);
  const m = await backup(config.DATABASE_URL, dir);
  process.stdout.write(
    [
      `backup written: ${resolve(dir, m.file)} (${m.bytes} bytes)`,
      `sha256 ${m.sha256}`,
      `snapshot at ${m.takenAt}; audit chain head: seq ${m.audit.lastSeq ?? '-'} hash ${m.audit.lastHash ?? '-'}`,
      `manifest: ${resolve(dir, m.file.replace(/\.dump$/, '.json'))}`,
    ].join('\n') + '\n',
  );
}

main().catch((error: Error) => {
  process.stderr.write(`backup failed: ${error.message}\n`);
  process.exit(1);
});
