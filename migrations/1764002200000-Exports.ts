import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data out (issue 17): one row per export asked for. The worker fills in the snapshot time, the
 * progress and the files written (name, rows, bytes, SHA-256); the files themselves live in the
 * export file store (EXPORT_DIR), never in the database.
 */
export class Exports1764002200000 implements MigrationInterface {
  name = 'Exports1764002200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Insertion order (created_at ties under a fixed clock): the list's newest-first order.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        requested_by uuid NOT NULL REFERENCES users(id),
        role text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'odm', 'dataset-json')),
        options jsonb NOT NULL CHECK (jsonb_typeof(options) = 'object'),
        scope uuid[],
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        snapshot_at timestamptz,
        files jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(files) = 'array'),
        error text,
        created_at timestamptz NOT NULL,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX exports_requested_by_idx ON exports (requested_by, seq DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE exports`);
  }
}
