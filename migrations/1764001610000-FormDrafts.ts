import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unsaved form drafts (owned by drafts): one per user and form, kept on the server so that a
 * half-filled form survives a new sign-in without anything in the browser's storage (ward
 * computers are shared). Deleted when the form is saved or discarded, or after DRAFT_RETENTION_DAYS.
 */
export class FormDrafts1764001610000 implements MigrationInterface {
  name = 'FormDrafts1764001610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE form_drafts (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        form_key text NOT NULL,
        data jsonb NOT NULL,
        saved_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, form_key)
      )`);
    await q.query(`CREATE INDEX form_drafts_expires_idx ON form_drafts (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE form_drafts`);
  }
}
