import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adverse events as safety reporting needs them (issue 15; ICH E2A, EU CTR 536/2014):
 * - `meddra_code` (optional 8-digit LLT/PT code beside the free-text term), `ctcae_grade` 1–5;
 * - `aware_date`: the date the site became aware (site calendar), day 0 of the reporting clocks;
 * - `assessments`: one object per intervention of the participant's arm,
 *   `{ intervention, causality, expectedness, expectednessBy, rsiVersion }` (jsonb: the assessment
 *   is versioned with the event it belongs to, in record_versions);
 * - `susar` and `susar_due_date` (derived on every write: serious ∧ related ∧ unexpected; 7 or 15
 *   calendar days from awareness), and the SUSAR report (`susar_reported_at`, by, reference).
 * Existing rows: aware_date is the site-calendar day of the recorded awareness instant (serious
 * events) or of the recording; no assessments yet, so no SUSAR.
 */
export class AdverseEventSafety1764001100000 implements MigrationInterface {
  name = 'AdverseEventSafety1764001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE adverse_events
        ADD COLUMN meddra_code text CHECK (meddra_code ~ '^[0-9]{8}$'),
        ADD COLUMN ctcae_grade smallint CHECK (ctcae_grade BETWEEN 1 AND 5),
        ADD COLUMN aware_date date,
        ADD COLUMN assessments jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(assessments) = 'array'),
        ADD COLUMN susar boolean NOT NULL DEFAULT false,
        ADD COLUMN susar_due_date date,
        ADD COLUMN susar_reported_at timestamptz,
        ADD COLUMN susar_reported_by uuid REFERENCES users(id),
        ADD COLUMN susar_reference text,
        ADD CONSTRAINT adverse_events_susar_check CHECK (NOT susar OR (serious AND susar_due_date IS NOT NULL));

      UPDATE adverse_events ae
         SET aware_date = (coalesce(ae.aware_at, ae.created_at) AT TIME ZONE s.time_zone)::date
        FROM site_directory s WHERE s.id = ae.site_id;

      CREATE INDEX adverse_events_susar_open_idx ON adverse_events (susar_due_date)
        WHERE susar AND susar_reported_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX adverse_events_susar_open_idx;
      ALTER TABLE adverse_events
        DROP CONSTRAINT adverse_events_susar_check,
        DROP COLUMN susar_reference,
        DROP COLUMN susar_reported_by,
        DROP COLUMN susar_reported_at,
        DROP COLUMN susar_due_date,
        DROP COLUMN susar,
        DROP COLUMN assessments,
        DROP COLUMN aware_date,
        DROP COLUMN ctcae_grade,
        DROP COLUMN meddra_code;
    `);
  }
}
