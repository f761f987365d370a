import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AdverseEventEntity, AdverseEventInput } from './entities/adverse-event.entity';

const AE_COLUMNS = `ae.id, ae.participant_id AS "participantId", p.study_id AS "studyId", ae.site_id AS "siteId",
  ae.visit_id AS "visitId", v.code AS "visitCode", ae.term, ae.onset_date::text AS "onsetDate",
  ae.end_date::text AS "endDate", ae.severity, ae.serious, ae.seriousness_criteria AS "seriousnessCriteria", ae.outcome,
  ae.aware_at AS "awareAt", ae.report_due_at AS "reportDueAt", ae.reported_at AS "reportedAt",
  ae.report_reference AS "reportReference", ae.version, ae.created_at AS "createdAt", ae.updated_at AS "updatedAt"`;

const AE_FROM = `FROM adverse_events ae JOIN participant_directory p ON p.id = ae.participant_id LEFT JOIN visits v ON v.id = ae.visit_id`;

export type AdverseEventFilter = {
  siteId?: string;
  participantId?: string;
  serious?: boolean;
  /** Only serious events not yet marked reported (the open 24-hour clocks). */
  openReports?: boolean;
};

@Injectable()
export class AdverseEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

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
    clock: { awareAt: Date | null; reportDueAt: Date | null },
    now: Date,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO adverse_events (participant_id, site_id, visit_id, term, onset_date, end_date, severity, serious,
         seriousness_criteria, outcome, aware_at, report_due_at, recorded_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8, $9::text[], $10, $11, $12, $13, $14, $14) RETURNING id`,
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
    clock: { awareAt: Date | null; reportDueAt: Date | null },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE adverse_events SET term = $2, onset_date = $3::date, end_date = $4::date, severity = $5, serious = $6,
         seriousness_criteria = $7::text[], outcome = $8, aware_at = $9, report_due_at = $10, updated_at = $11,
         version = version + 1
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
      ],
    );
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
