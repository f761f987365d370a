import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factor (issue 16): a user's TOTP secret (RFC 6238), encrypted at rest with AES-256-GCM
 * under SECOND_FACTOR_KEYS (key id, IV, tag, ciphertext; the row's user id is the AAD), when it
 * was confirmed, the last time step a code was accepted for (a code is never accepted twice) and
 * the wrong codes in a row at sign-in (after too many the second step pauses for a while);
 * the user's single-use recovery codes as SHA-256 hashes; and the roles whose sign-in requires a
 * second factor (one row, chosen by an admin).
 */
export class SecondFactor1764001800000 implements MigrationInterface {
  name = 'SecondFactor1764001800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_second_factors (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        key_id text NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        failures integer NOT NULL DEFAULT 0,
        last_failure_at timestamptz
      );

      CREATE TABLE second_factor_recovery_codes (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        created_at timestamptz NOT NULL,
        used_at timestamptz,
        PRIMARY KEY (user_id, code_hash)
      );

      CREATE TABLE second_factor_policy (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        required_roles text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz,
        updated_by uuid REFERENCES users(id) ON DELETE SET NULL
      );
      INSERT INTO second_factor_policy (id) VALUES (true);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE second_factor_policy; DROP TABLE second_factor_recovery_codes; DROP TABLE user_second_factors`,
    );
  }
}
