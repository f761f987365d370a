import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Five-year follow-up (issue 7): one schedule per randomised participant, one row per planned
 * visit with its calendar-date window in the site's zone, the blinded EDSS/MRI reads, adverse
 * events with the SAE reporting clock, protocol deviations, and the sweep's findings (one row per
 * reminder / overdue / missed notice, so a sweep that runs twice notifies once).
 *
 * The sweep selects visits by the three partial indexes on status = 'scheduled' (window_start,
 * window_end, target_date): logged, missed and cancelled visits leave those indexes, so their size
 * follows the open visits, not the five-year history.
 */
export class FollowUp1764000500000 implements MigrationInterface {
  name = 'FollowUp1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE follow_up_schedules (
        participant_id uuid PRIMARY KEY REFERENCES participants(id),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
        site_id uuid REFERENCES sites(id),
        template_id text,
        time_zone text,
        anchor_date date,
        transplant_day0 date,
        generated_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 0
      );

      CREATE TABLE visits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9-]{2,16}$'),
        kind text NOT NULL CHECK (kind IN ('scheduled', 'arm_a_weekly', 'unscheduled')),
        anchor text NOT NULL CHECK (anchor IN ('randomisation', 'transplant', 'none')),
        offset_days integer,
        label text NOT NULL,
        assessments text[] NOT NULL DEFAULT '{}',
        is_primary boolean NOT NULL DEFAULT false,
        is_endpoint boolean NOT NULL DEFAULT false,
        mri_rebaseline boolean NOT NULL DEFAULT false,
        template_id text,
        target_date date NOT NULL,
        window_start date NOT NULL,
        window_end date NOT NULL,
        status text NOT NULL DEFAULT 'scheduled'
          CHECK (status IN ('scheduled', 'logged', 'missed', 'cancelled')),
        logged_date date,
        logged_at timestamptz,
        logged_by uuid REFERENCES users(id),
        site_data jsonb,
        unscheduled_reason text,
        edss_score numeric(3, 1)
          CHECK (edss_score BETWEEN 0 AND 10 AND edss_score * 2 = trunc(edss_score * 2)),
        edss_date date,
        edss_rater text,
        edss_recorded_by uuid REFERENCES users(id),
        edss_recorded_at timestamptz,
        mri_date date,
        mri_gd_lesions integer CHECK (mri_gd_lesions >= 0),
        mri_new_t2_lesions integer CHECK (mri_new_t2_lesions >= 0),
        mri_compared_with date,
        mri_recorded_by uuid REFERENCES users(id),
        mri_recorded_at timestamptz,
        missed_on date,
        cancelled_at timestamptz,
        cancel_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 0,
        UNIQUE (participant_id, code),
        CHECK (window_start <= target_date AND target_date <= window_end),
        CHECK ((status = 'logged') = (logged_date IS NOT NULL)),
        CHECK ((edss_score IS NULL) = (edss_date IS NULL)),
        CHECK ((mri_date IS NULL) = (mri_gd_lesions IS NULL)
               AND (mri_date IS NULL) = (mri_new_t2_lesions IS NULL))
      );
      CREATE INDEX visits_open_window_start_idx ON visits (window_start) WHERE status = 'scheduled';
      CREATE INDEX visits_open_window_end_idx ON visits (window_end) WHERE status = 'scheduled';
      CREATE INDEX visits_open_target_idx ON visits (target_date) WHERE status = 'scheduled';
      CREATE INDEX visits_site_target_idx ON visits (site_id, target_date);

      CREATE TABLE adverse_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        visit_id uuid REFERENCES visits(id),
        term text NOT NULL,
        onset_date date NOT NULL,
        end_date date,
        severity text NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
        serious boolean NOT NULL,
        seriousness_criteria text[] NOT NULL DEFAULT '{}',
        outcome text NOT NULL CHECK (outcome IN
          ('recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown')),
        aware_at timestamptz,
        report_due_at timestamptz,
        reported_at timestamptz,
        reported_by uuid REFERENCES users(id),
        report_reference text,
        recorded_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 0,
        CHECK (end_date IS NULL OR end_date >= onset_date),
        CHECK (NOT serious OR (aware_at IS NOT NULL AND report_due_at IS NOT NULL
                               AND cardinality(seriousness_criteria) > 0))
      );
      CREATE INDEX adverse_events_site_idx ON adverse_events (site_id, created_at DESC);
      CREATE INDEX adverse_events_participant_idx ON adverse_events (participant_id);
      CREATE INDEX adverse_events_sae_open_idx ON adverse_events (report_due_at)
        WHERE serious AND reported_at IS NULL;

      CREATE TABLE protocol_deviations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        visit_id uuid NOT NULL REFERENCES visits(id),
        participant_id uuid NOT NULL REFERENCES participants(id),
        site_id uuid NOT NULL REFERENCES sites(id),
        kind text NOT NULL CHECK (kind IN ('visit_out_of_window')),
        visit_code text NOT NULL,
        visit_date date NOT NULL,
        window_start date NOT NULL,
        window_end date NOT NULL,
        days_outside integer NOT NULL CHECK (days_outside <> 0),
        direction text NOT NULL CHECK (direction IN ('early', 'late')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'voided')),
        void_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (visit_id, kind)
      );
      CREATE INDEX protocol_deviations_site_idx ON protocol_deviations (site_id, created_at DESC);

      -- One row per sweep finding; job_id is the deterministic notification job id, about_date the
      -- visit date it is about (the date in that id), so later sweeps skip what was already found.
      CREATE TABLE follow_up_findings (
        job_id text PRIMARY KEY,
        visit_id uuid NOT NULL REFERENCES visits(id),
        kind text NOT NULL CHECK (kind IN
          ('window_opens_14d', 'window_opens_3d', 'window_closes_3d', 'overdue', 'missed')),
        about_date date NOT NULL,
        site_date date NOT NULL,
        found_at timestamptz NOT NULL
      );
      CREATE INDEX follow_up_findings_visit_idx ON follow_up_findings (visit_id, kind, about_date);

      CREATE TABLE follow_up_sweep_runs (
        id bigserial PRIMARY KEY,
        job_id text,
        swept_at timestamptz NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        site_dates jsonb NOT NULL,
        counts jsonb NOT NULL
      );

      -- SMTP delivery of inbox messages (notifications.email job): sent once, then stamped.
      ALTER TABLE notifications ADD COLUMN emailed_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notifications DROP COLUMN emailed_at;
      DROP TABLE follow_up_sweep_runs;
      DROP TABLE follow_up_findings;
      DROP TABLE protocol_deviations;
      DROP TABLE adverse_events;
      DROP TABLE visits;
      DROP TABLE follow_up_schedules;
    `);
  }
}
