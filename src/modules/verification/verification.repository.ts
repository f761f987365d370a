import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A participant as this module reads it (participant_directory, within a scope). */
export type ParticipantRow = {
  id: string;
  siteId: string;
  siteLabel: string;
  studyId: string | null;
  status: string;
  /** Randomised: has an allocation (a follow-up to end). */
  randomised: boolean;
};

export type SdvMarkRow = {
  id: string;
  participantId: string;
  entity: string;
  entityId: string;
  version: number;
  verifiedBy: string;
  verifiedByName: string | null;
  verifiedAt: Date;
  clearedAt: Date | null;
  clearedByVersion: number | null;
  clearedByName: string | null;
  clearedFields: string[] | null;
  /** Withdrawn by the monitor (not cleared by a change): the reason. */
  undoReason: string | null;
};

export type SignatureRow = {
  id: string;
  participantId: string;
  signerId: string;
  printedName: string;
  signerRole: string;
  meaning: string;
  signatureMethod: string;
  signedAt: Date;
  participantStatus: string;
  records: number;
  voidedAt: Date | null;
  voidedByEntity: string | null;
  voidedByEntityId: string | null;
  voidedByVersion: number | null;
  voidedByName: string | null;
  voidFields: string[] | null;
};

const MARK = `m.id, m.participant_id AS "participantId", m.entity, m.entity_id AS "entityId", m.version,
  m.verified_by AS "verifiedBy", vu.display_name AS "verifiedByName", m.verified_at AS "verifiedAt",
  m.cleared_at AS "clearedAt", m.cleared_by_version AS "clearedByVersion",
  cu.display_name AS "clearedByName", m.cleared_fields AS "clearedFields",
  m.undo_reason AS "undoReason"
  FROM sdv_marks m LEFT JOIN user_directory vu ON vu.id = m.verified_by
  LEFT JOIN user_directory cu ON cu.id = m.cleared_by_actor`;

const SIGNATURE = `s.id, s.participant_id AS "participantId", s.signer_id AS "signerId",
  s.printed_name AS "printedName", s.signer_role AS "signerRole", s.meaning,
  s.signature_method AS "signatureMethod", s.signed_at AS "signedAt",
  s.participant_status AS "participantStatus", s.records, s.voided_at AS "voidedAt",
  s.voided_by_entity AS "voidedByEntity", s.voided_by_entity_id AS "voidedByEntityId",
  s.voided_by_version AS "voidedByVersion", u.display_name AS "voidedByName", s.void_fields AS "voidFields"
  FROM casebook_signatures s LEFT JOIN user_directory u ON u.id = s.voided_by_actor`;

/** A change of a record, as the record-change hook passes it on. */
export type ChangeRef = {
  entity: string;
  entityId: string;
  version: number;
  changes?: readonly { path: string }[];
};

const fieldsOf = (changes: readonly { path: string }[] | undefined) =>
  JSON.stringify((changes ?? []).map((c) => c.path));

