import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type DraftRow = {
  formKey: string;
  data: Record<string, unknown>;
  savedAt: Date;
  expiresAt: Date;
};

const COLUMNS = `form_key AS "formKey", data, saved_at AS "savedAt", expires_at AS "expiresAt"`;

/** SQL of the form drafts: always one user's own. */
@Injectable()
export class DraftsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(userId: string, formKey: string, now: Date): Promise<DraftRow | null> {
    const rows: DraftRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM form_drafts WHERE user_id = $1 AND form_key = $2 AND expires_at > $3`,
      [userId, formKey, now],
    );
    return rows[0] ?? null;
  }

  async upsert(
    userId: string,
    formKey: string,
    json: string,
    now: Date,
    expiresAt: Date,
  ): Promise<DraftRow> {
    const rows: DraftRow[] = await this.dataSource.query(
      `INSERT INTO form_drafts (user_id, form_key, data, saved_at, expires_at)
       VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT (user_id, form_key)
         DO UPDATE SET data = EXCLUDED.data, saved_at = EXCLUDED.saved_at, expires_at = EXCLUDED.expires_at
       RETURNING ${COLUMNS}`,
      [userId, formKey, json, now, expiresAt],
    );
    return rows[0];
  }

  async delete(userId: string, formKey: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM form_drafts WHERE user_id = $1 AND form_key = $2 RETURNING 1`,
      [userId, formKey],
    );
    return rows.length > 0;
  }

  /** Deletes up to `limit` expired drafts (of anyone); a little at each save keeps the table small. */
  async purgeExpired(now: Date, limit: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM form_drafts WHERE ctid IN
         (SELECT ctid FROM form_drafts WHERE expires_at <= $1 LIMIT $2)`,
      [now, limit],
    );
  }
}
