import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed-in sessions (owned by access): one row per sign-in (a refresh-token family) with its
 * acting role, its idle and absolute deadlines and its revocation; and the family's refresh
 * tokens, kept only as SHA-256 hashes. A token is used once: presenting a used token again
 * revokes its family (reuse detection).
 */
export class Sessions1764001600000 implements MigrationInterface {
  name = 'Sessions1764001600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        acting_role text NOT NULL,
        token_version integer NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text,
        CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
      )`);
    await q.query(
      `CREATE INDEX auth_sessions_user_live_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL`,
    );
    await q.query(`CREATE INDEX auth_sessions_absolute_idx ON auth_sessions (absolute_expires_at)`);
    await q.query(`
      CREATE TABLE auth_refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX auth_refresh_tokens_session_idx ON auth_refresh_tokens (session_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_refresh_tokens`);
    await q.query(`DROP TABLE auth_sessions`);
  }
}
