import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AdverseEventEntity, AdverseEventInput } from './entities/adverse-event.entity';
import { RESOLVED_OUTCOMES } from './safety';

/** The reporting facts a write stores beside the entered fields. */
export type AdverseEventClocks = {
  awareDate: string;
  awareAt: Date | null;
  reportDueAt: Date | null;
  susar: boolean;
  susarDueDate: string | null;
};

const AE_COLUMNS = `ae.id, ae.participant_id AS "participantId", p.study_id AS "studyId", ae.site_id AS "siteId",
  ae.visit_id AS "visitId", v.code AS "visitCode", ae.term, ae.onset_date::text AS "onsetDate",
  ae.end_date::text AS "endDate", ae.severity, ae.serious, ae.seriousness_criteria AS "seriousnessCriteria", ae.outcome,
  ae.meddra_code AS "meddraCode", ae.ctcae_grade AS "ctcaeGrade", ae.aware_date::text AS "awareDate", ae.assessments,
  ae.susar, ae.susar_due_date::text AS "susarDueDate", ae.susar_reported_at AS "susarReportedAt",
  ae.susar_reference AS "susarReference", s.time_zone AS "timeZone", ae.aware_at AS "awareAt", ae.report_due_at AS "reportDueAt", ae.reported_at AS "reportedAt",
  ae.report_reference AS "reportReference", ae.version, ae.created_at AS "createdAt", ae.updated_at AS "updatedAt"`;

const AE_FROM = `FROM adverse_events ae JOIN participant_directory p ON p.id = ae.participant_id LEFT JOIN visits v ON v.id = ae.visit_id
  JOIN site_directory s ON s.id = ae.site_id`;

export type AdverseEventFilter = {
  siteId?: string;
  participantId?: string;
  serious?: boolean;
  /** Only serious events not yet marked reported (the open 24-hour clocks). */
  openReports?: boolean;
  susar?: boolean;
  /** open: still followed up (outcome not recovered, recovered with sequelae or fatal); resolved: the others. */
  status?: 'open' | 'resolved';
};

