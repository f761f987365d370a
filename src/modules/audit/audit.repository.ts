import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type AuditRow = {
  seq: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
};

export type AuditFilter = {
  entity?: string;
  entityId?: string;
  /** Rows whose entity id is any of these (a participant's id and its records' ids). */
  entityIds?: readonly string[];
  actorId?: string;
  action?: string;
  /** Actions matching any of these LIKE patterns. */
  actionLike?: readonly string[];
  from?: Date;
  to?: Date;
};

export type ChainBreak = {
  seq: string;
  problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';
};

const GENESIS = '0'.repeat(64);

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(
    filter: AuditFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: AuditRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.entity) {
      where.push(`entity = $${params.push(filter.entity)}`);
    }
    if (filter.entityId) {
      where.push(`entity_id = $${params.push(filter.entityId)}`);
    }
    if (filter.entityIds) {
      where.push(`entity_id = ANY($${params.push(filter.entityIds)}::text[])`);
    }
    if (filter.actorId) {
      where.push(`actor_id = $${params.push(filter.actorId)}`);
    }
    if (filter.action) {
      where.push(`action = $${params.push(filter.action)}`);
    }
    if (filter.actionLike) {
      where.push(`action LIKE ANY($${params.push(filter.actionLike)}::text[])`);
    }
    if (filter.from) {
      where.push(`occurred_at >= $${params.push(filter.from)}`);
    }
    if (filter.to) {
      where.push(`occurred_at < $${params.push(filter.to)}`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, count] = await Promise.all([
      this.dataSource.query(
        `SELECT seq, occurred_at AS "occurredAt", actor_id AS "actorId", actor_role AS "actorRole", action, entity,
                entity_id AS "entityId", before, after, reason, request_id AS "requestId", prev_hash AS "prevHash", hash
         FROM audit_log ${clause} ORDER BY seq DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<AuditRow[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_log ${clause}`,
        params,
      ) as Promise<{ n: number }[]>,
    ]);
    return { items, total: count[0].n };
  }

  /** Every row whose entity id is one of `entityIds`, oldest first (a participant's history). */
  history(entityIds: readonly string[]): Promise<AuditRow[]> {
    return this.dataSource.query(
      `SELECT seq, occurred_at AS "occurredAt", actor_id AS "actorId", actor_role AS "actorRole", action, entity,
              entity_id AS "entityId", before, after, reason, request_id AS "requestId", prev_hash AS "prevHash", hash
       FROM audit_log WHERE entity_id = ANY($1::text[]) ORDER BY seq`,
      [entityIds],
    );
  }

  /**
   * Recomputes every row's hash with the same SQL function the insert trigger uses, and checks
   * each row links to the one before it and that the chain head points at the last row.
   */
  async verify(): Promise<{ rows: number; firstBreak: ChainBreak | null; lastHash: string }> {
    // One snapshot for the rows and the head, so an append committing meanwhile is not a "break".
    return this.dataSource.transaction('REPEATABLE READ', (em) => this.verifyIn(em));
  }

  private async verifyIn(
    em: EntityManager,
  ): Promise<{ rows: number; firstBreak: ChainBreak | null; lastHash: string }> {
    const [broken]: ChainBreak[] = await em.query(
      `SELECT seq::text, CASE
          WHEN hash <> expected THEN 'hash_mismatch'
          WHEN seq <> coalesce(prev_seq, 0) + 1 THEN 'sequence_gap'
          ELSE 'prev_hash_mismatch' END AS problem
       FROM (SELECT a.seq, a.hash, a.prev_hash, audit_row_hash(a) AS expected,
                    lag(a.hash) OVER w AS prev_actual, lag(a.seq) OVER w AS prev_seq
             FROM audit_log a WINDOW w AS (ORDER BY a.seq)) c
       WHERE hash <> expected OR prev_hash <> coalesce(prev_actual, $1) OR seq <> coalesce(prev_seq, 0) + 1
       ORDER BY c.seq LIMIT 1`,
      [GENESIS],
    );
    const [stats]: {
      rows: number;
      last_seq: string | null;
      last_hash: string | null;
      head_seq: string;
      head_hash: string;
    }[] = await em.query(
      `SELECT (SELECT count(*)::int FROM audit_log) AS rows,
                (SELECT max(seq)::text FROM audit_log) AS last_seq,
                (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS last_hash,
                h.last_seq::text AS head_seq, h.last_hash AS head_hash
         FROM audit_chain_head h WHERE h.id = 1`,
    );
    let firstBreak = broken ?? null;
    if (
      !firstBreak &&
      (stats.head_seq !== (stats.last_seq ?? '0') ||
        stats.head_hash !== (stats.last_hash ?? GENESIS))
    ) {
      firstBreak = { seq: stats.head_seq, problem: 'head_mismatch' };
    }
    return { rows: stats.rows, firstBreak, lastHash: stats.last_hash ?? GENESIS };
  }
}
