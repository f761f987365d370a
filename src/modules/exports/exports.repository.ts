import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ExportOptions } from './formats/format.types';

export const EXPORT_FORMAT_IDS = ['csv', 'odm', 'dataset-json'] as const;
export type ExportFormatId = (typeof EXPORT_FORMAT_IDS)[number];
export type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** A file of a finished export. */
export type ExportFileRow = { name: string; rows: number; bytes: number; sha256: string };

export type ExportRecord = {
  id: string;
  requestedBy: string;
  role: string;
  format: ExportFormatId;
  options: ExportOptions;
  /** Site ids, or null for every site. */
  scope: string[] | null;
  status: ExportStatus;
  progress: number;
  snapshotAt: Date | null;
  files: ExportFileRow[];
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

const COLUMNS = `id, requested_by AS "requestedBy", role, format, options, scope, status, progress,
  snapshot_at AS "snapshotAt", files, error, created_at AS "createdAt", finished_at AS "finishedAt"`;

/** The exports table (owned by this module). */
@Injectable()
export class ExportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async insert(
    e: Pick<ExportRecord, 'requestedBy' | 'role' | 'format' | 'options' | 'scope' | 'createdAt'>,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO exports (requested_by, role, format, options, scope, created_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::uuid[], $6) RETURNING id`,
      [e.requestedBy, e.role, e.format, JSON.stringify(e.options), e.scope, e.createdAt],
    );
    return rows[0].id;
  }

  async find(id: string, em?: EntityManager): Promise<ExportRecord | null> {
    const rows: ExportRecord[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM exports WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async listOf(
    requestedBy: string,
    page: number,
    pageSize: number,
  ): Promise<{ items: ExportRecord[]; total: number }> {
    const [items, count] = await Promise.all([
      this.m().query(
        `SELECT ${COLUMNS} FROM exports WHERE requested_by = $1
         ORDER BY seq DESC LIMIT $2 OFFSET $3`,
        [requestedBy, pageSize, (page - 1) * pageSize],
      ) as Promise<ExportRecord[]>,
      this.m().query(`SELECT count(*)::int AS n FROM exports WHERE requested_by = $1`, [
        requestedBy,
      ]) as Promise<{ n: number }[]>,
    ]);
    return { items, total: count[0].n };
  }

  async start(id: string): Promise<void> {
    await this.m().query(
      `UPDATE exports SET status = 'running', progress = 0, error = NULL WHERE id = $1`,
      [id],
    );
  }

  async progress(id: string, progress: number): Promise<void> {
    await this.m().query(`UPDATE exports SET progress = $2 WHERE id = $1`, [id, progress]);
  }

  async finish(
    id: string,
    done: { snapshotAt: string; files: ExportFileRow[]; at: Date },
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE exports SET status = 'done', progress = 100, snapshot_at = $2, files = $3::jsonb,
         finished_at = $4, error = NULL WHERE id = $1`,
      [id, done.snapshotAt, JSON.stringify(done.files), done.at],
    );
  }

  async fail(id: string, error: string, at: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE exports SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1`,
      [id, error, at],
    );
  }
}
