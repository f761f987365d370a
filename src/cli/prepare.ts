import { randomBytes } from 'node:crypto';
import type { AppConfig } from 'src/config/app-config';
import { hashPassword } from 'src/modules/access/password';
import { seedRamMs } from 'src/cli/ram-ms.seed';
import { createDataSource } from 'src/database/data-source';
import { ensureDatabase, withMigrationLock } from 'src/database/database-setup';

export type PrepareResult = {
  createdDatabase: boolean;
  migrations: string[];
  seeded: boolean;
  /** Set only when this start created the admin with a generated password. */
  generatedAdminPassword: string | null;
  adminCreated: boolean;
};

/**
 * Makes a database ready to serve: creates it if missing, then, under an advisory lock, runs
 * pending migrations, seeds the RAM-MS trial if there is none, and creates the first admin if
 * there are no users. Safe to run from several processes at once and on every start.
 */
export async function prepareDatabase(
  config: AppConfig,
  opts: { seed?: boolean } = {},
): Promise<PrepareResult> {
  const createdDatabase = await ensureDatabase(config.DATABASE_URL);
  const dataSource = createDataSource({ ...config, DATABASE_POOL_SIZE: 2 });
  await dataSource.initialize();
  try {
    return await withMigrationLock(dataSource, async () => {
      const migrations = (await dataSource.runMigrations({ transaction: 'each' })).map(
        (m) => m.name,
      );
      if (opts.seed === false) {
        return {
          createdDatabase,
          migrations,
          seeded: false,
          generatedAdminPassword: null,
          adminCreated: false,
        };
      }
      return dataSource.transaction(async (em) => {
        const seeded = await seedRamMs(em);
        const [{ n }]: { n: number }[] = await em.query(`SELECT count(*)::int AS n FROM users`);
        if (n > 0) {
          return {
            createdDatabase,
            migrations,
            seeded,
            generatedAdminPassword: null,
            adminCreated: false,
          };
        }
        const generated = config.ADMIN_PASSWORD ? null : randomBytes(18).toString('base64url');
        const hash = await hashPassword(
          config.ADMIN_PASSWORD ?? (generated as string),
          config.BCRYPT_ROUNDS,
        );
        const [admin]: { id: string }[] = await em.query(
          // A generated password was printed to the console: it must be changed at the first sign-in.
          `INSERT INTO users (email, display_name, password_hash, roles, trial_wide, password_change_required)
           VALUES ($1, 'Administrator', $2, '{admin}', true, $3) RETURNING id`,
          [config.ADMIN_EMAIL.toLowerCase(), hash, generated !== null],
        );
        await em.query(
          `INSERT INTO audit_log (occurred_at, actor_role, action, entity, entity_id, after, prev_hash, hash, seq)
           VALUES (now(), 'system', 'user.created', 'user', $1, jsonb_build_object('roles', '["admin"]'::jsonb, 'trialWide', true, 'passwordChangeRequired', $2::boolean), '', '', 0)`,
          [admin.id, generated !== null],
        );
        return {
          createdDatabase,
          migrations,
          seeded,
          generatedAdminPassword: generated,
          adminCreated: true,
        };
      });
    });
  } finally {
    await dataSource.destroy();
  }
}
