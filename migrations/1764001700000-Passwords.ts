import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passwords (issue 16), owned by the access module:
 * - `users.password_change_required`: the account must choose a new password before anything
 *   else (a generated first admin, an admin's reset); `password_changed_at` when it last did.
 * - `password_history`: bcrypt hashes of an account's earlier passwords (the most recent only, as
 *   many as PASSWORD_HISTORY needs), so a recent password is not chosen again.
 * - `password_resets`: forgotten-password tokens. Only the SHA-256 of the token is kept to check
 *   it; `sealed_token` (AES-256-GCM) holds the token only until the e-mail is sent, then it is
 *   cleared. Single use (`used_at`), valid until `expires_at`, and one live token per account (a
 *   new request supersedes the old one).
 */
export class Passwords1764001700000 implements MigrationInterface {
  name = 'Passwords1764001700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN password_change_required boolean NOT NULL DEFAULT false,
        ADD COLUMN password_changed_at timestamptz;

      CREATE TABLE password_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        password_hash text NOT NULL,
        replaced_at timestamptz NOT NULL
      );
      CREATE INDEX password_history_user_idx ON password_history (user_id, replaced_at DESC, id);

      CREATE TABLE password_resets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        sealed_token bytea,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
        mailed_at timestamptz,
        used_at timestamptz,
        superseded_at timestamptz
      );
      CREATE UNIQUE INDEX password_resets_live_idx ON password_resets (user_id)
        WHERE used_at IS NULL AND superseded_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE password_resets;
      DROP TABLE password_history;
      ALTER TABLE users DROP COLUMN password_changed_at, DROP COLUMN password_change_required;
    `);
  }
}
