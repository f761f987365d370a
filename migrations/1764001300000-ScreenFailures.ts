import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = [
  'pre_screened',
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
  'eligible',
  'ineligible',
  'consented',
  'randomised',
  'in_follow_up',
  'completed',
  'withdrawn',
  'lost_to_follow_up',
  'died',
  'screen_failed',
];
const LIST = (xs: string[]) => xs.map((s) => `'${s}'`).join(', ');
const PRE_RANDOMISATION = LIST([
  'pre_screened',
  'registered',
  'phone_check_done',
  'records_reviewed',
  'screening_visit_planned',
  'screening_visit_done',
  'eligible',
  'ineligible',
  'consented',
  'screen_failed',
]);

/**
 * Issue 15 (screening): a screen failure is not a withdrawal.
 * - participants: the `screen_failed` state with its coded reason (not meeting criteria, declined,
 *   other), free text, the stage it was found at (phone check, records review, screening visit) and
 *   the date it happened.
 * - participant_status_history: the date each step happened (entered; `occurred_at` stays the
 *   instant it was recorded), and undo marks (a step undone keeps its row: who, when, why).
 * - participant_directory gains the screen-failure facts and `consort_exclusion`: the one
 *   derivation of "excluded before randomisation, and why" that CONSORT and the screening log read.
 * - identity_match_keys (identity): keyed hashes (HMAC-SHA-256) of the normalised national id and of
 *   normalised name + birth date, to warn of a likely duplicate registration across sites. No plain
 *   text. Backfilled at start by the API (the HMAC key is configuration, known only at runtime).
 * - consent_renewals (eligibility): re-consent to a new consent version after an amendment.
 */
export class ScreenFailures1764001300000 implements MigrationInterface {
  name = 'ScreenFailures1764001300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE participants
        DROP CONSTRAINT participants_status_check,
        ADD CONSTRAINT participants_status_check CHECK (status IN (${LIST(STATUSES)})),
        ADD COLUMN screen_failed_at timestamptz,
        ADD COLUMN screen_failure_date date,
        ADD COLUMN screen_failure_stage text
          CHECK (screen_failure_stage IN ('phone_check', 'records_review', 'screening_visit')),
        ADD COLUMN screen_failure_reason text
          CHECK (screen_failure_reason IN ('not_meeting_criteria', 'declined', 'other')),
        ADD COLUMN screen_failure_detail text,
        ADD CONSTRAINT participants_screen_failure_complete
          CHECK (status <> 'screen_failed' OR (screen_failure_reason IS NOT NULL AND screen_failed_at IS NOT NULL
                 AND screen_failure_date IS NOT NULL AND screen_failure_stage IS NOT NULL));

      ALTER TABLE participant_status_history
        DROP CONSTRAINT participant_status_history_from_status_check,
        DROP CONSTRAINT participant_status_history_to_status_check,
        ADD CONSTRAINT participant_status_history_from_status_check CHECK (from_status IN (${LIST(STATUSES)})),
        ADD CONSTRAINT participant_status_history_to_status_check CHECK (to_status IN (${LIST(STATUSES)})),
        ADD COLUMN occurred_on date,
        ADD COLUMN details jsonb,
        ADD COLUMN undone_at timestamptz,
        ADD COLUMN undone_by uuid,
        ADD COLUMN undo_reason text,
        ADD CONSTRAINT participant_status_history_undo_reason CHECK ((undone_at IS NULL) = (undo_reason IS NULL));

      DROP VIEW participant_directory;
      CREATE VIEW participant_directory AS
        SELECT id, trial_id, site_id, study_id, status, status_changed_at, registered_at, pre_screening,
               current_episode, withdrawn_at, withdrawn_from, withdrawal_reason, withdrawal_initiated_by, created_at,
               screen_failed_at, screen_failure_date, screen_failure_stage, screen_failure_reason, screen_failure_detail,
               CASE
                 WHEN status = 'screen_failed' THEN screen_failure_reason
                 WHEN status = 'ineligible' THEN 'not_meeting_criteria'
                 WHEN status = 'withdrawn' AND withdrawn_from = 'screen_failed' THEN screen_failure_reason
                 WHEN status = 'withdrawn' AND withdrawn_from = 'ineligible' THEN 'not_meeting_criteria'
                 WHEN status = 'withdrawn' AND (withdrawn_from IS NULL OR withdrawn_from IN (${PRE_RANDOMISATION}))
                   THEN CASE WHEN coalesce(withdrawal_initiated_by, 'participant') = 'participant' THEN 'declined' ELSE 'other' END
               END AS consort_exclusion
        FROM participants;

      CREATE TABLE identity_match_keys (
        participant_id uuid NOT NULL REFERENCES participants(id),
        kind text NOT NULL CHECK (kind IN ('national_id', 'name_birth_date')),
        key_id text NOT NULL,
        digest bytea NOT NULL CHECK (length(digest) = 32),
        PRIMARY KEY (participant_id, kind)
      );
      CREATE INDEX identity_match_keys_digest_idx ON identity_match_keys (kind, digest);

      CREATE TABLE consent_renewals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        episode_id uuid NOT NULL REFERENCES screening_episodes(id),
        consent_version text NOT NULL,
        consent_date date NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by uuid REFERENCES users(id),
        UNIQUE (participant_id, consent_version)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE consent_renewals;
      DROP TABLE identity_match_keys;
      DROP VIEW participant_directory;
      CREATE VIEW participant_directory AS
        SELECT id, trial_id, site_id, study_id, status, status_changed_at, registered_at, pre_screening,
               current_episode, withdrawn_at, withdrawn_from, withdrawal_reason, withdrawal_initiated_by, created_at
        FROM participants;
      ALTER TABLE participant_status_history
        DROP CONSTRAINT participant_status_history_undo_reason,
        DROP COLUMN undo_reason, DROP COLUMN undone_by, DROP COLUMN undone_at, DROP COLUMN details,
        DROP COLUMN occurred_on;
      ALTER TABLE participants
        DROP CONSTRAINT participants_screen_failure_complete,
        DROP COLUMN screen_failure_detail, DROP COLUMN screen_failure_reason, DROP COLUMN screen_failure_stage,
        DROP COLUMN screen_failure_date, DROP COLUMN screen_failed_at;
    `);
  }
}
