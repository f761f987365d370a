import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DateColumn, DateCondition, SweepFindingKind } from './calendar/sweep-rules';
import type { FindingRow, VisitKind, VisitStatus } from './entities/visit.entity';

const COLUMN: Record<DateColumn, string> = {
  targetDate: 'v.target_date',
  windowStart: 'v.window_start',
  windowEnd: 'v.window_end',
};

export type DueVisit = { id: string; targetDate: string; windowStart: string; windowEnd: string };

export type ZoneSites = { timeZone: string; siteIds: string[] };

/** A logged visit an edit check of the sweep looks at. */
export type CheckedVisit = {
  id: string;
  participantId: string;
  siteId: string;
  code: string;
  visitDate: string;
  windowStart: string;
  windowEnd: string;
};

const CHECKED_VISIT = `v.id, v.participant_id AS "participantId", v.site_id AS "siteId", v.code,
  v.logged_date::text AS "visitDate", v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd"`;

export type VisitNotice = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  code: string;
  label: string;
  kind: VisitKind;
  status: VisitStatus;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
};

/** The sweep's SQL: selection by the partial indexes on open visits, findings, missed marking. */
@Injectable()
export class SweepRepository {
  constructor(private readonly dataSource: DataSource) {}

  async sitesByZone(): Promise<ZoneSites[]> {
    return this.dataSource.query(
      `SELECT time_zone AS "timeZone", array_agg(id ORDER BY id) AS "siteIds" FROM site_directory GROUP BY time_zone ORDER BY time_zone`,
    );
  }

  private dueQuery(
    columns: string,
    siteIds: readonly string[],
    conditions: readonly DateCondition[],
    notAlreadyFound?: { kind: SweepFindingKind; about: DateColumn },
  ): { sql: string; params: unknown[] } {
    const params: unknown[] = [siteIds];
    const where = conditions.map(
      (c) => `${COLUMN[c.column]} ${c.op} $${params.push(c.date)}::date`,
    );
    if (notAlreadyFound) {
      where.push(
        `NOT EXISTS (SELECT 1 FROM follow_up_findings f WHERE f.visit_id = v.id AND f.kind = $${params.push(notAlreadyFound.kind)}
           AND f.about_date = ${COLUMN[notAlreadyFound.about]})`,
      );
    }
    return {
      sql: `SELECT ${columns} FROM visits v
            WHERE v.status = 'scheduled' AND ${where.join(' AND ')} AND v.site_id = ANY($1::uuid[])`,
      params,
    };
  }

  /**
   * Open visits of the given sites matching every condition and, with `notAlreadyFound`, not yet
   * found for the same date. Each condition is on one indexed date column (`status = 'scheduled'`
   * partial indexes), so the plan is an index range scan on the most selective one, never a scan
   * of the visit history.
   */
  async findDue(
    siteIds: readonly string[],
    conditions: readonly DateCondition[],
    notAlreadyFound?: { kind: SweepFindingKind; about: DateColumn },
  ): Promise<DueVisit[]> {
    const q = this.dueQuery(
      `v.id, v.target_date::text AS "targetDate", v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd"`,
      siteIds,
      conditions,
      notAlreadyFound,
    );
    return this.dataSource.query(`${q.sql} ORDER BY v.id`, q.params);
  }

  /** The query plan of `findDue`, for the benchmark's evidence that the sweep uses its indexes. */
  async explainDue(
    siteIds: readonly string[],
    conditions: readonly DateCondition[],
    notAlreadyFound?: { kind: SweepFindingKind; about: DateColumn },
  ): Promise<string[]> {
    const q = this.dueQuery('v.id', siteIds, conditions, notAlreadyFound);
    const rows: { 'QUERY PLAN': string }[] = await this.dataSource.query(
      `EXPLAIN ${q.sql}`,
      q.params,
    );
    return rows.map((r) => r['QUERY PLAN']);
  }

