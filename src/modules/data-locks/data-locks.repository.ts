import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type DataCutRow = {
  id: string;
  name: string;
  cutoffDate: string;
  cutoffAt: Date;
  timeZone: string;
  status: 'declared' | 'confirmed';
  declaredBy: string;
  declaredByName: string | null;
  declaredAt: Date;
  confirmedBy: string | null;
  confirmedByName: string | null;
  confirmedAt: Date | null;
  exportId: string | null;
  exportFiles: { name: string; sha256: string }[] | null;
};

export type LockRequestRow = {
  id: string;
  action: 'lock' | 'unlock';
  reason: string;
  requestedBy: string;
  requestedByName: string | null;
  requestedRole: string;
  requestedAt: Date;
  status: 'pending' | 'approved' | 'superseded';
  approvedBy: string | null;
  approvedByName: string | null;
  approvedRole: string | null;
  approvedAt: Date | null;
};

export type TrialLockRow = {
  id: string;
  lockedAt: Date;
  reason: string;
  requestedBy: string;
  requestedByName: string | null;
  approvedBy: string | null;
  approvedByName: string | null;
};

export type UnfreezeRow = {
  id: string;
  entity: string;
  entityId: string;
  participantId: string;
  reason: string;
  unfrozenBy: string;
  unfrozenByName: string | null;
  unfrozenAt: Date;
  usedAt: Date | null;
};

const CUT = `c.id, c.name, to_char(c.cutoff_date, 'YYYY-MM-DD') AS "cutoffDate", c.cutoff_at AS "cutoffAt",
  c.time_zone AS "timeZone", c.status, c.declared_by AS "declaredBy", d.display_name AS "declaredByName",
  c.declared_at AS "declaredAt", c.confirmed_by AS "confirmedBy", m.display_name AS "confirmedByName",
  c.confirmed_at AS "confirmedAt", c.export_id AS "exportId", c.export_files AS "exportFiles"
  FROM data_cuts c LEFT JOIN user_directory d ON d.id = c.declared_by
  LEFT JOIN user_directory m ON m.id = c.confirmed_by`;

const REQUEST = `r.id, r.action, r.reason, r.requested_by AS "requestedBy", q.display_name AS "requestedByName",
  r.requested_role AS "requestedRole", r.requested_at AS "requestedAt", r.status,
  r.approved_by AS "approvedBy", a.display_name AS "approvedByName", r.approved_role AS "approvedRole",
  r.approved_at AS "approvedAt"
  FROM trial_lock_requests r LEFT JOIN user_directory q ON q.id = r.requested_by
  LEFT JOIN user_directory a ON a.id = r.approved_by`;

