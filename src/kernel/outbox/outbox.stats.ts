import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The outbox's backlog, for monitoring: rows not yet relayed and the age of the oldest. */
@Injectable()
export class OutboxStats {
  constructor(private readonly dataSource: DataSource) {}

  async backlog(): Promise<{ rows: number; oldestAgeSeconds: number }> {
    const [row]: { rows: number; age: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS rows,
              extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM outbox WHERE sent_at IS NULL`,
    );
    return { rows: row.rows, oldestAgeSeconds: Math.max(0, row.age ?? 0) };
  }
}
