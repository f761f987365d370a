import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Site memberships carry start and end dates, as a site's delegation log does (issue 12): a
 * membership counts from its start to its end, both inclusive; null means open. Existing rows stay
 * open at both ends, so nobody loses access by the migration.
 */
export class Memberships1764000600000 implements MigrationInterface {
  name = 'Memberships1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE user_sites
        ADD COLUMN starts_on date,
        ADD COLUMN ends_on date,
        ADD CONSTRAINT user_sites_dates_check CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE user_sites DROP CONSTRAINT user_sites_dates_check, DROP COLUMN ends_on, DROP COLUMN starts_on`,
    );
  }
}