@Injectable()
export class AdverseEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The participant of each adverse event of one of `participantIds` or with one of `recordIds` as its id. */
  recordOwners(
    participantIds: readonly string[],
    recordIds: readonly string[],
    em?: EntityManager,
  ): Promise<{ id: string; participantId: string }[]> {
    return (em ?? this.dataSource.manager).query(
      `SELECT id, participant_id AS "participantId" FROM adverse_events
        WHERE participant_id = ANY($1::uuid[]) OR id = ANY($2::uuid[])`,
      [participantIds, recordIds],
    );
  }

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async insert(
    ae: AdverseEventInput & {
      participantId: string;
      siteId: string;
      visitId: string | null;
      recordedBy: string | null;
    },
    clock: AdverseEventClocks,
    now: Date,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO adverse_events (participant_id, site_id, visit_id, term, onset_date, end_date, severity, serious,
         seriousness_criteria, outcome, aware_at, report_due_at, recorded_by, created_at, updated_at,
         meddra_code, ctcae_grade, aware_date, assessments, susar, susar_due_date)
       VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8, $9::text[], $10, $11, $12, $13, $14, $14,
         $15, $16, $17::date, $18::jsonb, $19, $20::date) RETURNING id`,
      [
        ae.participantId,
        ae.siteId,
        ae.visitId,
        ae.term,
        ae.onsetDate,
        ae.endDate ?? null,
        ae.severity,
        ae.serious,
        ae.serious ? (ae.seriousnessCriteria ?? []) : [],
        ae.outcome,
        clock.awareAt,
        clock.reportDueAt,
        ae.recordedBy,
        now,
        ae.meddraCode ?? null,
        ae.ctcaeGrade ?? null,
        clock.awareDate,
        JSON.stringify(ae.assessments ?? []),
        clock.susar,
        clock.susarDueDate,
      ],
    );
    return rows[0].id;
  }

  async find(
    id: string,
    sites: readonly string[] | null,
    em?: EntityManager,
    lock = false,
  ): Promise<AdverseEventEntity | null> {
    const rows: AdverseEventEntity[] = await this.m(em).query(
      `SELECT ${AE_COLUMNS} ${AE_FROM} WHERE ae.id = $1 AND ($2::uuid[] IS NULL OR ae.site_id = ANY($2::uuid[]))
       ${lock ? 'FOR UPDATE OF ae' : ''}`,
      [id, sites],
    );
    return rows[0] ?? null;
  }

  async update(
    id: string,
    ae: AdverseEventInput,
    clock: AdverseEventClocks,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE adverse_events SET term = $2, onset_date = $3::date, end_date = $4::date, severity = $5, serious = $6,
         seriousness_criteria = $7::text[], outcome = $8, aware_at = $9, report_due_at = $10, updated_at = $11,
         meddra_code = $12, ctcae_grade = $13, aware_date = $14::date, assessments = $15::jsonb, susar = $16,
         susar_due_date = $17::date, version = version + 1
       WHERE id = $1`,
      [
        id,
        ae.term,
        ae.onsetDate,
        ae.endDate ?? null,
        ae.severity,
        ae.serious,
        ae.serious ? (ae.seriousnessCriteria ?? []) : [],
        ae.outcome,
        clock.awareAt,
        clock.reportDueAt,
        now,
        ae.meddraCode ?? null,
        ae.ctcaeGrade ?? null,
        clock.awareDate,
        JSON.stringify(ae.assessments ?? []),
        clock.susar,
        clock.susarDueDate,
      ],
    );
  }

  async markSusarReported(
    id: string,
    report: { reportedAt: Date; reference: string; by: string | null },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE adverse_events SET susar_reported_at = $2, susar_reference = $3, susar_reported_by = $4, updated_at = $5,
         version = version + 1 WHERE id = $1`,
      [id, report.reportedAt, report.reference, report.by, now],
    );
  }

  /** The participant's arm and site zone (the interventions to assess follow the arm); null when not randomised. */
  async participantFacts(
    participantId: string,
    em?: EntityManager,
  ): Promise<{ arm: 'A' | 'B'; siteId: string; studyId: string | null } | null> {
    const rows: { arm: 'A' | 'B'; siteId: string; studyId: string | null }[] = await this.m(
      em,
    ).query(
      `SELECT a.arm, p.site_id AS "siteId", p.study_id AS "studyId"
       FROM participant_directory p JOIN allocation_directory a ON a.participant_id = p.id WHERE p.id = $1`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  async markReported(
    id: string,
    report: { reportedAt: Date; reference: string; by: string | null },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE adverse_events SET reported_at = $2, report_reference = $3, reported_by = $4, updated_at = $5,
         version = version + 1 WHERE id = $1`,
      [id, report.reportedAt, report.reference, report.by, now],
    );
  }

  /** For exports, through the export's snapshot transaction: the events of a page of participants, in recorded order. */
  exportAdverseEvents(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<AdverseEventEntity[]> {
    return em.query(
      `SELECT ${AE_COLUMNS} ${AE_FROM} WHERE ae.participant_id = ANY($1::uuid[])
       ORDER BY ae.participant_id, ae.created_at, ae.id`,
      [participantIds],
    );
  }

  async list(
    filter: AdverseEventFilter,
    sites: readonly string[] | null,
    page: number,
    pageSize: number,
  ): Promise<{ items: AdverseEventEntity[]; total: number }> {
    const params: unknown[] = [sites];
    const where = [`($1::uuid[] IS NULL OR ae.site_id = ANY($1::uuid[]))`];
    if (filter.siteId) {
      where.push(`ae.site_id = $${params.push(filter.siteId)}`);
    }
    if (filter.participantId) {
      where.push(`ae.participant_id = $${params.push(filter.participantId)}`);
    }
    if (filter.serious !== undefined) {
      where.push(`ae.serious = $${params.push(filter.serious)}`);
    }
    if (filter.openReports) {
      where.push(`ae.serious AND ae.reported_at IS NULL`);
    }
    if (filter.susar !== undefined) {
      where.push(`ae.susar = $${params.push(filter.susar)}`);
    }
    if (filter.status) {
      const resolved = `ae.outcome = ANY($${params.push([...RESOLVED_OUTCOMES])}::text[])`;
      where.push(filter.status === 'resolved' ? resolved : `NOT ${resolved}`);
    }
    const clause = where.join(' AND ');
    const order = filter.openReports ? 'ae.report_due_at, ae.id' : 'ae.created_at DESC, ae.id';
    const [items, counts] = await Promise.all([
      this.m().query(
        `SELECT ${AE_COLUMNS} ${AE_FROM} WHERE ${clause} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<AdverseEventEntity[]>,
      this.m().query(
        `SELECT count(*)::int AS n FROM adverse_events ae WHERE ${clause}`,
        params,
      ) as Promise<{ n: number }[]>,
    ]);
    return { items, total: counts[0].n };
  }
}
