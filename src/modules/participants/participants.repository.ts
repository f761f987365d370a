import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ScreeningRecord } from 'src/modules/eligibility/screening-record';
import type {
  ParticipantStatus,
  ScreenFailureReason,
  ScreenFailureStage,
} from './participant-status';
import type {
  HistoryKind,
  ParticipantEntity,
  SampleDestruction,
  StatusHistoryRow,
  WithdrawalInitiator,
} from './participant.entity';

const COLUMNS = `p.id, p.trial_id AS "trialId", p.site_id AS "siteId", s.code AS "siteCode",
  s.country_code AS "countryCode", s.time_zone AS "siteTimeZone", p.study_id AS "studyId", p.status,
  p.status_changed_at AS "statusChangedAt", p.registered_at AS "registeredAt", p.created_at AS "createdAt",
  p.updated_at AS "updatedAt", p.version, p.current_episode AS "currentEpisode", p.pre_screening AS "preScreening",
  p.withdrawn_at AS "withdrawnAt", p.withdrawn_from AS "withdrawnFrom", p.withdrawal_reason AS "withdrawalReason",
  p.withdrawal_initiated_by AS "withdrawalInitiatedBy",
  p.screen_failed_at AS "screenFailedAt", p.screen_failure_date::text AS "screenFailureDate",
  p.screen_failure_stage AS "screenFailureStage", p.screen_failure_reason AS "screenFailureReason",
  p.screen_failure_detail AS "screenFailureDetail",
  (SELECT json_build_object('id', d.id, 'requestedAt', d.requested_at, 'requestedBy', d.requested_by,
          'confirmedAt', d.confirmed_at, 'confirmedBy', d.confirmed_by, 'confirmationNote', d.confirmation_note)
     FROM sample_destruction_requests d WHERE d.participant_id = p.id
     ORDER BY d.requested_at DESC, d.id LIMIT 1) AS "sampleDestruction"`;

const SUMMARY_COLUMNS = `p.id, p.trial_id AS "trialId", p.site_id AS "siteId", p.study_id AS "studyId",
  p.status, p.withdrawn_from AS "withdrawnFrom"`;

/** The columns of a participant other modules read (no identity, no clinical data). */
export type ParticipantSummaryRow = {
  id: string;
  trialId: string;
  siteId: string;
  studyId: string | null;
  status: ParticipantStatus;
  withdrawnFrom: ParticipantStatus | null;
};

export type ParticipantFilter = { siteId?: string; status?: ParticipantStatus; q?: string };

export type NewParticipant = {
  trialId: string;
  siteId: string;
  studyId: string | null;
  status: ParticipantStatus;
  registeredAt: Date | null;
  preScreening: ScreeningRecord | null;
  now: Date;
};

export type StatusChange = {
  status: ParticipantStatus;
  now: Date;
  studyId?: string;
  registeredAt?: Date;
  withdrawal?: { from: ParticipantStatus; reason: string | null; initiatedBy: WithdrawalInitiator };
  currentEpisode?: number;
  /** Set with a move to screen_failed; `null` clears the facts (an undo, a re-screening). */
  screenFailure?: {
    date: string;
    stage: ScreenFailureStage;
    reason: ScreenFailureReason;
    detail: string | null;
  } | null;
};

export type HistoryInsert = {
  participantId: string;
  from: ParticipantStatus | null;
  to: ParticipantStatus;
  kind: HistoryKind;
  at: Date;
  actorId: string | null;
  actorRole: string;
  reason: string | null;
  occurredOn?: string | null;
  details?: Record<string, unknown> | null;
};

type Row = Omit<ParticipantEntity, 'sampleDestruction'> & {
  sampleDestruction: Record<string, string | null> | null;
};

function toEntity(row: Row): ParticipantEntity {
  const d = row.sampleDestruction;
  const sampleDestruction: SampleDestruction | null = d
    ? {
        id: String(d.id),
        requestedAt: new Date(String(d.requestedAt)),
        requestedBy: d.requestedBy,
        confirmedAt: d.confirmedAt ? new Date(d.confirmedAt) : null,
        confirmedBy: d.confirmedBy,
        confirmationNote: d.confirmationNote,
      }
    : null;
  return { ...row, sampleDestruction };
}

