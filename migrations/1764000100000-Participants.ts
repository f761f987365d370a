import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The participant: one row per person screened at a site, with its pathway state. Identity
 * (name, birth date, contact, national id) is NOT here: it lives encrypted in the identity vault.
 * Study ids are `<country>-<site code>-<4 digits>`, gapless per site through study_id_counters.
 */
export class Participants1764000100000 implements MigrationInterface {
  name = 'Participants1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE study_id_counters (
        site_id uuid PRIMARY KEY REFERENCES sites(id),
        last_number integer NOT NULL DEFAULT 0
      );

      CREATE TABLE participants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trial_id uuid NOT NULL REFERENCES trials(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        study_id text UNIQUE CHECK (study_id ~ '^[A-Z]{2}-[A-Z]{2,5}-[0-9]{4}$'),
        status text NOT NULL,
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 0
      );
      CREATE INDEX participants_site_status_idx ON participants (site_id, status, status_changed_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE participants; DROP TABLE study_id_counters;`);
  }
}