  /** Records findings; returns the job ids that were new (a finding is recorded once, ever). */
  async insertFindings(rows: FindingRow[], now: Date, em: EntityManager): Promise<Set<string>> {
    if (rows.length === 0) {
      return new Set();
    }
    const inserted: { jobId: string }[] = await em.query(
      `INSERT INTO follow_up_findings (job_id, visit_id, kind, about_date, site_date, found_at)
       SELECT f.job_id, f.visit_id, f.kind, f.about_date, f.site_date, $6::timestamptz
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::date[], $5::date[]) AS f(job_id, visit_id, kind, about_date, site_date)
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id AS "jobId"`,
      [
        rows.map((r) => r.jobId),
        rows.map((r) => r.visitId),
        rows.map((r) => r.kind),
        rows.map((r) => r.aboutDate),
        rows.map((r) => r.siteDate),
        now,
      ],
    );
    return new Set(inserted.map((r) => r.jobId));
  }

  /** Marks still-open visits missed; returns those that changed. */
  async markMissed(
    ids: readonly string[],
    siteDate: string,
    now: Date,
    em: EntityManager,
  ): Promise<{ id: string; code: string; participantId: string }[]> {
    if (ids.length === 0) {
      return [];
    }
    const result: unknown[] = await em.query(
      `UPDATE visits SET status = 'missed', missed_on = $2::date, updated_at = $3, version = version + 1
       WHERE id = ANY($1::uuid[]) AND status = 'scheduled'
       RETURNING id, code, participant_id AS "participantId"`,
      [ids, siteDate, now],
    );
    return (Array.isArray(result[0]) ? result[0] : result) as {
      id: string;
      code: string;
      participantId: string;
    }[];
  }

  /** Edit check `visit_out_of_window`: the planned visits of these sites logged outside their window. */
  async loggedOutsideWindow(siteIds: readonly string[]): Promise<CheckedVisit[]> {
    return this.dataSource.query(
      `SELECT ${CHECKED_VISIT} FROM visits v
       WHERE v.site_id = ANY($1::uuid[]) AND v.status = 'logged' AND v.kind <> 'unscheduled'
         AND (v.logged_date < v.window_start OR v.logged_date > v.window_end)
       ORDER BY v.id`,
      [siteIds],
    );
  }

  /**
   * Edit check `mri_missing`: the logged visits of these sites that plan an MRI (never an arm-A
   * visit: a blinded assessor sees this query), have none recorded, and whose window closed
   * before `closedBefore`.
   */
  async mriMissing(siteIds: readonly string[], closedBefore: string): Promise<CheckedVisit[]> {
    return this.dataSource.query(
      `SELECT ${CHECKED_VISIT} FROM visits v
       WHERE v.site_id = ANY($1::uuid[]) AND v.status = 'logged' AND v.kind <> 'arm_a_weekly'
         AND 'mri' = ANY(v.assessments) AND v.mri_date IS NULL AND v.window_end < $2::date
       ORDER BY v.id`,
      [siteIds, closedBefore],
    );
  }

  async visitNotice(visitId: string): Promise<VisitNotice | null> {
    const rows: VisitNotice[] = await this.dataSource.query(
      `SELECT v.id, v.participant_id AS "participantId", p.study_id AS "studyId", v.site_id AS "siteId",
              s.country_code || '-' || s.code AS "siteLabel", v.code, v.label, v.kind, v.status,
              v.target_date::text AS "targetDate", v.window_start::text AS "windowStart", v.window_end::text AS "windowEnd"
       FROM visits v JOIN participant_directory p ON p.id = v.participant_id JOIN site_directory s ON s.id = v.site_id
       WHERE v.id = $1`,
      [visitId],
    );
    return rows[0] ?? null;
  }

  async recordRun(run: {
    jobId: string | null;
    sweptAt: Date;
    startedAt: Date;
    finishedAt: Date;
    siteDates: Record<string, string>;
    counts: Record<SweepFindingKind | 'enqueued' | 'markedMissed', number>;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO follow_up_sweep_runs (job_id, swept_at, started_at, finished_at, site_dates, counts)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [
        run.jobId,
        run.sweptAt,
        run.startedAt,
        run.finishedAt,
        JSON.stringify(run.siteDates),
        JSON.stringify(run.counts),
      ],
    );
  }
}
