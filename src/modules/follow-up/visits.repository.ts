import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { PlannedVisit } from './calendar/visit-calendar';
import type {
  DeviationEntity,
  ScheduleEntity,
  SiteVisitData,
  UnscheduledReason,
  VisitEntity,
  VisitStatus,
} from './entities/visit.entity';

/** Dates leave PostgreSQL as 'YYYY-MM-DD' text (never as JS Dates in the process's zone). */
export const VISIT_COLUMNS = `v.id, v.participant_id AS "participantId", v.site_id AS "siteId", p.study_id AS "studyId",
  v.code, v.kind, v.anchor, v.offset_days AS "offsetDays", v.label, v.assessments,
  v.is_primary AS "isPrimary", v.is_endpoint AS "isEndpoint", v.mri_rebaseline AS "mriRebaseline",
  v.target_date::text AS "targetDate", v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd",
  v.status, v.logged_date::text AS "loggedDate", v.logged_at AS "loggedAt", v.site_data AS "siteData",
  v.unscheduled_reason AS "unscheduledReason", v.edss_score::float8 AS "edssScore", v.edss_date::text AS "edssDate",
  v.edss_rater AS "edssRater", v.mri_date::text AS "mriDate", v.mri_gd_lesions AS "mriGdLesions",
  v.mri_new_t2_lesions AS "mriNewT2Lesions", v.mri_compared_with::text AS "mriComparedWith",
  v.missed_on::text AS "missedOn", v.cancelled_at AS "cancelledAt", v.cancel_reason AS "cancelReason",
  v.version, v.created_at AS "createdAt", v.updated_at AS "updatedAt"`;

const SCHEDULE_COLUMNS = `participant_id AS "participantId", status, site_id AS "siteId", template_id AS "templateId",
  time_zone AS "timeZone", anchor_date::text AS "anchorDate", transplant_day0::text AS "transplantDay0",
  generated_at AS "generatedAt", cancelled_at AS "cancelledAt", cancel_reason AS "cancelReason", version`;

