import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One audit row as other modules may read it (before/after already redacted when written). */
export type AuditRowForExport = {
  seq: number;
  at: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
};

/** What other modules may read of the audit trail. */
@Injectable()
export class AuditReader {
  /**
   * For exports, through the export's snapshot transaction: every audit row about one of
   * `entityIds` (participants, visits, assessments, … by their ids), oldest first.
   */
  async ofEntities(em: EntityManager, entityIds: readonly string[]): Promise<AuditRowForExport[]> {
    if (entityIds.length === 0) {
      return [];
    }
    const rows: (Omit<AuditRowForExport, 'seq' | 'at'> & { seq: string; at: Date })[] =
      await em.query(
        `SELECT seq, occurred_at AS at, actor_id AS "actorId", actor_role AS "actorRole", action, entity,
                entity_id AS "entityId", before, after, reason
           FROM audit_log WHERE entity_id = ANY($1::text[]) ORDER BY seq`,
        [entityIds],
      );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), at: new Date(r.at).toISOString() }));
  }

  /**
   * For exports: when the last audited change of one of `entities` happened (ISO 8601), or null.
   * Every write path audits in its own transaction, so this is the time of the data's last change.
   */
  async lastChangeAt(em: EntityManager, entities: readonly string[]): Promise<string | null> {
    const [row]: { at: Date | null }[] = await em.query(
      `SELECT max(occurred_at) AS at FROM audit_log WHERE entity = ANY($1::text[])`,
      [entities],
    );
    return row.at ? new Date(row.at).toISOString() : null;
  }
}
