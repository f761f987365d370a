import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type QueryStatus = 'open' | 'answered' | 'closed';
export const QUERY_STATUSES: readonly QueryStatus[] = ['open', 'answered', 'closed'];
export type QueryEventKind =
  'raised' | 'answered' | 'corrected' | 'closed' | 'reopened' | 'resolved';

export type QueryRow = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  recordEntity: string;
  recordId: string;
  itemId: string;
  path: string;
  origin: 'manual' | 'edit_check';
  checkId: string | null;
  status: QueryStatus;
  text: string;
  raisedBy: string | null;
  raisedByName: string | null;
  raisedAt: Date;
  statusChangedAt: Date;
};

export type QueryEventRow = {
  kind: QueryEventKind;
  text: string | null;
  recordVersion: number | null;
  before: unknown;
  after: unknown;
  actorName: string | null;
  actorRole: string | null;
  at: Date;
};

export type QueryFilter = {
  sites: readonly string[] | null;
  /** Only these record kinds (a blinded assessor: their assessments). */
  recordEntities?: readonly string[];
  status?: QueryStatus;
  siteId?: string;
  participantId?: string;
  recordEntity?: string;
  recordId?: string;
};

/** Where an edit check looks: sites (a sweep), a participant, or one record (a save); all given must hold. */
export type CheckScope = {
  sites?: readonly string[];
  participantId?: string;
  record?: { entity: string; id: string };
};

export type NewQuery = Omit<QueryRow, 'studyId' | 'raisedByName' | 'statusChangedAt'>;

const COLUMNS = `q.id, q.participant_id AS "participantId", p.study_id AS "studyId", q.site_id AS "siteId",
  q.record_entity AS "recordEntity", q.record_id AS "recordId", q.item_id AS "itemId", q.path, q.origin,
  q.check_id AS "checkId", q.status, q.text, q.raised_by AS "raisedBy", u.display_name AS "raisedByName",
  q.raised_at AS "raisedAt", q.status_changed_at AS "statusChangedAt"`;
const FROM = `data_queries q JOIN participant_directory p ON p.id = q.participant_id
  LEFT JOIN user_directory u ON u.id = q.raised_by`;

