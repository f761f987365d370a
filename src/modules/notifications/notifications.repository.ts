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
    if (rows.length === 0) return 0;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.userId, r.kind, r.subject, r.body, JSON.stringify(r.data ?? {}), r.dedupeKey);
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6})`;
    });
    const result: unknown[] = await (em ?? this.dataSource.manager).query(
      `INSERT INTO notifications (user_id, kind, subject, body, data, dedupe_key) VALUES ${tuples.join(', ')}
       ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
      values,
    );
    return result.length;
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
  async markRead(userId: string, ids: string[] | 'all', now: Date, em: EntityManager): Promise<number> {
    const rows: unknown[] =
      ids === 'all'
        ? await em.query(`UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL RETURNING id`, [userId, now])
        : await em.query(
            `UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
            [userId, ids, now],
          );
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
  }
}