const DEVIATION_COLUMNS = `d.id, d.visit_id AS "visitId", d.participant_id AS "participantId", p.study_id AS "studyId",
  d.site_id AS "siteId", s.country_code || '-' || s.code AS "siteLabel", d.kind, d.visit_code AS "visitCode",
  v.kind AS "visitKind", d.visit_date::text AS "visitDate", d.window_start::text AS "windowStart",
  d.window_end::text AS "windowEnd", d.days_outside AS "daysOutside", d.direction, d.status,
  d.void_reason AS "voidReason", d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** `scope` null = every site; `blinded` hides the arm-A weekly visits (they reveal the arm). */
export type VisitReadScope = { sites: readonly string[] | null; blinded: boolean };

export type AllocationFacts = {
  participantId: string;
  siteId: string;
  participantStatus: string;
  arm: 'A' | 'B';
  randomisedAt: Date;
  timeZone: string;
};

export type ParticipantRef = { id: string; siteId: string; studyId: string | null; status: string };

export type SiteRef = { id: string; label: string; timeZone: string };

export type NewVisit = PlannedVisit & { label: string; templateId: string };

export type CalendarItem = {
  visitId: string;
  participantId: string;
  studyId: string | null;
  code: string;
  label: string;
  kind: VisitEntity['kind'];
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  status: VisitStatus;
};

const scopeClause = (param: number) =>
  `($${param}::uuid[] IS NULL OR v.site_id = ANY($${param}::uuid[]))`;
const blindClause = (param: number) => `($${param}::boolean = false OR v.kind <> 'arm_a_weekly')`;

/** A visit on the blinded assessor's worklist (no arm-A weekly visit, nothing arm-revealing). */
export type AssessorWorkItem = {
  visitId: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  code: string;
  label: string;
  kind: string;
  status: string;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  loggedDate: string | null;
  needs: ('edss' | 'mri')[];
  missing: ('edss' | 'mri')[];
};

/** Schedules, visits and deviations: the only place with SQL for them. */
@Injectable()
export class VisitsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The participant of each visit and protocol deviation that belongs to one of `participantIds`
   * or has one of `recordIds` (uuids) as its id.
   */
  recordOwners(
    participantIds: readonly string[],
    recordIds: readonly string[],
    em?: EntityManager,
  ): Promise<{ id: string; participantId: string }[]> {
    return (em ?? this.dataSource.manager).query(
      `SELECT id, participant_id AS "participantId" FROM visits
        WHERE participant_id = ANY($1::uuid[]) OR id = ANY($2::uuid[])
       UNION ALL
       SELECT id, participant_id AS "participantId" FROM protocol_deviations
        WHERE participant_id = ANY($1::uuid[]) OR id = ANY($2::uuid[])`,
      [participantIds, recordIds],
    );
  }

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- generation ------------------------------------------------------------------------

  /** Arm, randomisation instant and the participant's site zone; null when not randomised. */
  async allocationFacts(
    participantId: string,
    em?: EntityManager,
  ): Promise<AllocationFacts | null> {
    const rows: AllocationFacts[] = await this.m(em).query(
      `SELECT p.id AS "participantId", p.site_id AS "siteId", p.status AS "participantStatus", a.arm,
              a.randomised_at AS "randomisedAt", s.time_zone AS "timeZone"
       FROM allocation_directory a JOIN participant_directory p ON p.id = a.participant_id JOIN site_directory s ON s.id = p.site_id
       WHERE a.participant_id = $1`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  /** The participant's schedule row, created if absent, locked for the rest of the transaction. */
  async lockSchedule(participantId: string, em: EntityManager): Promise<ScheduleEntity> {
    await em.query(
      `INSERT INTO follow_up_schedules (participant_id) VALUES ($1) ON CONFLICT (participant_id) DO NOTHING`,
      [participantId],
    );
    const rows: ScheduleEntity[] = await em.query(
      `SELECT ${SCHEDULE_COLUMNS} FROM follow_up_schedules WHERE participant_id = $1 FOR UPDATE`,
      [participantId],
    );
    return rows[0];
  }

  async findSchedule(participantId: string, em?: EntityManager): Promise<ScheduleEntity | null> {
    const rows: ScheduleEntity[] = await this.m(em).query(
      `SELECT ${SCHEDULE_COLUMNS} FROM follow_up_schedules WHERE participant_id = $1`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  async saveSchedule(
    s: Pick<
      ScheduleEntity,
      'participantId' | 'siteId' | 'templateId' | 'timeZone' | 'anchorDate' | 'transplantDay0'
    >,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE follow_up_schedules SET site_id = $2, template_id = $3, time_zone = $4, anchor_date = $5::date,
         transplant_day0 = $6::date, generated_at = COALESCE(generated_at, $7), updated_at = $7, version = version + 1
       WHERE participant_id = $1`,
      [s.participantId, s.siteId, s.templateId, s.timeZone, s.anchorDate, s.transplantDay0, now],
    );
  }

  async setScheduleDay0(
    participantId: string,
    day0: string,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE follow_up_schedules SET transplant_day0 = $2::date, updated_at = $3, version = version + 1 WHERE participant_id = $1`,
      [participantId, day0, now],
    );
  }

  async cancelSchedule(
    participantId: string,
    reason: string,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE follow_up_schedules SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, updated_at = $2,
         version = version + 1 WHERE participant_id = $1`,
      [participantId, now, reason],
    );
  }

  /** Inserts the visits that do not exist yet (unique participant + code); returns the new codes. */
  async insertVisits(
    participantId: string,
    siteId: string,
    visits: NewVisit[],
    em: EntityManager,
  ): Promise<string[]> {
    if (visits.length === 0) {
      return [];
    }
    const values: unknown[] = [participantId, siteId];
    const tuples = visits.map((v) => {
      const b = values.length;
      values.push(
        v.code,
        v.kind,
        v.anchor,
        v.offsetDays,
        v.label,
        [...v.assessments],
        v.primary === true,
        v.endpoint === true,
        v.mriRebaseline === true,
        v.templateId,
        v.targetDate,
        v.windowStart,
        v.windowEnd,
      );
      const p = (i: number) => `$${b + i}`;
      return `($1, $2, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::int, ${p(5)}, ${p(6)}::text[], ${p(7)}::boolean, ${p(8)}::boolean,
        ${p(9)}::boolean, ${p(10)}, ${p(11)}::date, ${p(12)}::date, ${p(13)}::date)`;
    });
    const rows: { code: string }[] = await em.query(
      `INSERT INTO visits (participant_id, site_id, code, kind, anchor, offset_days, label, assessments, is_primary,
         is_endpoint, mri_rebaseline, template_id, target_date, window_start, window_end)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (participant_id, code) DO NOTHING RETURNING code`,
      values,
    );
    return rows.map((r) => r.code);
  }

  /**
   * Moves an unlogged visit (re-anchoring). A visit marked missed against the old dates, or parked
   * when day 0 was cleared, is open again; the sweep judges it afresh on its new dates.
   */
  async moveVisit(
    id: string,
    dates: { targetDate: string; windowStart: string; windowEnd: string },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE visits SET target_date = $2::date, window_start = $3::date, window_end = $4::date, status = 'scheduled',
         missed_on = NULL, cancelled_at = NULL, cancel_reason = NULL, updated_at = $5, version = version + 1
       WHERE id = $1 AND status <> 'logged'`,
      [id, dates.targetDate, dates.windowStart, dates.windowEnd, now],
    );
  }

  /** Cancels the open arm-A visits (transplant day 0 cleared) with a reason that lets them reopen. */
  async parkArmAVisits(
    participantId: string,
    reason: string,
    now: Date,
    em: EntityManager,
  ): Promise<{ id: string; code: string }[]> {
    const result: unknown[] = await em.query(
      `UPDATE visits SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, updated_at = $2, version = version + 1
       WHERE participant_id = $1 AND kind = 'arm_a_weekly' AND status IN ('scheduled', 'missed') RETURNING id, code`,
      [participantId, now, reason],
    );
    return (Array.isArray(result[0]) ? result[0] : result) as { id: string; code: string }[];
  }

  /** Cancels every visit still open; logged and missed visits (data and facts) stay. */
  async cancelOpenVisits(
    participantId: string,
    reason: string,
    now: Date,
    em: EntityManager,
  ): Promise<{ id: string; code: string }[]> {
    const result: unknown[] = await em.query(
      `UPDATE visits SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, updated_at = $2, version = version + 1
       WHERE participant_id = $1 AND status = 'scheduled' RETURNING id, code`,
      [participantId, now, reason],
    );
    return (Array.isArray(result[0]) ? result[0] : result) as { id: string; code: string }[];
  }

  // ---- reads -----------------------------------------------------------------------------

  async visitsOf(
    participantId: string,
    em?: EntityManager,
    scope?: VisitReadScope,
  ): Promise<VisitEntity[]> {
    return this.m(em).query(
      `SELECT ${VISIT_COLUMNS} FROM visits v JOIN participant_directory p ON p.id = v.participant_id
       WHERE v.participant_id = $1 AND ${scopeClause(2)} AND ${blindClause(3)}
       ORDER BY v.target_date, CASE v.kind WHEN 'scheduled' THEN 0 WHEN 'arm_a_weekly' THEN 1 ELSE 2 END, v.code`,
      [participantId, scope?.sites ?? null, scope?.blinded ?? false],
    );
  }

  /**
   * For exports: the visits of `participantIds` in schedule order, through `em` (the snapshot);
   * `blinded` leaves out arm-A visits, as every blinded read does.
   */
  exportVisits(
    em: EntityManager,
    participantIds: readonly string[],
    blinded: boolean,
  ): Promise<VisitEntity[]> {
    return em.query(
      `SELECT ${VISIT_COLUMNS} FROM visits v JOIN participant_directory p ON p.id = v.participant_id
       WHERE v.participant_id = ANY($1::uuid[]) AND ${blindClause(2)}
       ORDER BY v.participant_id, v.target_date,
         CASE v.kind WHEN 'scheduled' THEN 0 WHEN 'arm_a_weekly' THEN 1 ELSE 2 END, v.code`,
      [participantIds, blinded],
    );
  }

  async findVisit(
    id: string,
    scope: VisitReadScope,
    em?: EntityManager,
    lock = false,
  ): Promise<VisitEntity | null> {
    const rows: VisitEntity[] = await this.m(em).query(
      `SELECT ${VISIT_COLUMNS} FROM visits v JOIN participant_directory p ON p.id = v.participant_id
       WHERE v.id = $1 AND ${scopeClause(2)} AND ${blindClause(3)} ${lock ? 'FOR UPDATE OF v' : ''}`,
      [id, scope.sites, scope.blinded],
    );
    return rows[0] ?? null;
  }

  async findParticipant(
    id: string,
    sites: readonly string[] | null,
    em?: EntityManager,
  ): Promise<ParticipantRef | null> {
    const rows: ParticipantRef[] = await this.m(em).query(
      `SELECT p.id, p.site_id AS "siteId", p.study_id AS "studyId", p.status FROM participant_directory p
       WHERE p.id = $1 AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[]))`,
      [id, sites],
    );
    return rows[0] ?? null;
  }

  async findSite(id: string, sites: readonly string[] | null): Promise<SiteRef | null> {
    const rows: SiteRef[] = await this.m().query(
      `SELECT s.id, s.country_code || '-' || s.code AS label, s.time_zone AS "timeZone" FROM site_directory s
       WHERE s.id = $1 AND ($2::uuid[] IS NULL OR s.id = ANY($2::uuid[]))`,
      [id, sites],
    );
    return rows[0] ?? null;
  }

  // ---- logging ---------------------------------------------------------------------------

  async logVisit(
    id: string,
    log: { loggedDate: string; siteData: SiteVisitData; loggedBy: string | null },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE visits SET status = 'logged', logged_date = $2::date, site_data = $3::jsonb, logged_by = $4, logged_at = $5,
         missed_on = NULL, updated_at = $5, version = version + 1 WHERE id = $1`,
      [id, log.loggedDate, JSON.stringify(log.siteData), log.loggedBy, now],
    );
  }

  async correctLog(
    id: string,
    log: { loggedDate: string; siteData: SiteVisitData },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE visits SET logged_date = $2::date, site_data = $3::jsonb, updated_at = $4, version = version + 1 WHERE id = $1`,
      [id, log.loggedDate, JSON.stringify(log.siteData), now],
    );
  }

  async setEdss(
    id: string,
    edss: { score: number; date: string; rater: string } | null,
    by: string | null,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE visits SET edss_score = $2, edss_date = $3::date, edss_rater = $4, edss_recorded_by = $5, edss_recorded_at = $6,
         updated_at = $6, version = version + 1 WHERE id = $1`,
      [id, edss?.score ?? null, edss?.date ?? null, edss?.rater ?? null, by, now],
    );
  }

  async setMri(
    id: string,
    mri: { date: string; gdLesions: number; newOrEnlargingT2: number; comparedWith: string } | null,
    by: string | null,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE visits SET mri_date = $2::date, mri_gd_lesions = $3, mri_new_t2_lesions = $4, mri_compared_with = $5::date,
         mri_recorded_by = $6, mri_recorded_at = $7, updated_at = $7, version = version + 1 WHERE id = $1`,
      [
        id,
        mri?.date ?? null,
        mri?.gdLesions ?? null,
        mri?.newOrEnlargingT2 ?? null,
        mri?.comparedWith ?? null,
        by,
        now,
      ],
    );
  }

  /** The next free unscheduled-visit code of a participant (U001, U002, …), under a per-participant lock. */
  async nextUnscheduledCode(participantId: string, em: EntityManager): Promise<string> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('follow-up.unscheduled:' || $1::text))`, [
      participantId,
    ]);
    const rows: { n: number }[] = await em.query(
      `SELECT count(*)::int AS n FROM visits WHERE participant_id = $1 AND kind = 'unscheduled'`,
      [participantId],
    );
    return `U${String(rows[0].n + 1).padStart(3, '0')}`;
  }

  async insertUnscheduled(
    v: {
      participantId: string;
      siteId: string;
      code: string;
      visitDate: string;
      reason: UnscheduledReason;
      siteData: SiteVisitData;
      loggedBy: string | null;
    },
    now: Date,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO visits (participant_id, site_id, code, kind, anchor, label, assessments, target_date, window_start,
         window_end, status, logged_date, logged_at, logged_by, site_data, unscheduled_reason, created_at, updated_at)
       VALUES ($1, $2, $3, 'unscheduled', 'none', $4, '{}', $5::date, $5::date, $5::date, 'logged', $5::date, $6, $7,
         $8::jsonb, $9, $6, $6) RETURNING id`,
      [
        v.participantId,
        v.siteId,
        v.code,
        `Unscheduled visit (${v.reason.replace('_', ' ')})`,
        v.visitDate,
        now,
        v.loggedBy,
        JSON.stringify(v.siteData),
        v.reason,
      ],
    );
    return rows[0].id;
  }

  // ---- deviations ------------------------------------------------------------------------

  async upsertDeviation(
    d: {
      visitId: string;
      participantId: string;
      siteId: string;
      visitCode: string;
      visitDate: string;
      windowStart: string;
      windowEnd: string;
      daysOutside: number;
      direction: 'early' | 'late';
    },
    now: Date,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO protocol_deviations (visit_id, participant_id, site_id, kind, visit_code, visit_date, window_start,
         window_end, days_outside, direction, status, created_at, updated_at)
       VALUES ($1, $2, $3, 'visit_out_of_window', $4, $5::date, $6::date, $7::date, $8, $9, 'open', $10, $10)
       ON CONFLICT (visit_id, kind) DO UPDATE SET visit_date = EXCLUDED.visit_date, window_start = EXCLUDED.window_start,
         window_end = EXCLUDED.window_end, days_outside = EXCLUDED.days_outside, direction = EXCLUDED.direction,
         status = 'open', void_reason = NULL, updated_at = EXCLUDED.updated_at
       RETURNING id`,
      [
        d.visitId,
        d.participantId,
        d.siteId,
        d.visitCode,
        d.visitDate,
        d.windowStart,
        d.windowEnd,
        d.daysOutside,
        d.direction,
        now,
      ],
    );
    return rows[0].id;
  }

  /** Voids the open out-of-window deviation of a visit (its corrected date is inside); returns its id. */
  async voidDeviation(
    visitId: string,
    reason: string,
    now: Date,
    em: EntityManager,
  ): Promise<string | null> {
    const result: unknown[] = await em.query(
      `UPDATE protocol_deviations SET status = 'voided', void_reason = $2, updated_at = $3
       WHERE visit_id = $1 AND kind = 'visit_out_of_window' AND status = 'open' RETURNING id`,
      [visitId, reason, now],
    );
    const rows = (Array.isArray(result[0]) ? result[0] : result) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async findDeviationOf(visitId: string, em?: EntityManager): Promise<DeviationEntity | null> {
    const rows: DeviationEntity[] = await this.m(em).query(
      `SELECT ${DEVIATION_COLUMNS} FROM protocol_deviations d JOIN participant_directory p ON p.id = d.participant_id
       JOIN site_directory s ON s.id = d.site_id JOIN visits v ON v.id = d.visit_id WHERE d.visit_id = $1`,
      [visitId],
    );
    return rows[0] ?? null;
  }

  async listDeviations(
    filter: { siteId?: string; status?: 'open' | 'voided'; participantId?: string },
    scope: VisitReadScope,
    page: number,
    pageSize: number,
  ): Promise<{ items: DeviationEntity[]; total: number }> {
    const params: unknown[] = [scope.sites, scope.blinded];
    const where = [scopeClause(1), blindClause(2)];
    if (filter.siteId) {
      where.push(`d.site_id = $${params.push(filter.siteId)}`);
    }
    if (filter.status) {
      where.push(`d.status = $${params.push(filter.status)}`);
    }
    if (filter.participantId) {
      where.push(`d.participant_id = $${params.push(filter.participantId)}`);
    }
    const from = `FROM protocol_deviations d JOIN visits v ON v.id = d.visit_id JOIN participant_directory p ON p.id = d.participant_id
      JOIN site_directory s ON s.id = d.site_id WHERE ${where.join(' AND ')}`;
    const [items, counts] = await Promise.all([
      this.m().query(
        `SELECT ${DEVIATION_COLUMNS} ${from} ORDER BY d.created_at DESC, d.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<DeviationEntity[]>,
      this.m().query(`SELECT count(*)::int AS n ${from}`, params) as Promise<{ n: number }[]>,
    ]);
    return { items, total: counts[0].n };
  }

  // ---- calendar --------------------------------------------------------------------------

  /** Open visits of a site whose window overlaps [from, to], by target date. */
  async calendar(
    siteId: string,
    from: string,
    to: string,
    blinded: boolean,
    limit = 5000,
  ): Promise<CalendarItem[]> {
    return this.m().query(
      `SELECT v.id AS "visitId", v.participant_id AS "participantId", p.study_id AS "studyId", v.code, v.label, v.kind,
              v.target_date::text AS "targetDate", v.window_start::text AS "windowStart",
              v.window_end::text AS "windowEnd", v.status
       FROM visits v JOIN participant_directory p ON p.id = v.participant_id
       WHERE v.site_id = $1 AND v.status = 'scheduled' AND v.window_end >= $2::date AND v.window_start <= $3::date
         AND ${blindClause(4)}
       ORDER BY v.target_date, p.study_id, v.code LIMIT ${limit}`,
      [siteId, from, to, blinded],
    );
  }

  /**
   * The blinded assessor's worklist: every scheduled or unscheduled visit within the sites that
   * needs the blinded EDSS or an MRI read still missing, logged by the site or not, whose window
   * has opened by `until`; the most urgent (earliest window end) first.
   */
  async assessorWorklist(
    filter: {
      sites: readonly string[] | null;
      siteId?: string;
      missing?: 'edss' | 'mri';
      status?: 'scheduled' | 'logged';
      until: string;
    },
    page: number,
    pageSize: number,
  ): Promise<{ items: AssessorWorkItem[]; total: number }> {
    const missingEdss = `('edss_blinded' = ANY(v.assessments) AND v.edss_score IS NULL)`;
    const missingMri = `('mri' = ANY(v.assessments) AND v.mri_date IS NULL)`;
    const where = `v.kind IN ('scheduled', 'unscheduled') AND v.status IN ('scheduled', 'logged')
         AND ${scopeClause(1)} AND ($2::uuid IS NULL OR v.site_id = $2)
         AND v.window_start <= $3::date
         AND ($4::text IS NULL OR v.status = $4)
         AND CASE $5::text WHEN 'edss' THEN ${missingEdss} WHEN 'mri' THEN ${missingMri}
                            ELSE (${missingEdss} OR ${missingMri}) END`;
    const params = [
      filter.sites,
      filter.siteId ?? null,
      filter.until,
      filter.status ?? null,
      filter.missing ?? null,
    ];
    const rows: (AssessorWorkItem & { total: string })[] = await this.m().query(
      `SELECT v.id AS "visitId", v.participant_id AS "participantId", p.study_id AS "studyId", v.site_id AS "siteId",
              v.code, v.label, v.kind, v.status, v.target_date::text AS "targetDate",
              v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd",
              v.logged_date::text AS "loggedDate",
              array_remove(ARRAY[CASE WHEN 'edss_blinded' = ANY(v.assessments) THEN 'edss' END,
                                 CASE WHEN 'mri' = ANY(v.assessments) THEN 'mri' END], NULL) AS needs,
              array_remove(ARRAY[CASE WHEN ${missingEdss} THEN 'edss' END,
                                 CASE WHEN ${missingMri} THEN 'mri' END], NULL) AS missing,
              count(*) OVER () AS total
       FROM visits v JOIN participant_directory p ON p.id = v.participant_id
       WHERE ${where}
       ORDER BY v.window_end, p.study_id, v.code
       LIMIT $6 OFFSET $7`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    return {
      items: rows.map(({ total: _total, ...item }) => item),
      total: rows.length > 0 ? Number(rows[0].total) : 0,
    };
  }
}
