import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  Arm,
  DiscontinuedInterventionCount,
  PrimaryCount,
  ReceivedCount,
  StatusCount,
} from './consort';

export type SiteFollowUpCounts = {
  siteId: string;
  siteLabel: string;
  timeZone: string;
  today: string;
  monthStart: string;
  monthEnd: string;
  dueThisMonth: number;
  loggedDueThisMonth: number;
  overdue: number;
  missed: number;
  missedThisMonth: number;
  logged: number;
  unscheduled: number;
  openDeviations: number;
  deviationsThisMonth: number;
};

export type SiteVisitItem = {
  visitId: string;
  participantId: string;
  studyId: string | null;
  code: string;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  status: string;
  missedOn: string | null;
};

/**
 * Read-only reporting SQL over the owners' public views (participants, allocations, visits,
 * deviations), run on the connection it is given: the service reads through ReadReplicas, so a
 * replica when one is fit, else the primary.
 */
@Injectable()
export class ReportsRepository {
  /**
   * participants.status × arm (production allocations only; null = not randomised) × the coded
   * exclusion before randomisation (the view's one derivation, shared with the screening log).
   */
  statusCounts(db: EntityManager, sites: readonly string[] | null): Promise<StatusCount[]> {
    return db.query(
      `SELECT p.status, a.arm, p.consort_exclusion AS exclusion, count(*)::int AS n
       FROM participant_directory p LEFT JOIN allocation_directory a ON a.participant_id = p.id AND a.environment = 'production'
       WHERE ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       GROUP BY p.status, a.arm, p.consort_exclusion ORDER BY p.status, a.arm, p.consort_exclusion`,
      [sites],
    );
  }

  /** Received the allocated intervention, per arm: the one derivation, in `allocation_directory`. */
  receivedCounts(db: EntityManager, sites: readonly string[] | null): Promise<ReceivedCount[]> {
    return db.query(
      `SELECT a.arm, a.received, a.not_received_reason AS reason, count(*)::int AS n
       FROM allocation_directory a JOIN participant_directory p ON p.id = a.participant_id
       WHERE a.environment = 'production' AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       GROUP BY a.arm, a.received, a.not_received_reason ORDER BY a.arm`,
      [sites],
    );
  }

  /** Live discontinuations of the allocated intervention, per arm and coded reason. */
  discontinuedInterventionCounts(
    db: EntityManager,
    sites: readonly string[] | null,
  ): Promise<DiscontinuedInterventionCount[]> {
    return db.query(
      `SELECT a.arm, a.discontinuation_reason AS reason, count(*)::int AS n
       FROM allocation_directory a JOIN participant_directory p ON p.id = a.participant_id
       WHERE a.environment = 'production' AND a.discontinued_on IS NOT NULL
         AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       GROUP BY a.arm, a.discontinuation_reason ORDER BY a.arm, a.discontinuation_reason`,
      [sites],
    );
  }

  /** Per arm: week-96 (primary) visit logged, missed/cancelled, or not yet due. */
  primaryCounts(
    db: EntityManager,
    sites: readonly string[] | null,
  ): Promise<(PrimaryCount & { arm: Arm })[]> {
    return db.query(
      `SELECT a.arm,
         count(*) FILTER (WHERE v.status = 'logged')::int AS "withData",
         count(*) FILTER (WHERE v.status IN ('missed', 'cancelled'))::int AS missing,
         count(*) FILTER (WHERE v.id IS NULL OR v.status = 'scheduled')::int AS pending
       FROM allocation_directory a JOIN participant_directory p ON p.id = a.participant_id
       LEFT JOIN visit_directory v ON v.participant_id = a.participant_id AND v.is_primary
       WHERE a.environment = 'production' AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       GROUP BY a.arm ORDER BY a.arm`,
      [sites],
    );
  }

