import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Corrections keep every version (issue 13). `record_versions` holds one row per version of a
 * correctable record (the values as they stood, who, when, why, and exactly the fields that
 * changed), written in the transaction of the change; like the audit trail it is append-only.
 * Relapses logged at visits get stable ids, and the screening record's relapses, MRI exams and
 * treatments an `itemId`, so a correction can name one item of a list.
 */
const LISTS = ['relapses', 'mriExams', 'treatments'];

export class Corrections1764000700000 implements MigrationInterface {
  name = 'Corrections1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE record_versions (
        id bigserial PRIMARY KEY,
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        version integer NOT NULL,
        data jsonb NOT NULL,
        changes jsonb NOT NULL DEFAULT '[]',
        reason text,
        actor_id uuid,
        actor_role text,
        recorded_at timestamptz NOT NULL,
        UNIQUE (entity, entity_id, version)
      );

      CREATE FUNCTION record_versions_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'record_versions is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER record_versions_append_only BEFORE UPDATE OR DELETE ON record_versions
        FOR EACH ROW EXECUTE FUNCTION record_versions_refuse_change();

      UPDATE visits SET site_data = jsonb_set(site_data, '{relapseAssessment,relapses}', (
          SELECT coalesce(jsonb_agg(r || jsonb_build_object('id', gen_random_uuid()::text) ORDER BY ord), '[]'::jsonb)
          FROM jsonb_array_elements(site_data->'relapseAssessment'->'relapses') WITH ORDINALITY AS t(r, ord)))
      WHERE jsonb_typeof(site_data->'relapseAssessment'->'relapses') = 'array';
    `);
    for (const list of LISTS) {
      await q.query(`
        UPDATE screening_episodes SET data = jsonb_set(data, '{${list}}', (
            SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(i) = 'object' THEN i || jsonb_build_object('itemId', gen_random_uuid()::text) ELSE i END
                                      ORDER BY ord), '[]'::jsonb)
            FROM jsonb_array_elements(data->'${list}') WITH ORDINALITY AS t(i, ord)))
        WHERE jsonb_typeof(data->'${list}') = 'array'`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const list of LISTS) {
      await q.query(`
        UPDATE screening_episodes SET data = jsonb_set(data, '{${list}}', (
            SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(i) = 'object' THEN i - 'itemId' ELSE i END ORDER BY ord), '[]'::jsonb)
            FROM jsonb_array_elements(data->'${list}') WITH ORDINALITY AS t(i, ord)))
        WHERE jsonb_typeof(data->'${list}') = 'array'`);
    }
    await q.query(`
      UPDATE visits SET site_data = jsonb_set(site_data, '{relapseAssessment,relapses}', (
          SELECT coalesce(jsonb_agg(r - 'id' ORDER BY ord), '[]'::jsonb)
          FROM jsonb_array_elements(site_data->'relapseAssessment'->'relapses') WITH ORDINALITY AS t(r, ord)))
      WHERE jsonb_typeof(site_data->'relapseAssessment'->'relapses') = 'array';
      DROP TABLE record_versions;
      DROP FUNCTION record_versions_refuse_change();
    `);
  }
}
