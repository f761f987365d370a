import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Locks follow ownership (issue 14, slice 4). Bookings, moves and capacity changes of one transplant
 * centre happen one after the other; they serialised on the centre's `sites` row, a table of the
 * sites module. The scheduling module now serialises them on a row of its own: one per centre,
 * created here for today's centres and on first use for later ones.
 */
export class CentreLocks1764000900000 implements MigrationInterface {
  name = 'CentreLocks1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE transplant_centre_locks (
        centre_id uuid PRIMARY KEY REFERENCES sites(id)
      );
      INSERT INTO transplant_centre_locks (centre_id)
        SELECT id FROM sites WHERE 'transplant_centre' = ANY(roles);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE transplant_centre_locks`);
  }
}