  /**
   * Follow-up counts per site, each site on its own calendar: "today" and "this month" are the
   * site's local date of `now` (or the given month), computed by PostgreSQL from the IANA zone.
   */
  siteCounts(
    db: EntityManager,
    now: Date,
    month: string | null,
    sites: readonly string[] | null,
    siteId: string | null,
  ): Promise<SiteFollowUpCounts[]> {
    return db.query(
      `WITH s AS (
         SELECT s.id, s.label, s.time_zone, ($1::timestamptz AT TIME ZONE s.time_zone)::date AS today
         FROM site_directory s
         WHERE ($3::uuid[] IS NULL OR s.id = ANY($3::uuid[])) AND ($4::uuid IS NULL OR s.id = $4)
       ), m AS (
         SELECT s.*, coalesce(to_date($2, 'YYYY-MM'), date_trunc('month', s.today)::date) AS month_start FROM s
       ), r AS (
         SELECT m.*, (m.month_start + interval '1 month' - interval '1 day')::date AS month_end FROM m
       )
       SELECT r.id AS "siteId", r.label AS "siteLabel", r.time_zone AS "timeZone", r.today::text AS today,
         r.month_start::text AS "monthStart", r.month_end::text AS "monthEnd",
         coalesce(v.due, 0)::int AS "dueThisMonth", coalesce(v.logged_due, 0)::int AS "loggedDueThisMonth",
         coalesce(v.overdue, 0)::int AS overdue, coalesce(v.missed, 0)::int AS missed,
         coalesce(v.missed_month, 0)::int AS "missedThisMonth", coalesce(v.logged, 0)::int AS logged,
         coalesce(v.unscheduled, 0)::int AS unscheduled,
         coalesce(d.open, 0)::int AS "openDeviations", coalesce(d.month, 0)::int AS "deviationsThisMonth"
       FROM r
       LEFT JOIN LATERAL (
         SELECT
           count(*) FILTER (WHERE x.kind <> 'unscheduled' AND x.status <> 'cancelled' AND x.target_date BETWEEN r.month_start AND r.month_end) AS due,
           count(*) FILTER (WHERE x.kind <> 'unscheduled' AND x.status = 'logged' AND x.target_date BETWEEN r.month_start AND r.month_end) AS logged_due,
           count(*) FILTER (WHERE x.status = 'scheduled' AND x.target_date < r.today) AS overdue,
           count(*) FILTER (WHERE x.status = 'missed') AS missed,
           count(*) FILTER (WHERE x.status = 'missed' AND x.missed_on BETWEEN r.month_start AND r.month_end) AS missed_month,
           count(*) FILTER (WHERE x.kind <> 'unscheduled' AND x.status = 'logged') AS logged,
           count(*) FILTER (WHERE x.kind = 'unscheduled') AS unscheduled
         FROM visit_directory x WHERE x.site_id = r.id
       ) v ON true
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE pd.status = 'open') AS open,
                count(*) FILTER (WHERE pd.visit_date BETWEEN r.month_start AND r.month_end) AS month
         FROM deviation_directory pd WHERE pd.site_id = r.id
       ) d ON true
       ORDER BY r.label`,
      [now, month, sites, siteId],
    );
  }

  /** Overdue (open, past target) or missed visits of a site, most urgent first. */
  siteVisits(
    db: EntityManager,
    siteId: string,
    today: string,
    which: 'overdue' | 'missed',
    limit = 100,
  ): Promise<SiteVisitItem[]> {
    const where =
      which === 'overdue'
        ? `v.status = 'scheduled' AND v.target_date < $2::date`
        : `v.status = 'missed' AND $2::date IS NOT NULL`;
    const order =
      which === 'overdue' ? 'v.window_end, v.target_date' : 'v.missed_on DESC, v.window_end DESC';
    return db.query(
      `SELECT v.id AS "visitId", v.participant_id AS "participantId", p.study_id AS "studyId", v.code,
              v.target_date::text AS "targetDate", v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd",
              v.status, v.missed_on::text AS "missedOn"
       FROM visit_directory v JOIN participant_directory p ON p.id = v.participant_id
       WHERE v.site_id = $1 AND ${where} ORDER BY ${order} LIMIT ${limit}`,
      [siteId, today],
    );
  }
}
