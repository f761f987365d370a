import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on (issue 16): OpenID Connect against a hospital's identity provider.
 * - `users.password_hash` may be NULL: an account that signs in only through the provider.
 * - `sso_states`: one row per started authorization request (sign-in or re-authentication), kept
 *   by the SHA-256 of its `state`; used once, short-lived. The nonce and PKCE verifier are derived
 *   from the state with a server key, so neither is stored.
 * - `user_sso_links`: the provider subject an account was first matched to (by e-mail); later
 *   sign-ins and re-authentications must present the same subject.
 * - `user_signing_passwords`: a password set only for electronic signatures (21 CFR 11.200), bcrypt.
 * - `signing_assertions`: proof of a fresh authentication at the provider (prompt=login), single
 *   use, short-lived, bound to the user and a purpose; kept by the SHA-256 of the token.
 */
export class SingleSignOn1764001900000 implements MigrationInterface {
  name = 'SingleSignOn1764001900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

      CREATE TABLE sso_states (
        state_hash text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('sign_in', 'signature', 'signing_password')),
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        role text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK ((purpose = 'sign_in') = (user_id IS NULL))
      );
      CREATE INDEX sso_states_expires_idx ON sso_states (expires_at);

      CREATE TABLE user_sso_links (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        issuer text NOT NULL,
        subject text NOT NULL,
        linked_at timestamptz NOT NULL,
        last_authenticated_at timestamptz NOT NULL,
        UNIQUE (issuer, subject)
      );

      CREATE TABLE user_signing_passwords (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        password_hash text NOT NULL,
        set_at timestamptz NOT NULL
      );

      CREATE TABLE signing_assertions (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('signature', 'signing_password')),
        auth_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX signing_assertions_expires_idx ON signing_assertions (expires_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE signing_assertions;
      DROP TABLE user_signing_passwords;
      DROP TABLE user_sso_links;
      DROP TABLE sso_states;
      -- An account without a password keeps one no password matches (bcrypt compares '!' as false).
      UPDATE users SET password_hash = '!' WHERE password_hash IS NULL;
      ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;
    `);
  }
}
