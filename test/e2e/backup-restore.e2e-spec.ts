import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { backup, type BackupManifest, restore, restoredIntact } from 'src/cli/backup-restore';
import { createTestApp, TestApp } from '../harness/app';
import { dropTestDatabase, superuserClient } from '../harness/database';
import { serverUrl } from '../harness/env';
import { TEST_PASSWORD } from '../harness/factory';

const run = promisify(execFile);

/**
 * Backup and restore (issue 19): `npm run backup` dumps one snapshot with its SHA-256, the audit
 * chain's head and the row counts; `npm run restore` puts it into a new database and proves it is
 * the same data (the audit chain verifies, ends on the same hash, and every table has the same
 * rows). Real pg_dump and pg_restore against the machine's PostgreSQL.
 */
describe('backup and restore (e2e)', () => {
  let t: TestApp;
  let dir: string;
  const restored: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    dir = await mkdtemp(join(tmpdir(), 'ram-ms-backup-'));
    // Data of several kinds: accounts, participants, audit rows of sign-ins.
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    for (let i = 0; i < 3; i++) {
      await t.factory.participant('NL-AMS');
    }
    await t.http().post('/auth/login').send({ email: coordinator.email, password: TEST_PASSWORD });
  });
  afterAll(async () => {
    for (const name of restored) {
      await dropTestDatabase(name);
    }
    await rm(dir, { recursive: true, force: true });
    await t?.close();
  });

  const count = async (database: string, sql: string): Promise<number> => {
    const c = await superuserClient(database);
    try {
      return (await c.query<{ n: number }>(sql)).rows[0].n;
    } finally {
      await c.end();
    }
  };

  it('[REQ-BACK-001] restores a backup into a new database with the same audit chain and the same rows, and nothing written after the snapshot', async () => {
    const manifest = await backup(t.config.DATABASE_URL, dir);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.audit.rows).toBeGreaterThan(0);
    expect(manifest.rowCounts.participants).toBeGreaterThanOrEqual(3);
    expect(manifest.lastMigration).toMatch(/\d{13}$/);
    const onDisk = JSON.parse(
      await readFile(join(dir, manifest.file.replace(/\.dump$/, '.json')), 'utf8'),
    ) as BackupManifest;
    expect(onDisk).toEqual(manifest);

    // Written after the backup: not in the restore.
    await t.factory.participant('NL-AMS');

    const name = `${t.database}_r1`;
    restored.push(name);
    const report = await restore(
      join(dir, manifest.file.replace(/\.dump$/, '.json')),
      serverUrl(name),
    );
    expect(report).toEqual({
      database: name,
      auditRows: manifest.audit.rows,
      auditIntact: true,
      lastHashMatches: true,
      countMismatches: [],
    });
    expect(restoredIntact(report)).toBe(true);
    const sql = `SELECT count(*)::int AS n FROM participants`;
    expect(await count(name, sql)).toBe(manifest.rowCounts.participants);
    expect(await count(t.database, sql)).toBe(manifest.rowCounts.participants + 1);
  });

  it('[REQ-BACK-001] refuses a changed dump, and an existing database, and creates nothing', async () => {
    const manifest = await backup(t.config.DATABASE_URL, dir);
    const manifestPath = join(dir, manifest.file.replace(/\.dump$/, '.json'));
    // A damaged copy: one byte changed.
    const damagedDir = await mkdtemp(join(tmpdir(), 'ram-ms-damaged-'));
    try {
      await copyFile(manifestPath, join(damagedDir, 'm.json'));
      const bytes = await readFile(join(dir, manifest.file));
      bytes[bytes.length >> 1] ^= 0xff;
      await writeFile(join(damagedDir, manifest.file), bytes);
      const name = `${t.database}_r2`;
      restored.push(name);
      await expect(restore(join(damagedDir, 'm.json'), serverUrl(name))).rejects.toThrow(/SHA-256/);
      const c = await superuserClient('postgres');
      try {
        const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        expect(found.rowCount).toBe(0);
      } finally {
        await c.end();
      }
    } finally {
      await rm(damagedDir, { recursive: true, force: true });
    }
    // Never over an existing database (here: the live one).
    await expect(restore(manifestPath, t.config.DATABASE_URL)).rejects.toThrow(/exists/);
  });

  it('[REQ-BACK-001][REQ-AUD-003] restores intact, and its verification catches a restored audit trail changed afterwards', async () => {
    const manifest = await backup(t.config.DATABASE_URL, dir);
    const name = `${t.database}_r3`;
    restored.push(name);
    const report = await restore(
      join(dir, manifest.file.replace(/\.dump$/, '.json')),
      serverUrl(name),
    );
    expect(restoredIntact(report)).toBe(true);
    // The check itself can fail: tamper with the restored audit trail and verify again.
    const c = await superuserClient(name);
    try {
      await c.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await c.query(`UPDATE audit_log SET reason = 'tampered' WHERE seq = 1`);
    } finally {
      await c.end();
    }
    const { AuditRepository } = await import('src/modules/audit/audit.repository');
    const { createDataSource } = await import('src/database/data-source');
    const ds = createDataSource({ DATABASE_URL: serverUrl(name), DATABASE_POOL_SIZE: 1 });
    await ds.initialize();
    try {
      expect((await new AuditRepository(ds).verify()).firstBreak).not.toBeNull();
    } finally {
      await ds.destroy();
    }
  });

  it('[REQ-BACK-001] works as the npm scripts: backup, then restore into a named database, exit 0 with the checks printed', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: t.config.DATABASE_URL,
      BACKUP_DIR: join(dir, 'cli'),
    };
    const node = (script: string, args: string[]) =>
      run(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], { env });
    const made = await node('src/cli/backup.ts', []);
    const manifestPath = /manifest: (\S+\.json)/.exec(made.stdout)?.[1];
    expect(manifestPath).toContain(join(dir, 'cli'));
    const name = `${t.database}_r4`;
    restored.push(name);
    const back = await node('src/cli/restore.ts', [manifestPath as string, '--to', name]);
    expect(back.stdout).toContain(`restored into database "${name}"`);
    expect(back.stdout).toContain('audit chain intact');
    expect(back.stdout).toContain('last hash matches the backup');
    expect(back.stdout).toContain('row counts equal to the backup in every table');
    // A second restore under the same name is refused with exit 1.
    await expect(
      node('src/cli/restore.ts', [manifestPath as string, '--to', name]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('exists'),
    });
  });
});
