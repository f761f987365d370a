import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Arm, PrimaryCount, ReceivedCount, StatusCount } from './consort';

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

/** Read-only reporting SQL over participants, allocations, bookings and visits; tolerant of tables still being built. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private async exists(table: string): Promise<boolean> {
    const rows: { ok: boolean }[] = await this.dataSource.query(
      `SELECT to_regclass($1) IS NOT NULL AS ok`,
      [table],
    );
    return rows[0].ok;
  }

  /** participants.status × arm (production allocations only; null = not randomised). */
  statusCounts(sites: readonly string[] | null): Promise<StatusCount[]> {
    return this.dataSource.query(
      `SELECT p.status, a.arm, count(*)::int AS n
       FROM participants p LEFT JOIN allocations a ON a.participant_id = p.id AND a.environment = 'production'
       WHERE ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       GROUP BY p.status, a.arm ORDER BY p.status, a.arm`,
      [sites],
    );
  }

  /**
   * Received the allocated intervention, per arm. Sources, each used only when its table exists
   * (they are written by modules built alongside): the randomisation module's
   * intervention_receipts (received yes/no with a coded reason); for arm A the transplant booking
   * (done = received; a not-received code = not, with its reason) and a transplant day 0 recorded
   * in the follow-up schedule. Anything else is "not yet known".
   */
  async receivedCounts(sites: readonly string[] | null): Promise<ReceivedCount[]> {
    const hasReceipts = await this.exists('intervention_receipts');
    const hasBookings = await this.exists('transplant_bookings');
    const receipts = hasReceipts
      ? `LEFT JOIN intervention_receipts r ON r.participant_id = a.participant_id`
      : `LEFT JOIN (SELECT NULL::uuid AS participant_id, NULL::boolean AS received, NULL::text AS reason_code) r ON false`;
    const bookings = hasBookings
      ? `LEFT JOIN (SELECT participant_id, bool_or(status = 'done') AS done, max(not_received_code) AS not_received
                    FROM transplant_bookings GROUP BY participant_id) b ON b.participant_id = a.participant_id`
      : `LEFT JOIN (SELECT NULL::uuid AS participant_id, NULL::boolean AS done, NULL::text AS not_received) b ON false`;
    return this.dataSource.query(
      `SELECT arm, received, reason, count(*)::int AS n FROM (
         SELECT a.arm,
           CASE WHEN r.received IS NOT NULL THEN r.received
                WHEN a.arm = 'A' AND (b.done OR s.transplant_day0 IS NOT NULL) THEN true
                WHEN a.arm = 'A' AND b.not_received IS NOT NULL THEN false END AS received,
           CASE WHEN r.received = false THEN r.reason_code
                WHEN r.received IS NULL AND a.arm = 'A' AND NOT coalesce(b.done, false) AND s.transplant_day0 IS NULL
                  THEN b.not_received END AS reason
         FROM allocations a JOIN participants p ON p.id = a.participant_id
         LEFT JOIN follow_up_schedules s ON s.participant_id = a.participant_id
         ${receipts}
         ${bookings}
         WHERE a.environment = 'production' AND ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))
       ) x GROUP BY arm, received, reason ORDER BY arm`,
      [sites],
    );
  }

  /** Per arm: week-96 (primary) visit logged, missed/cancelled, or not yet due. */
  primaryCounts(sites: readonly string[] | null): Promise<(PrimaryCount & { arm: Arm })[]> {
    return this.dataSource.query(
      `SELECT a.arm,
         count(*) FILTER (WHERE v.status = 'logged')::int AS "withData",
         count(*) FILTER (WHERE v.status IN ('missed', 'cancelled'))::int AS missing,
         count(*) FILTER (WHERE v.id IS NULL OR v.status = 'scheduled')::int AS pending
       FROM allocations a JOIN participants p ON p.id = a.participant_id
       LEFT JOIN visits v ON v.participant_id = a.participant_id AND v.is_primary
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
    now: Date,
    month: string | null,
    sites: readonly string[] | null,
    siteId: string | null,
  ): Promise<SiteFollowUpCounts[]> {
    return this.dataSource.query(
      `WITH s AS (
         SELECT s.id, s.country_code || '-' || s.code AS label, s.time_zone,
                ($1::timestamptz AT TIME ZONE s.time_zone)::date AS today
         FROM sites s
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
         FROM visits x WHERE x.site_id = r.id
       ) v ON true
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE pd.status = 'open') AS open,
                count(*) FILTER (WHERE pd.visit_date BETWEEN r.month_start AND r.month_end) AS month
         FROM protocol_deviations pd WHERE pd.site_id = r.id
       ) d ON true
       ORDER BY r.label`,
      [now, month, sites, siteId],
    );
  }

  /** Overdue (open, past target) or missed visits of a site, most urgent first. */
  siteVisits(
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
    return this.dataSource.query(
      `SELECT v.id AS "visitId", v.participant_id AS "participantId", p.study_id AS "studyId", v.code,
              v.target_date::text AS "targetDate", v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd",
              v.status, v.missed_on::text AS "missedOn"
       FROM visits v JOIN participants p ON p.id = v.participant_id
       WHERE v.site_id = $1 AND ${where} ORDER BY ${order} LIMIT ${limit}`,
      [siteId, today],
    );
  }
}
