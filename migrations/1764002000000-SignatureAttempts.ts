import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Electronic-signature lockout (access): per user, the wrong signature passwords in the current
 * window (an attempt counts from its start, so concurrent guesses cannot pass the limit) and the
 * instant until which signing is locked. In PostgreSQL, not Redis: the lock holds for every API
 * process and survives the loss of Redis.
 */
export class SignatureAttempts1764002000000 implements MigrationInterface {
  name = 'SignatureAttempts1764002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signature_attempts (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        failures int NOT NULL DEFAULT 0 CHECK (failures >= 0),
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signature_attempts`);
  }
}
