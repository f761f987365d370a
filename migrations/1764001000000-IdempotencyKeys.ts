import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotent creates (issue 15): the kernel's record of each `Idempotency-Key` a user sent with a
 * create, claimed inside the create's own transaction (so a retry racing the first request waits
 * for it and then replays its answer, never creates twice), and the answer given. Keys are per
 * user; a key is kept for a day, then it may be used again.
 */
export class IdempotencyKeys1764001000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        actor_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        status smallint,
        response jsonb,
        PRIMARY KEY (actor_id, key)
      );
      CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
