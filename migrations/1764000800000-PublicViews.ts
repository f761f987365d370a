import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Module walls in the database (issue 14, slice 4). A module's SQL names only its own tables;
 * what others may read of them is a public view the owner defines here, with the columns it
 * promises (test/unit/table-ownership.ts lists the owner of every table and view):
 * - `site_directory` (sites): a site's identity, zone, roles and serving centre, with its label.
 * - `participant_directory` (participants): study id, site, status and the withdrawal facts.
 *   Identity is not here (it lives apart, encrypted).
 * - `allocation_directory` (randomization): the arm, when, and whether the allocated
 *   intervention was received: the one derivation of that fact, from `intervention_receipts`.
 * - `user_directory` (users): a staff member's display name and e-mail address (history views, notices).
 * - `visit_directory`, `deviation_directory` (follow-up): what the reports count.
 *
 * "Received the allocated intervention" was derived three ways (the receipt; the booking's
 * status; the receipt, else the booking, else day 0 in the follow-up schedule). It is now one
 * fact, the receipt, which scheduling records when day 0 is recorded (as it already did when a
 * transplant is finally not done). Receipts missing for transplants already recorded are added
 * here, in the precedence the reports used (an explicit receipt wins; then done; then not done).
 */
export class PublicViews1764000800000 implements MigrationInterface {
  name = 'PublicViews1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW site_directory AS
        SELECT id, trial_id, code, name, country_code, country_code || '-' || code AS label, time_zone, roles,
               transplant_centre_id, default_quarterly_capacity, active
        FROM sites;

      CREATE VIEW participant_directory AS
        SELECT id, trial_id, site_id, study_id, status, status_changed_at, registered_at, pre_screening,
               current_episode, withdrawn_at, withdrawn_from, withdrawal_reason, withdrawal_initiated_by, created_at
        FROM participants;

      CREATE VIEW allocation_directory AS
        SELECT a.participant_id, a.trial_id, a.site_id, a.environment, a.arm, a.randomised_at, a.criteria_set_id,
               r.received, CASE WHEN r.received = false THEN r.reason_code END AS not_received_reason
        FROM allocations a LEFT JOIN intervention_receipts r ON r.participant_id = a.participant_id;

      CREATE VIEW user_directory AS
        SELECT id, display_name, email, active FROM users;

      CREATE VIEW visit_directory AS
        SELECT id, participant_id, site_id, code, kind, is_primary, target_date, window_start, window_end, status,
               logged_date, missed_on
        FROM visits;

      CREATE VIEW deviation_directory AS
        SELECT id, participant_id, site_id, visit_id, kind, visit_date, status FROM protocol_deviations;


      INSERT INTO intervention_receipts (participant_id, received, reason_code, note, recorded_at, recorded_by)
        SELECT DISTINCT ON (a.participant_id) a.participant_id,
               (b.status = 'done' OR s.transplant_day0 IS NOT NULL),
               CASE WHEN b.status = 'done' OR s.transplant_day0 IS NOT NULL THEN NULL
                    WHEN b.not_received_code = 'second_line_started' THEN 'started_second_line_instead'
                    ELSE b.not_received_code END,
               'recorded from the transplant booking',
               coalesce(b.updated_at, s.updated_at), NULL
        FROM allocations a
        LEFT JOIN transplant_bookings b ON b.participant_id = a.participant_id
        LEFT JOIN follow_up_schedules s ON s.participant_id = a.participant_id
        WHERE a.arm = 'A'
          AND (b.status = 'done' OR s.transplant_day0 IS NOT NULL OR b.not_received_code IS NOT NULL)
        ORDER BY a.participant_id, (b.status = 'done' OR s.transplant_day0 IS NOT NULL) DESC, b.updated_at DESC
        ON CONFLICT (participant_id) DO NOTHING;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP VIEW deviation_directory;
      DROP VIEW visit_directory;
      DROP VIEW user_directory;
      DROP VIEW allocation_directory;
      DROP VIEW participant_directory;
      DROP VIEW site_directory;
    `);
  }
}