/** The data-locks module's tables (data_cuts, participant_freezes, record_unfreezes, trial_lock_requests, trial_locks). */
@Injectable()
export class DataLocksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // --- data cuts ---

  async insertCut(
    cut: {
      name: string;
      cutoffDate: string;
      cutoffAt: string;
      timeZone: string;
      by: string;
      at: Date;
    },
    em: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO data_cuts (name, cutoff_date, cutoff_at, time_zone, declared_by, declared_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
      [cut.name, cut.cutoffDate, cut.cutoffAt, cut.timeZone, cut.by, cut.at],
    );
    return rows[0]?.id ?? null;
  }

  async cuts(em?: EntityManager): Promise<DataCutRow[]> {
    return this.m(em).query(`SELECT ${CUT} ORDER BY c.seq DESC`);
  }

  async cut(id: string, em?: EntityManager, forUpdate = false): Promise<DataCutRow | null> {
    const rows: DataCutRow[] = await this.m(em).query(
      `SELECT ${CUT} WHERE c.id = $1${forUpdate ? ' FOR UPDATE OF c' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async confirmCut(id: string, by: string, at: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE data_cuts SET status = 'confirmed', confirmed_by = $2, confirmed_at = $3 WHERE id = $1`,
      [id, by, at],
    );
  }

  async setCutExport(
    id: string,
    exportId: string,
    files: { name: string; sha256: string }[],
    em: EntityManager,
  ): Promise<void> {
    await em.query(`UPDATE data_cuts SET export_id = $2, export_files = $3::jsonb WHERE id = $1`, [
      id,
      exportId,
      JSON.stringify(files),
    ]);
  }

  /** The confirmed cuts, earliest cut-off first. */
  async confirmedCuts(em: EntityManager): Promise<{ id: string; name: string; cutoffAt: Date }[]> {
    return em.query(
      `SELECT id, name, cutoff_at AS "cutoffAt" FROM data_cuts WHERE status = 'confirmed' ORDER BY cutoff_at, seq`,
    );
  }

  // --- participant freezes ---

  async participantFreezes(
    participantIds: readonly string[],
    em?: EntityManager,
  ): Promise<Map<string, { frozenAt: Date; reason: string }>> {
    if (participantIds.length === 0) {
      return new Map();
    }
    const rows: { participantId: string; frozenAt: Date; reason: string }[] = await this.m(
      em,
    ).query(
      `SELECT participant_id AS "participantId", frozen_at AS "frozenAt", reason
       FROM participant_freezes WHERE participant_id = ANY($1::uuid[]) AND released_at IS NULL`,
      [participantIds],
    );
    return new Map(rows.map((r) => [r.participantId, { frozenAt: r.frozenAt, reason: r.reason }]));
  }

  async freezeParticipant(
    participantId: string,
    at: Date,
    reason: string,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO participant_freezes (participant_id, frozen_at, reason) VALUES ($1, $2, $3)
       ON CONFLICT (participant_id) DO UPDATE SET frozen_at = $2, reason = $3, released_at = NULL`,
      [participantId, at, reason],
    );
  }

  async releaseParticipant(participantId: string, at: Date, em: EntityManager): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `UPDATE participant_freezes SET released_at = $2 WHERE participant_id = $1 AND released_at IS NULL RETURNING 1`,
      [participantId, at],
    );
    return rows.length > 0;
  }

  // --- unfreezes ---

  async openUnfreezes(
    records: readonly { entity: string; entityId: string }[],
    em: EntityManager,
  ): Promise<Map<string, string>> {
    if (records.length === 0) {
      return new Map();
    }
    const rows: { id: string; entity: string; entityId: string }[] = await em.query(
      `SELECT u.id, u.entity, u.entity_id AS "entityId" FROM record_unfreezes u
       JOIN unnest($1::text[], $2::uuid[]) AS k(entity, entity_id)
         ON u.entity = k.entity AND u.entity_id = k.entity_id
       WHERE u.used_at IS NULL FOR UPDATE OF u`,
      [records.map((r) => r.entity), records.map((r) => r.entityId)],
    );
    return new Map(rows.map((r) => [`${r.entity}:${r.entityId}`, r.id]));
  }

  async insertUnfreeze(
    u: {
      entity: string;
      entityId: string;
      participantId: string;
      reason: string;
      by: string;
      at: Date;
    },
    em: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO record_unfreezes (entity, entity_id, participant_id, reason, unfrozen_by, unfrozen_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
      [u.entity, u.entityId, u.participantId, u.reason, u.by, u.at],
    );
    return rows[0]?.id ?? null;
  }

  async useUnfreezes(ids: readonly string[], at: Date, em: EntityManager): Promise<void> {
    await em.query(`UPDATE record_unfreezes SET used_at = $2 WHERE id = ANY($1::uuid[])`, [
      ids,
      at,
    ]);
  }

  async unfreezes(limit: number, em?: EntityManager): Promise<UnfreezeRow[]> {
    return this.m(em).query(
      `SELECT u.id, u.entity, u.entity_id AS "entityId", u.participant_id AS "participantId", u.reason,
              u.unfrozen_by AS "unfrozenBy", d.display_name AS "unfrozenByName",
              u.unfrozen_at AS "unfrozenAt", u.used_at AS "usedAt"
       FROM record_unfreezes u LEFT JOIN user_directory d ON d.id = u.unfrozen_by
       ORDER BY u.unfrozen_at DESC, u.id LIMIT $1`,
      [limit],
    );
  }

  // --- the trial lock ---

  async activeLock(em?: EntityManager): Promise<TrialLockRow | null> {
    const rows: TrialLockRow[] = await this.m(em).query(
      `SELECT l.id, l.locked_at AS "lockedAt", r.reason, r.requested_by AS "requestedBy",
              q.display_name AS "requestedByName", r.approved_by AS "approvedBy",
              a.display_name AS "approvedByName"
       FROM trial_locks l JOIN trial_lock_requests r ON r.id = l.lock_request_id
       LEFT JOIN user_directory q ON q.id = r.requested_by
       LEFT JOIN user_directory a ON a.id = r.approved_by
       WHERE l.unlocked_at IS NULL`,
    );
    return rows[0] ?? null;
  }

  async lockRequests(limit: number, em?: EntityManager): Promise<LockRequestRow[]> {
    return this.m(em).query(`SELECT ${REQUEST} ORDER BY r.seq DESC LIMIT $1`, [limit]);
  }

  async lockRequest(id: string, em: EntityManager): Promise<LockRequestRow | null> {
    const rows: LockRequestRow[] = await em.query(
      `SELECT ${REQUEST} WHERE r.id = $1 FOR UPDATE OF r`,
      [id],
    );
    return rows[0] ?? null;
  }

  async insertLockRequest(
    r: { action: 'lock' | 'unlock'; reason: string; by: string; role: string; at: Date },
    em: EntityManager,
  ): Promise<string | null> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO trial_lock_requests (action, reason, requested_by, requested_role, requested_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
      [r.action, r.reason, r.by, r.role, r.at],
    );
    return rows[0]?.id ?? null;
  }

  async approveLockRequest(
    id: string,
    by: string,
    role: string,
    at: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE trial_lock_requests SET status = 'approved', approved_by = $2, approved_role = $3, approved_at = $4 WHERE id = $1`,
      [id, by, role, at],
    );
  }

  async supersede(id: string, em: EntityManager): Promise<void> {
    await em.query(`UPDATE trial_lock_requests SET status = 'superseded' WHERE id = $1`, [id]);
  }

  async insertLock(requestId: string, at: Date, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO trial_locks (lock_request_id, locked_at) VALUES ($1, $2) RETURNING id`,
      [requestId, at],
    );
    return rows[0].id;
  }

  async endLock(lockId: string, requestId: string, at: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE trial_locks SET unlocked_at = $3, unlock_request_id = $2 WHERE id = $1`,
      [lockId, requestId, at],
    );
  }

  /** Serialises lock and unlock decisions (one at a time). */
  async lockLatch(em: EntityManager): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('trial_locks'))`);
  }
}
