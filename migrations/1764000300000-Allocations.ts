import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Allocations: exactly one per participant, ever (unique participant_id), and one per position of a
 * stratum's sequence (unique stratum + sequence number). The randomisation module owns writes;
 * scheduling and follow-up read the arm and the randomisation instant from here.
 */
export class Allocations1764000300000 implements MigrationInterface {
  name = 'Allocations1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE allocations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL UNIQUE REFERENCES participants(id),
        trial_id uuid NOT NULL REFERENCES trials(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        environment text NOT NULL DEFAULT 'production' CHECK (environment IN ('production', 'test')),
        stratum_key text NOT NULL,
        sequence_number integer NOT NULL CHECK (sequence_number > 0),
        block_index integer NOT NULL CHECK (block_index >= 0),
        position_in_block integer NOT NULL CHECK (position_in_block > 0),
        block_size integer NOT NULL CHECK (block_size > 0),
        arm text NOT NULL,
        randomised_at timestamptz NOT NULL,
        randomised_by uuid REFERENCES users(id),
        criteria_set_id text NOT NULL,
        UNIQUE (trial_id, environment, stratum_key, sequence_number)
      );
      CREATE INDEX allocations_site_idx ON allocations (site_id, randomised_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE allocations;`);
  }
}