@Injectable()
export class ParticipantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** The id and study id of each participant with one of `ids` (uuids) or with study id `studyId`. */
  studyIds(
    ids: readonly string[],
    studyId: string | null,
    em?: EntityManager,
  ): Promise<{ id: string; studyId: string }[]> {
    return this.m(em).query(
      `SELECT id, study_id AS "studyId" FROM participants
        WHERE study_id IS NOT NULL AND (id = ANY($1::uuid[]) OR study_id = $2)`,
      [ids, studyId],
    );
  }

  /** A participant within `scope` (site ids; null = every site), optionally locked FOR UPDATE. */
  async findInScope(
    id: string,
    scope: readonly string[] | null,
    em?: EntityManager,
    lock = false,
  ): Promise<ParticipantEntity | null> {
    const rows: Row[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM participants p JOIN site_directory s ON s.id = p.site_id
       WHERE p.id = $1 AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[])) ${lock ? 'FOR UPDATE OF p' : ''}`,
      [id, scope],
    );
    return rows[0] ? toEntity(rows[0]) : null;
  }

  async list(
    filter: ParticipantFilter,
    scope: readonly string[] | null,
    page: number,
    pageSize: number,
  ): Promise<{ items: ParticipantEntity[]; total: number }> {
    const params: unknown[] = [scope];
    const where = ['($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))'];
    if (filter.siteId) {
      where.push(`p.site_id = $${params.push(filter.siteId)}`);
    }
    if (filter.status) {
      where.push(`p.status = $${params.push(filter.status)}`);
    }
    if (filter.q) {
      where.push(`p.study_id LIKE $${params.push(`%${filter.q.toUpperCase()}%`)}`);
    }
    const clause = `WHERE ${where.join(' AND ')}`;
    const [items, count] = await Promise.all([
      this.m().query(
        `SELECT ${COLUMNS} FROM participants p JOIN site_directory s ON s.id = p.site_id ${clause}
         ORDER BY coalesce(p.registered_at, p.created_at) DESC, p.id
         LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<Row[]>,
      this.m().query(`SELECT count(*)::int AS n FROM participants p ${clause}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return { items: items.map(toEntity), total: count[0].n };
  }

  /**
   * Participants within `scope` (site ids; null = every site) of a trial, in study-id order (those
   * without one last), `limit` from `offset`, with the total: the few columns other modules read.
   */
  async summaries(
    trialId: string,
    scope: readonly string[] | null,
    offset: number,
    limit: number,
  ): Promise<{ items: ParticipantSummaryRow[]; total: number }> {
    const clause = `WHERE p.trial_id = $1 AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[]))`;
    const [items, count] = await Promise.all([
      this.m().query(
        `SELECT ${SUMMARY_COLUMNS} FROM participants p ${clause}
         ORDER BY p.study_id NULLS LAST, p.id LIMIT $3 OFFSET $4`,
        [trialId, scope, limit, offset],
      ) as Promise<ParticipantSummaryRow[]>,
      this.m().query(`SELECT count(*)::int AS n FROM participants p ${clause}`, [
        trialId,
        scope,
      ]) as Promise<{ n: number }[]>,
    ]);
    return { items, total: count[0].n };
  }

  /**
   * For exports: registered participants (those with a study id) within `scope`, in study-id
   * order after `after` (keyset paging), at most `limit`, read through `em` (the export's snapshot).
   */
  async exportPage(
    em: EntityManager,
    scope: readonly string[] | null,
    after: string | null,
    limit: number,
  ): Promise<ParticipantEntity[]> {
    const rows: Row[] = await em.query(
      `SELECT ${COLUMNS} FROM participants p JOIN site_directory s ON s.id = p.site_id
       WHERE p.study_id IS NOT NULL AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
         AND ($2::text IS NULL OR p.study_id > $2::text)
       ORDER BY p.study_id LIMIT $3`,
      [scope, after, limit],
    );
    return rows.map(toEntity);
  }

  /**
   * For exports: the follow-up outcome of those of `participantIds` whose status is one (the
   * transition into it: outcome and reason, as POST /participants/:id/outcome took them).
   */
  async exportOutcomes(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<{ participantId: string; outcome: string; reason: string | null }[]> {
    return em.query(
      `SELECT DISTINCT ON (h.participant_id) h.participant_id AS "participantId", h.to_status AS outcome, h.reason
       FROM participant_status_history h JOIN participants p ON p.id = h.participant_id AND p.status = h.to_status
       WHERE h.participant_id = ANY($1::uuid[]) AND h.kind = 'outcome'
       ORDER BY h.participant_id, h.occurred_at DESC`,
      [participantIds],
    );
  }

  /** For exports: how many participants `exportPage` walks through. */
  async exportCount(em: EntityManager, scope: readonly string[] | null): Promise<number> {
    const rows: { n: number }[] = await em.query(
      `SELECT count(*)::int AS n FROM participants p
       WHERE p.study_id IS NOT NULL AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))`,
      [scope],
    );
    return rows[0].n;
  }

  /** One participant within `scope`, the few columns other modules read, or null. */
  async summary(
    id: string,
    scope: readonly string[] | null,
  ): Promise<ParticipantSummaryRow | null> {
    const rows: ParticipantSummaryRow[] = await this.m().query(
      `SELECT ${SUMMARY_COLUMNS} FROM participants p
       WHERE p.id = $1 AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[]))`,
      [id, scope],
    );
    return rows[0] ?? null;
  }

  /**
   * The next study number of a site. The counter row stays locked until the calling
   * transaction ends, so concurrent registrations queue here, and a rolled-back registration
   * rolls its number back too: numbers are sequential and gapless.
   */
  async nextStudyNumber(siteId: string, em: EntityManager): Promise<number> {
    const rows: { n: number }[] = await em.query(
      `INSERT INTO study_id_counters AS c (site_id, last_number) VALUES ($1, 1)
       ON CONFLICT (site_id) DO UPDATE SET last_number = c.last_number + 1
       RETURNING last_number AS n`,
      [siteId],
    );
    return rows[0].n;
  }

  async insert(p: NewParticipant, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO participants (trial_id, site_id, study_id, status, status_changed_at, registered_at, pre_screening,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $5, $5) RETURNING id`,
      [
        p.trialId,
        p.siteId,
        p.studyId,
        p.status,
        p.now,
        p.registeredAt,
        p.preScreening ? JSON.stringify(p.preScreening) : null,
      ],
    );
    return rows[0].id;
  }

  async changeStatus(id: string, change: StatusChange, em: EntityManager): Promise<void> {
    const params: unknown[] = [id, change.status, change.now];
    const sets = [
      'status = $2',
      'status_changed_at = $3',
      'updated_at = $3',
      'version = version + 1',
    ];
    if (change.studyId !== undefined) {
      sets.push(`study_id = $${params.push(change.studyId)}`);
    }
    if (change.registeredAt !== undefined) {
      sets.push(`registered_at = $${params.push(change.registeredAt)}`);
    }
    if (change.currentEpisode !== undefined) {
      sets.push(`current_episode = $${params.push(change.currentEpisode)}`);
    }
    if (change.withdrawal) {
      sets.push(
        'withdrawn_at = $3',
        `withdrawn_from = $${params.push(change.withdrawal.from)}`,
        `withdrawal_reason = $${params.push(change.withdrawal.reason)}`,
        `withdrawal_initiated_by = $${params.push(change.withdrawal.initiatedBy)}`,
      );
    }
    if (change.screenFailure) {
      sets.push(
        'screen_failed_at = $3',
        `screen_failure_date = $${params.push(change.screenFailure.date)}`,
        `screen_failure_stage = $${params.push(change.screenFailure.stage)}`,
        `screen_failure_reason = $${params.push(change.screenFailure.reason)}`,
        `screen_failure_detail = $${params.push(change.screenFailure.detail)}`,
      );
    } else if (change.screenFailure === null) {
      sets.push(
        'screen_failed_at = NULL',
        'screen_failure_date = NULL',
        'screen_failure_stage = NULL',
        'screen_failure_reason = NULL',
        'screen_failure_detail = NULL',
      );
    }
    await em.query(`UPDATE participants SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async touch(id: string, now: Date, em: EntityManager): Promise<void> {
    await em.query(`UPDATE participants SET updated_at = $2, version = version + 1 WHERE id = $1`, [
      id,
      now,
    ]);
  }

  async insertHistory(row: HistoryInsert, em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO participant_status_history (participant_id, from_status, to_status, kind, occurred_at, actor_id,
         actor_role, reason, occurred_on, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [
        row.participantId,
        row.from,
        row.to,
        row.kind,
        row.at,
        row.actorId,
        row.actorRole,
        row.reason,
        row.occurredOn ?? null,
        row.details ? JSON.stringify(row.details) : null,
      ],
    );
  }

  history(participantId: string, em?: EntityManager): Promise<StatusHistoryRow[]> {
    return this.m(em).query(
      `SELECT id::text, from_status AS "fromStatus", to_status AS "toStatus", kind, occurred_at AS "occurredAt",
              actor_id AS "actorId", actor_role AS "actorRole", reason, occurred_on::text AS "occurredOn", details,
              undone_at AS "undoneAt", undone_by AS "undoneBy", undo_reason AS "undoReason"
       FROM participant_status_history h WHERE participant_id = $1 ORDER BY h.id`,
      [participantId],
    );
  }

  /** Marks a history row undone (the row and its values stay). */
  async markUndone(
    historyId: string,
    undo: { at: Date; by: string | null; reason: string },
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE participant_status_history SET undone_at = $2, undone_by = $3, undo_reason = $4 WHERE id = $1`,
      [historyId, undo.at, undo.by, undo.reason],
    );
  }

  /** The calendar date (in the site's zone) of the participant's registration, or null. */
  async registrationDate(participantId: string, em?: EntityManager): Promise<string | null> {
    const rows: { d: string | null }[] = await this.m(em).query(
      `SELECT (p.registered_at AT TIME ZONE s.time_zone)::date::text AS d
       FROM participants p JOIN site_directory s ON s.id = p.site_id WHERE p.id = $1`,
      [participantId],
    );
    return rows[0]?.d ?? null;
  }

  /** The latest step date recorded for the participant (not undone), or null. */
  async lastStepDate(participantId: string, em?: EntityManager): Promise<string | null> {
    const rows: { d: string | null }[] = await this.m(em).query(
      `SELECT max(occurred_on)::text AS d FROM participant_status_history
       WHERE participant_id = $1 AND undone_at IS NULL AND kind <> 'undo'`,
      [participantId],
    );
    return rows[0]?.d ?? null;
  }

  async requestSampleDestruction(
    participantId: string,
    actorId: string | null,
    now: Date,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO sample_destruction_requests (participant_id, requested_at, requested_by) VALUES ($1, $2, $3) RETURNING id`,
      [participantId, now, actorId],
    );
    return rows[0].id;
  }

  /** Confirms the open request, if any; returns its id or null. */
  async confirmSampleDestruction(
    participantId: string,
    actorId: string | null,
    note: string | null,
    now: Date,
    em: EntityManager,
  ): Promise<string | null> {
    // An UPDATE through TypeORM answers [rows, count]; a CTE makes it a plain row set.
    const rows: { id: string }[] = await em.query(
      `WITH confirmed AS (
         UPDATE sample_destruction_requests SET confirmed_at = $2, confirmed_by = $3, confirmation_note = $4
         WHERE participant_id = $1 AND confirmed_at IS NULL RETURNING id)
       SELECT id FROM confirmed`,
      [participantId, now, actorId, note],
    );
    return rows[0]?.id ?? null;
  }
}
