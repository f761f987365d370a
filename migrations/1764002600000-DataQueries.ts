import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data queries (issue 18): a question on one item of one record (a kept record of
 * `record_versions`, addressed by entity, id and field-registry item), raised by a monitor or
 * the statistician or by an edit check, answered by the site, closed or re-opened by the monitor.
 * Every step is a row of `data_query_events` (with the correction it links to, if any); the query
 * row holds the current state. An edit check raises at most one query per record and field.
 */
export class DataQueries1764002600000 implements MigrationInterface {
  name = 'DataQueries1764002600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_queries (
        id uuid PRIMARY KEY,
        participant_id uuid NOT NULL REFERENCES participants(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        record_entity text NOT NULL,
        record_id uuid NOT NULL,
        item_id text NOT NULL,
        path text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('manual', 'edit_check')),
        check_id text,
        status text NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
        text text NOT NULL,
        raised_by uuid,
        raised_at timestamptz NOT NULL,
        status_changed_at timestamptz NOT NULL,
        CHECK ((origin = 'edit_check') = (check_id IS NOT NULL))
      );
      CREATE INDEX data_queries_record ON data_queries (record_entity, record_id);
      CREATE INDEX data_queries_site_status ON data_queries (site_id, status, raised_at);
      CREATE INDEX data_queries_participant ON data_queries (participant_id);
      CREATE UNIQUE INDEX data_queries_check_once ON data_queries (check_id, record_entity, record_id, path)
        WHERE origin = 'edit_check';

      CREATE TABLE data_query_events (
        id bigserial PRIMARY KEY,
        query_id uuid NOT NULL REFERENCES data_queries(id),
        kind text NOT NULL CHECK (kind IN ('raised', 'answered', 'corrected', 'closed', 'reopened', 'resolved')),
        text text,
        record_version integer,
        before jsonb,
        after jsonb,
        actor_id uuid,
        actor_role text,
        at timestamptz NOT NULL
      );
      CREATE INDEX data_query_events_query ON data_query_events (query_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE data_query_events; DROP TABLE data_queries;`);
  }
}
