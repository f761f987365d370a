import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-user calendar subscriptions: a secret in the feed's URL stands for one user acting in one
 * role, for one site's feed (follow-up visits or a centre's transplant admissions). Only the
 * SHA-256 of the secret is kept; a revoked or deactivated account's feed answers 404.
 */
export class CalendarFeeds1764002100000 implements MigrationInterface {
  name = 'CalendarFeeds1764002100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_feeds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        acting_role text NOT NULL,
        feed text NOT NULL CHECK (feed IN ('visits', 'admissions')),
        site_id uuid NOT NULL,
        label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX calendar_feeds_user_idx ON calendar_feeds (user_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_feeds`);
  }
}