/** The data queries and their events (`data_queries`, `data_query_events`). */
@Injectable()
export class QueriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  private where(f: QueryFilter, params: unknown[]): string {
    const where = [
      `($${params.push(f.sites)}::uuid[] IS NULL OR q.site_id = ANY($${params.length}::uuid[]))`,
    ];
    if (f.recordEntities) {
      where.push(`q.record_entity = ANY($${params.push(f.recordEntities)}::text[])`);
    }
    if (f.status) {
      where.push(`q.status = $${params.push(f.status)}`);
    }
    if (f.siteId) {
      where.push(`q.site_id = $${params.push(f.siteId)}`);
    }
    if (f.participantId) {
      where.push(`q.participant_id = $${params.push(f.participantId)}`);
    }
    if (f.recordEntity) {
      where.push(`q.record_entity = $${params.push(f.recordEntity)}`);
    }
    if (f.recordId) {
      where.push(`q.record_id = $${params.push(f.recordId)}`);
    }
    return where.join(' AND ');
  }

  /** Oldest first: the longest waiting on top. */
  async list(
    filter: QueryFilter,
    offset: number,
    limit: number,
  ): Promise<{ items: QueryRow[]; total: number }> {
    const params: unknown[] = [];
    const where = this.where(filter, params);
    const [items, [{ n }]] = await Promise.all([
      this.m().query(
        `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY q.raised_at, q.id LIMIT ${limit} OFFSET ${offset}`,
        params,
      ) as Promise<QueryRow[]>,
      this.m().query(
        `SELECT count(*)::int AS n FROM data_queries q WHERE ${where}`,
        params,
      ) as Promise<{ n: number }[]>,
    ]);
    return { items, total: n };
  }

  async find(
    id: string,
    filter: Pick<QueryFilter, 'sites' | 'recordEntities'>,
    em?: EntityManager,
    lock = false,
  ): Promise<QueryRow | null> {
    const params: unknown[] = [id];
    const [row]: QueryRow[] = await this.m(em).query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE q.id = $1 AND ${this.where(filter, params)}
       ${lock ? 'FOR UPDATE OF q' : ''}`,
      params,
    );
    return row ?? null;
  }

  /** Every query not closed yet (open or answered), trial-wide: a data cut's readiness. */
  async unresolved(em: EntityManager): Promise<QueryRow[]> {
    return em.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE q.status <> 'closed' ORDER BY q.raised_at, q.id`,
    );
  }

  /** The queries not closed on one record, locked for the change that may answer or resolve them. */
  async unresolvedOn(entity: string, recordId: string, em: EntityManager): Promise<QueryRow[]> {
    return em.query(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE q.record_entity = $1 AND q.record_id = $2 AND q.status <> 'closed' ORDER BY q.raised_at FOR UPDATE OF q`,
      [entity, recordId],
    );
  }

  /**
   * The queries an edit check raised within a scope (sites, a participant, a record), locked for
   * the run that raises, re-opens or resolves them, each with how it was last closed (`closed` by a
   * person, `resolved` by the check; null while never closed).
   */
  async ofCheck(
    checkId: string,
    scope: CheckScope,
    em: EntityManager,
  ): Promise<(QueryRow & { lastClose: 'closed' | 'resolved' | null })[]> {
    const params: unknown[] = [checkId];
    const where = [`q.origin = 'edit_check'`, `q.check_id = $1`];
    if (scope.sites) {
      where.push(`q.site_id = ANY($${params.push(scope.sites)}::uuid[])`);
    }
    if (scope.participantId) {
      where.push(`q.participant_id = $${params.push(scope.participantId)}`);
    }
    if (scope.record) {
      where.push(`q.record_entity = $${params.push(scope.record.entity)}`);
      where.push(`q.record_id = $${params.push(scope.record.id)}`);
    }
    return em.query(
      `SELECT ${COLUMNS},
              (SELECT e.kind FROM data_query_events e
                WHERE e.query_id = q.id AND e.kind IN ('closed', 'resolved') ORDER BY e.id DESC LIMIT 1) AS "lastClose"
       FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY q.raised_at, q.id FOR UPDATE OF q`,
      params,
    );
  }

  /** The events of these queries, oldest first per query: one read for a whole page of queries. */
  async eventsOf(queryIds: readonly string[]): Promise<(QueryEventRow & { queryId: string })[]> {
    if (queryIds.length === 0) {
      return [];
    }
    return this.m().query(
      `SELECT e.query_id AS "queryId", e.kind, e.text, e.record_version AS "recordVersion", e.before, e.after,
              u.display_name AS "actorName", e.actor_role AS "actorRole", e.at
       FROM data_query_events e LEFT JOIN user_directory u ON u.id = e.actor_id
       WHERE e.query_id = ANY($1::uuid[]) ORDER BY e.query_id, e.id`,
      [queryIds],
    );
  }

  /** Inserts unless an edit check already raised this one (then false). */
  async insert(q: NewQuery, em: EntityManager): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO data_queries (id, participant_id, site_id, record_entity, record_id, item_id, path, origin,
                                 check_id, status, text, raised_by, raised_at, status_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        q.id,
        q.participantId,
        q.siteId,
        q.recordEntity,
        q.recordId,
        q.itemId,
        q.path,
        q.origin,
        q.checkId,
        q.status,
        q.text,
        q.raisedBy,
        q.raisedAt,
      ],
    );
    return rows.length > 0;
  }

  async setStatus(id: string, status: QueryStatus, at: Date, em: EntityManager): Promise<void> {
    await em.query(`UPDATE data_queries SET status = $2, status_changed_at = $3 WHERE id = $1`, [
      id,
      status,
      at,
    ]);
  }

  async addEvent(
    queryId: string,
    e: {
      kind: QueryEventKind;
      text?: string | null;
      recordVersion?: number | null;
      before?: unknown;
      after?: unknown;
      actorId: string | null;
      actorRole: string | null;
      at: Date;
    },
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO data_query_events (query_id, kind, text, record_version, before, after, actor_id, actor_role, at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)`,
      [
        queryId,
        e.kind,
        e.text ?? null,
        e.recordVersion ?? null,
        e.before === undefined ? null : JSON.stringify(e.before),
        e.after === undefined ? null : JSON.stringify(e.after),
        e.actorId,
        e.actorRole,
        e.at,
      ],
    );
  }

  /** Per site: queries not closed, those open longer than `days`, and the oldest open one's raise time. */
  async ageing(
    sites: readonly string[] | null,
    olderThan: Date,
  ): Promise<
    {
      siteId: string;
      siteLabel: string;
      open: number;
      answered: number;
      overdue: number;
      oldestOpenAt: Date | null;
    }[]
  > {
    return this.m().query(
      `SELECT s.id AS "siteId", s.label AS "siteLabel",
              count(*) FILTER (WHERE q.status = 'open')::int AS open,
              count(*) FILTER (WHERE q.status = 'answered')::int AS answered,
              count(*) FILTER (WHERE q.status = 'open' AND q.raised_at < $2)::int AS overdue,
              min(q.raised_at) FILTER (WHERE q.status = 'open') AS "oldestOpenAt"
       FROM site_directory s LEFT JOIN data_queries q ON q.site_id = s.id AND q.status <> 'closed'
       WHERE ($1::uuid[] IS NULL OR s.id = ANY($1::uuid[]))
       GROUP BY s.id, s.label ORDER BY s.label`,
      [sites, olderThan],
    );
  }
}
