import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Source-data verification and casebook sign-off (issue 18), owned by the verification module.
 * - `sdv_marks`: a monitor's mark that one version of a correctable record (`record_versions`:
 *   entity, entity id) was checked against the source. A later version clears it (cleared_at, and
 *   the version and fields of the change that cleared it), or the monitor withdraws it with a
 *   reason (undo_reason); at most one mark per record is not cleared.
 * - `casebook_signatures`: the investigator's electronic signature of a participant's casebook at
 *   the end of follow-up, with its 21 CFR 11.50 manifest (printed name, time, meaning). A later
 *   change of any of the participant's records voids it (voided_at and the change); at most one
 *   signature per participant is not voided.
 */
export class Verification1764002500000 implements MigrationInterface {
  name = 'Verification1764002500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sdv_marks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Insertion order (times tie under a fixed clock): newest first.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        participant_id uuid NOT NULL REFERENCES participants(id),
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        version integer NOT NULL,
        verified_by uuid NOT NULL REFERENCES users(id),
        verified_at timestamptz NOT NULL,
        cleared_at timestamptz,
        cleared_by_version integer,
        cleared_by_actor uuid REFERENCES users(id),
        cleared_fields jsonb,
        undo_reason text,
        CHECK ((cleared_at IS NULL) = (cleared_by_version IS NULL AND undo_reason IS NULL))
      );
      CREATE UNIQUE INDEX sdv_marks_current ON sdv_marks (entity, entity_id) WHERE cleared_at IS NULL;
      CREATE INDEX sdv_marks_participant ON sdv_marks (participant_id, entity, entity_id);

      CREATE TABLE casebook_signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        participant_id uuid NOT NULL REFERENCES participants(id),
        signer_id uuid NOT NULL REFERENCES users(id),
        printed_name text NOT NULL,
        signer_role text NOT NULL,
        meaning text NOT NULL,
        signature_method text NOT NULL,
        signed_at timestamptz NOT NULL,
        participant_status text NOT NULL,
        records integer NOT NULL,
        voided_at timestamptz,
        voided_by_entity text,
        voided_by_entity_id uuid,
        voided_by_version integer,
        voided_by_actor uuid REFERENCES users(id),
        void_fields jsonb,
        CHECK ((voided_at IS NULL) = (voided_by_entity IS NULL))
      );
      CREATE UNIQUE INDEX casebook_signatures_current ON casebook_signatures (participant_id)
        WHERE voided_at IS NULL;
      CREATE INDEX casebook_signatures_participant ON casebook_signatures (participant_id, seq);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE casebook_signatures; DROP TABLE sdv_marks;`);
  }
}
