import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type NotificationRow = {
  id: string;
  kind: string;
  subject: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
};

export type EmailableNotification = {
  id: string;
  subject: string;
  body: string;
  emailedAt: Date | null;
  email: string;
  active: boolean;
};

export type NewNotification = {
  userId: string;
  kind: string;
  subject: string;
  body: string;
  data?: Record<string, unknown>;
  dedupeKey: string;
};

@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent: the same (user, dedupe key) is stored once however often a job runs. */
  async insertMany(rows: NewNotification[], em?: EntityManager): Promise<number> {
    return (await this.insertReturning(rows, em)).length;
  }

  /** As insertMany, returning the ids of the rows that were new. */
  async insertReturning(rows: NewNotification[], em?: EntityManager): Promise<string[]> {
    if (rows.length === 0) {
      return [];
    }
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.userId, r.kind, r.subject, r.body, JSON.stringify(r.data ?? {}), r.dedupeKey);
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6})`;
    });
    const result: { id: string }[] = await (em ?? this.dataSource.manager).query(
      `INSERT INTO notifications (user_id, kind, subject, body, data, dedupe_key) VALUES ${tuples.join(', ')}
       ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
      values,
    );
    return result.map((r) => r.id);
  }

  /** One message with its recipient's address, for SMTP delivery. */
  async forEmail(id: string): Promise<EmailableNotification | null> {
    const rows: EmailableNotification[] = await this.dataSource.query(
      `SELECT n.id, n.subject, n.body, n.emailed_at AS "emailedAt", u.email, u.active
       FROM notifications n JOIN user_directory u ON u.id = n.user_id WHERE n.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Is there a message with this dedupe key in the user's inbox? */
  async exists(userId: string, dedupeKey: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notifications WHERE user_id = $1 AND dedupe_key = $2 LIMIT 1`,
      [userId, dedupeKey],
    );
    return rows.length > 0;
  }

  /** Is a message with this dedupe key in any of these users' inboxes (the unique key's index)? */
  async existsForAny(userIds: readonly string[], dedupeKey: string): Promise<boolean> {
    if (userIds.length === 0) {
      return false;
    }
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notifications WHERE user_id = ANY($1::uuid[]) AND dedupe_key = $2 LIMIT 1`,
      [userIds, dedupeKey],
    );
    return rows.length > 0;
  }

  /** Stamps a message as e-mailed; false when another delivery stamped it first. */
  async markEmailed(id: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE notifications SET emailed_at = $2 WHERE id = $1 AND emailed_at IS NULL RETURNING id`,
      [id, now],
    );
    const list = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return list.length > 0;
  }

  async inbox(userId: string, unreadOnly: boolean, page: number, pageSize: number) {
    const clause = `WHERE user_id = $1 ${unreadOnly ? 'AND read_at IS NULL' : ''}`;
    const [items, counts] = await Promise.all([
      this.dataSource.query(
        `SELECT id, kind, subject, body, data, created_at AS "createdAt", read_at AS "readAt"
         FROM notifications ${clause} ORDER BY created_at DESC, id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        [userId],
      ) as Promise<NotificationRow[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notifications ${clause}`,
        [userId],
      ) as Promise<{ total: number; unread: number }[]>,
    ]);
    return { items, total: counts[0].total, unread: counts[0].unread };
  }

  async unreadCount(userId: string): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
      [userId],
    );
    return rows[0].n;
  }

  /** Marks the user's own notifications read; returns how many changed. */
  async markRead(
    userId: string,
    ids: string[] | 'all',
    now: Date,
    em: EntityManager,
  ): Promise<number> {
    const rows: unknown[] =
      ids === 'all'
        ? await em.query(
            `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL RETURNING id`,
            [userId, now],
          )
        : await em.query(
            `UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
            [userId, ids, now],
          );
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }
}
