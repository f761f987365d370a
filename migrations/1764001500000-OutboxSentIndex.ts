import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The worker's outbox reconciliation (src/kernel/outbox/outbox.reconciler.ts) pages through the
 * rows sent in a recent window, by (sent_at, id): this index keeps each pass proportional to the
 * window, not to the whole outbox.
 */
export class OutboxSentIndex1764001500000 implements MigrationInterface {
  name = 'OutboxSentIndex1764001500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX outbox_sent_idx ON outbox (sent_at, id) WHERE sent_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_sent_idx`);
  }
}
