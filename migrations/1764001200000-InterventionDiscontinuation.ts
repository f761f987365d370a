import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Off treatment is not off study (issue 15). Discontinuing the allocated intervention (arm-B drug
 * stopped, transplant not done) is its own fact, apart from withdrawal of consent: a date, a coded
 * reason and free text, undone only with a reason (the row keeps who undid it and why). Follow-up
 * continues; CONSORT counts it as "discontinued intervention" (`allocation_directory`).
 *
 * A booking is `done` only when day 0 is recorded AND the earlier phases of the plan are recorded
 * (or marked not done with a reason): day 0 may now be recorded on a booking that is still
 * `booked`, never on an ended one.
 */
export class InterventionDiscontinuation1764001200000 implements MigrationInterface {
  name = 'InterventionDiscontinuation1764001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE intervention_discontinuations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        discontinued_on date NOT NULL,
        reason_code text NOT NULL CHECK (reason_code IN ('adverse_event', 'lack_of_efficacy', 'participant_decision',
          'physician_decision', 'medical_contraindication', 'mobilisation_failed', 'pregnancy', 'started_other_treatment', 'other')),
        note text,
        recorded_at timestamptz NOT NULL,
        recorded_by uuid REFERENCES users(id),
        undone_at timestamptz,
        undone_by uuid REFERENCES users(id),
        undo_reason text,
        CONSTRAINT intervention_discontinuations_undo CHECK ((undone_at IS NULL) = (undo_reason IS NULL))
      );
      CREATE UNIQUE INDEX intervention_discontinuations_one_active ON intervention_discontinuations (participant_id)
        WHERE undone_at IS NULL;
      CREATE INDEX intervention_discontinuations_participant ON intervention_discontinuations (participant_id, recorded_at);

      CREATE OR REPLACE VIEW allocation_directory AS
        SELECT a.participant_id, a.trial_id, a.site_id, a.environment, a.arm, a.randomised_at, a.criteria_set_id,
               r.received, CASE WHEN r.received = false THEN r.reason_code END AS not_received_reason,
               d.discontinued_on, d.reason_code AS discontinuation_reason
        FROM allocations a LEFT JOIN intervention_receipts r ON r.participant_id = a.participant_id
        LEFT JOIN intervention_discontinuations d ON d.participant_id = a.participant_id AND d.undone_at IS NULL;

      ALTER TABLE transplant_bookings DROP CONSTRAINT transplant_bookings_day0;
      ALTER TABLE transplant_bookings ADD CONSTRAINT transplant_bookings_day0
        CHECK ((status <> 'done' OR transplant_day0 IS NOT NULL) AND (transplant_day0 IS NULL OR status IN ('booked', 'done')));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE transplant_bookings DROP CONSTRAINT transplant_bookings_day0;
      UPDATE transplant_bookings SET status = 'done' WHERE status = 'booked' AND transplant_day0 IS NOT NULL;
      ALTER TABLE transplant_bookings ADD CONSTRAINT transplant_bookings_day0 CHECK ((status = 'done') = (transplant_day0 IS NOT NULL));
      DROP VIEW allocation_directory;
      CREATE VIEW allocation_directory AS
        SELECT a.participant_id, a.trial_id, a.site_id, a.environment, a.arm, a.randomised_at, a.criteria_set_id,
               r.received, CASE WHEN r.received = false THEN r.reason_code END AS not_received_reason
        FROM allocations a LEFT JOIN intervention_receipts r ON r.participant_id = a.participant_id;
      DROP TABLE intervention_discontinuations;
    `);
  }
}
