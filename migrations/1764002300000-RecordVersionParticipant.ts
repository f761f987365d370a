import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every kept version names its participant (issue 18): a monitor's work (queries, source-data
 * verification, sign-off, freezes) is per participant, and the record hooks check it when a
 * record changes. Earlier versions are filled in from the records they belong to.
 */
export class RecordVersionParticipant1764002300000 implements MigrationInterface {
  name = 'RecordVersionParticipant1764002300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE record_versions ADD COLUMN participant_id uuid;
      ALTER TABLE record_versions DISABLE TRIGGER record_versions_append_only;
      UPDATE record_versions rv SET participant_id = v.participant_id FROM visits v
        WHERE rv.entity IN ('visit_log', 'visit_assessment') AND v.id = rv.entity_id;
      UPDATE record_versions rv SET participant_id = a.participant_id FROM adverse_events a
        WHERE rv.entity = 'adverse_event' AND a.id = rv.entity_id;
      UPDATE record_versions rv SET participant_id = e.participant_id FROM screening_episodes e
        WHERE rv.entity IN ('screening_record', 'consent') AND e.id = rv.entity_id;
      UPDATE record_versions rv SET participant_id = b.participant_id FROM transplant_bookings b
        WHERE rv.entity LIKE 'transplant_phase:%' AND b.id = rv.entity_id;
      UPDATE record_versions SET participant_id = entity_id WHERE entity = 'arm_b_drug';
      ALTER TABLE record_versions ENABLE TRIGGER record_versions_append_only;
      CREATE INDEX record_versions_participant ON record_versions (participant_id, entity, entity_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE record_versions DROP COLUMN participant_id`);
  }
}