/** The tables sdv_marks and casebook_signatures (owned by this module). */
@Injectable()
export class VerificationRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Serialises this module's writes for a participant with the record changes that clear them
   * (the record-change hook takes it too): a mark or signature is either seen by a change or
   * made after it, never lost between the two. Held to the end of the transaction.
   */
  async lockParticipant(participantId: string, em: EntityManager): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('verification:' || $1, 0))`, [
      participantId,
    ]);
  }

  /** A participant within `scope` (site ids, null = every site), or null. */
  async participant(
    id: string,
    scope: readonly string[] | null,
    em?: EntityManager,
  ): Promise<ParticipantRow | null> {
    const rows: ParticipantRow[] = await this.m(em).query(
      `SELECT p.id, p.site_id AS "siteId", s.label AS "siteLabel", p.study_id AS "studyId", p.status,
              EXISTS (SELECT 1 FROM allocation_directory a WHERE a.participant_id = p.id) AS randomised
       FROM participant_directory p JOIN site_directory s ON s.id = p.site_id
       WHERE p.id = $1 AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[]))`,
      [id, scope],
    );
    return rows[0] ?? null;
  }

  /** The registered participants within `scope`, by site and study id. */
  async participants(scope: readonly string[] | null): Promise<ParticipantRow[]> {
    return this.m().query(
      `SELECT p.id, p.site_id AS "siteId", s.label AS "siteLabel", p.study_id AS "studyId", p.status,
              EXISTS (SELECT 1 FROM allocation_directory a WHERE a.participant_id = p.id) AS randomised
       FROM participant_directory p JOIN site_directory s ON s.id = p.site_id
       WHERE p.study_id IS NOT NULL AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       ORDER BY s.label, p.study_id`,
      [scope],
    );
  }

  /** The visit codes of visits (labels of visit records). */
  async visitCodes(visitIds: readonly string[]): Promise<Map<string, string>> {
    if (visitIds.length === 0) {
      return new Map();
    }
    const rows: { id: string; code: string }[] = await this.m().query(
      `SELECT id, code FROM visit_directory WHERE id = ANY($1::uuid[])`,
      [visitIds],
    );
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  /** Every mark of a participant's records (current and cleared), newest first. */
  async marksOf(participantId: string, em?: EntityManager): Promise<SdvMarkRow[]> {
    return this.m(em).query(`SELECT ${MARK} WHERE m.participant_id = $1 ORDER BY m.seq DESC`, [
      participantId,
    ]);
  }

  /** The current (not cleared) mark of a record, or null. */
  async currentMark(
    entity: string,
    entityId: string,
    em: EntityManager,
  ): Promise<SdvMarkRow | null> {
    const rows: SdvMarkRow[] = await em.query(
      `SELECT ${MARK} WHERE m.entity = $1 AND m.entity_id = $2 AND m.cleared_at IS NULL`,
      [entity, entityId],
    );
    return rows[0] ?? null;
  }

  async insertMark(
    m: {
      participantId: string;
      entity: string;
      entityId: string;
      version: number;
      by: string;
      at: Date;
    },
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO sdv_marks (participant_id, entity, entity_id, version, verified_by, verified_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [m.participantId, m.entity, m.entityId, m.version, m.by, m.at],
    );
    return rows[0].id;
  }

  /** Clears the current mark of a record verified at a version before `version`; returns it, or null. */
  async clearMark(
    change: ChangeRef,
    by: string | null,
    at: Date,
    em: EntityManager,
  ): Promise<{ id: string; version: number } | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [{ id: string; version: number }[], number] = await em.query(
      `UPDATE sdv_marks SET cleared_at = $4, cleared_by_version = $3, cleared_by_actor = $5, cleared_fields = $6::jsonb
       WHERE entity = $1 AND entity_id = $2 AND cleared_at IS NULL AND version < $3
       RETURNING id, version`,
      [change.entity, change.entityId, change.version, at, by, fieldsOf(change.changes)],
    );
    return rows[0] ?? null;
  }

  /** Withdraws the current mark of a record (the monitor's undo); returns it, or null. */
  async undoMark(
    entity: string,
    entityId: string,
    reason: string,
    by: string,
    at: Date,
    em: EntityManager,
  ): Promise<{ id: string; version: number } | null> {
    const [rows]: [{ id: string; version: number }[], number] = await em.query(
      `UPDATE sdv_marks SET cleared_at = $3, cleared_by_actor = $4, undo_reason = $5
       WHERE entity = $1 AND entity_id = $2 AND cleared_at IS NULL
       RETURNING id, version`,
      [entity, entityId, at, by, reason],
    );
    return rows[0] ?? null;
  }

  /**
   * Which of these records are verified at their current version (`entity:entityId` keys): a
   * mark not cleared, since a later change clears it.
   */
  async verifiedAmong(
    records: readonly { entity: string; entityId: string }[],
    em: EntityManager,
  ): Promise<Set<string>> {
    if (records.length === 0) {
      return new Set();
    }
    const rows: { entity: string; entityId: string }[] = await em.query(
      `SELECT m.entity, m.entity_id AS "entityId" FROM sdv_marks m
       JOIN unnest($1::text[], $2::uuid[]) AS k(entity, entity_id)
         ON m.entity = k.entity AND m.entity_id = k.entity_id
       WHERE m.cleared_at IS NULL`,
      [records.map((r) => r.entity), records.map((r) => r.entityId)],
    );
    return new Set(rows.map((r) => `${r.entity}:${r.entityId}`));
  }

  /** How many current marks each participant has. */
  async markCounts(participantIds: readonly string[]): Promise<Map<string, number>> {
    if (participantIds.length === 0) {
      return new Map();
    }
    const rows: { participantId: string; verified: number }[] = await this.m().query(
      `SELECT participant_id AS "participantId", count(*)::int AS verified FROM sdv_marks
       WHERE participant_id = ANY($1::uuid[]) AND cleared_at IS NULL GROUP BY participant_id`,
      [participantIds],
    );
    return new Map(rows.map((r) => [r.participantId, r.verified]));
  }

  /** Every signature of a participant's casebook, newest first. */
  async signaturesOf(participantId: string, em?: EntityManager): Promise<SignatureRow[]> {
    return this.m(em).query(`SELECT ${SIGNATURE} WHERE s.participant_id = $1 ORDER BY s.seq DESC`, [
      participantId,
    ]);
  }

  async insertSignature(
    s: Omit<
      SignatureRow,
      | 'id'
      | 'voidedAt'
      | 'voidedByEntity'
      | 'voidedByEntityId'
      | 'voidedByVersion'
      | 'voidedByName'
      | 'voidFields'
    >,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO casebook_signatures (participant_id, signer_id, printed_name, signer_role, meaning,
         signature_method, signed_at, participant_status, records)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        s.participantId,
        s.signerId,
        s.printedName,
        s.signerRole,
        s.meaning,
        s.signatureMethod,
        s.signedAt,
        s.participantStatus,
        s.records,
      ],
    );
    return rows[0].id;
  }

  /** Voids the participant's current signature by a change of one of its records; returns it, or null. */
  async voidSignature(
    participantId: string,
    change: ChangeRef,
    by: string | null,
    at: Date,
    em: EntityManager,
  ): Promise<{ id: string; signedAt: Date; printedName: string } | null> {
    const [rows]: [{ id: string; signedAt: Date; printedName: string }[], number] = await em.query(
      `UPDATE casebook_signatures SET voided_at = $2, voided_by_entity = $3, voided_by_entity_id = $4,
         voided_by_version = $5, voided_by_actor = $6, void_fields = $7::jsonb
       WHERE participant_id = $1 AND voided_at IS NULL
       RETURNING id, signed_at AS "signedAt", printed_name AS "printedName"`,
      [
        participantId,
        at,
        change.entity,
        change.entityId,
        change.version,
        by,
        fieldsOf(change.changes),
      ],
    );
    return rows[0] ?? null;
  }
}
