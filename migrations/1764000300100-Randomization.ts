import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Randomisation: per trial and environment (production, test) a configuration with its sealed
 * seed and, from go-live, a commitment; a counter per stratum (row-locked by each allocation, so
 * sequence numbers are gapless); idempotency keys; the arm-B drug; whether the allocated
 * intervention was received (CONSORT); and the unblinding register (ICH E6(R3)).
 */
export class Randomization1764000300100 implements MigrationInterface {
  name = 'Randomization1764000300100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE randomization_configs (
        trial_id uuid NOT NULL REFERENCES trials(id),
        environment text NOT NULL CHECK (environment IN ('production', 'test')),
        config jsonb NOT NULL,
        seed_key_id text NOT NULL,
        seed_iv bytea NOT NULL,
        seed_auth_tag bytea NOT NULL,
        seed_ciphertext bytea NOT NULL,
        commitment text CHECK (commitment ~ '^[0-9a-f]{64}$'),
        live_at timestamptz,
        live_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL,
        updated_by uuid REFERENCES users(id),
        PRIMARY KEY (trial_id, environment),
        CHECK ((live_at IS NULL) = (commitment IS NULL))
      );

      -- A live configuration never changes (the commitment covers it).
      CREATE FUNCTION randomization_config_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.live_at IS NOT NULL THEN
          RAISE EXCEPTION 'a live randomisation configuration cannot change' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER randomization_config_guard BEFORE UPDATE OR DELETE ON randomization_configs
        FOR EACH ROW EXECUTE FUNCTION randomization_config_guard();

      CREATE TABLE stratum_counters (
        trial_id uuid NOT NULL REFERENCES trials(id),
        environment text NOT NULL,
        stratum_key text NOT NULL,
        last_sequence integer NOT NULL CHECK (last_sequence >= 0),
        PRIMARY KEY (trial_id, environment, stratum_key)
      );

      ALTER TABLE allocations
        ADD COLUMN idempotency_key text,
        ADD COLUMN stratum jsonb NOT NULL DEFAULT '{}'::jsonb;
      CREATE UNIQUE INDEX allocations_idempotency_idx ON allocations (idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX allocations_arm_idx ON allocations (arm, randomised_at);

      -- Allocations are facts: never updated, never deleted.
      CREATE FUNCTION allocations_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'allocations are immutable: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER allocations_guard BEFORE UPDATE OR DELETE ON allocations
        FOR EACH ROW EXECUTE FUNCTION allocations_guard();

      CREATE TABLE arm_b_treatments (
        participant_id uuid PRIMARY KEY REFERENCES allocations(participant_id),
        drug text NOT NULL,
        start_date date NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by uuid REFERENCES users(id),
        version integer NOT NULL DEFAULT 0
      );

      CREATE TABLE intervention_receipts (
        participant_id uuid PRIMARY KEY REFERENCES allocations(participant_id),
        received boolean NOT NULL,
        reason_code text,
        note text,
        recorded_at timestamptz NOT NULL,
        recorded_by uuid REFERENCES users(id),
        CHECK (received OR reason_code IS NOT NULL)
      );

      CREATE TABLE unblinding_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        disclosed_to uuid REFERENCES users(id),
        disclosed_to_role text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('accidental', 'emergency')),
        occurred_at timestamptz NOT NULL,
        reason text NOT NULL,
        impact text NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by uuid REFERENCES users(id)
      );
      CREATE INDEX unblinding_events_participant_idx ON unblinding_events (participant_id, occurred_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE unblinding_events;
      DROP TABLE intervention_receipts;
      DROP TABLE arm_b_treatments;
      DROP TRIGGER allocations_guard ON allocations;
      DROP FUNCTION allocations_guard();
      DROP INDEX allocations_arm_idx;
      DROP INDEX allocations_idempotency_idx;
      ALTER TABLE allocations DROP COLUMN stratum, DROP COLUMN idempotency_key;
      DROP TABLE stratum_counters;
      DROP TRIGGER randomization_config_guard ON randomization_configs;
      DROP FUNCTION randomization_config_guard();
      DROP TABLE randomization_configs;
    `);
  }
}
