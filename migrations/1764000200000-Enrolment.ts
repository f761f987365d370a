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
];
const STATUS_LIST = STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Enrolment and eligibility (issue 4): the pathway state and its history, the encrypted identity
 * vault, screening episodes with their structured data, eligibility assessments with the
 * investigator's electronic signature, and sample-destruction requests after withdrawal.
 */
export class Enrolment1764000200000 implements MigrationInterface {
  name = 'Enrolment1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE participants
        ADD COLUMN registered_at timestamptz,
        ADD COLUMN pre_screening jsonb,
        ADD COLUMN current_episode integer NOT NULL DEFAULT 1 CHECK (current_episode >= 1),
        ADD COLUMN withdrawn_at timestamptz,
        ADD COLUMN withdrawn_from text,
        ADD COLUMN withdrawal_reason text,
        ADD COLUMN withdrawal_initiated_by text CHECK (withdrawal_initiated_by IN ('participant', 'investigator', 'sponsor')),
        ADD CONSTRAINT participants_status_check CHECK (status IN (${STATUS_LIST})),
        ADD CONSTRAINT participants_registered_have_study_id
          CHECK (study_id IS NOT NULL OR status IN ('pre_screened', 'withdrawn')),
        ADD CONSTRAINT participants_withdrawal_complete
          CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL));
      CREATE INDEX participants_site_registered_idx ON participants (site_id, registered_at);

      -- One row per pathway move: the screening log's dates and the CONSORT flow read it.
      CREATE TABLE participant_status_history (
        id bigserial PRIMARY KEY,
        participant_id uuid NOT NULL REFERENCES participants(id),
        from_status text CHECK (from_status IN (${STATUS_LIST})),
        to_status text NOT NULL CHECK (to_status IN (${STATUS_LIST})),
        kind text NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_id uuid,
        actor_role text NOT NULL,
        reason text
      );
      CREATE INDEX participant_status_history_participant_idx ON participant_status_history (participant_id, id);

      -- Identity vault: AES-256-GCM ciphertext only; key_id names the key so keys can rotate.
      CREATE TABLE participant_identities (
        participant_id uuid PRIMARY KEY REFERENCES participants(id),
        key_id text NOT NULL,
        iv bytea NOT NULL CHECK (length(iv) = 12),
        auth_tag bytea NOT NULL CHECK (length(auth_tag) = 16),
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX participant_identities_key_idx ON participant_identities (key_id);

      -- A screening episode: the structured screening data (the engine's ScreeningData, without
      -- birth date and consent), its decision and the consent taken after it. A re-screening
      -- closes the episode and opens the next; closed episodes are kept as history.
      CREATE TABLE screening_episodes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        episode_no integer NOT NULL CHECK (episode_no >= 1),
        data jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
        started_at timestamptz NOT NULL,
        closed_at timestamptz,
        decision text CHECK (decision IN ('eligible', 'ineligible')),
        decided_assessment_id uuid,
        decided_at timestamptz,
        exclusion_codes text[] NOT NULL DEFAULT '{}',
        consent_version text,
        consent_date date,
        age_at_consent integer,
        consent_recorded_at timestamptz,
        consent_recorded_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 0,
        UNIQUE (participant_id, episode_no),
        CHECK ((consent_date IS NULL) = (consent_version IS NULL))
      );
      CREATE UNIQUE INDEX screening_episodes_one_open_idx ON screening_episodes (participant_id) WHERE closed_at IS NULL;

      CREATE TABLE eligibility_assessments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        episode_id uuid NOT NULL REFERENCES screening_episodes(id),
        criteria_set_id text NOT NULL,
        criteria_set_version text NOT NULL,
        criteria_set_label text NOT NULL,
        assessment_date date NOT NULL,
        result text NOT NULL CHECK (result IN ('eligible', 'ineligible', 'incomplete')),
        criteria jsonb NOT NULL,
        disabled_criteria text[] NOT NULL,
        warnings jsonb NOT NULL,
        exclusion_codes text[] NOT NULL,
        unknown_codes text[] NOT NULL,
        input_hash text NOT NULL CHECK (input_hash ~ '^[0-9a-f]{64}$'),
        age_at_assessment integer,
        created_at timestamptz NOT NULL,
        created_by uuid REFERENCES users(id),
        -- Electronic signature (21 CFR 11.50): who, printed name, when, meaning.
        signed_at timestamptz,
        signed_by uuid REFERENCES users(id),
        signer_name text,
        signature_meaning text,
        signature_voided_at timestamptz,
        signature_void_reason text,
        CHECK ((signed_at IS NULL) = (signed_by IS NULL)
           AND (signed_at IS NULL) = (signer_name IS NULL)
           AND (signed_at IS NULL) = (signature_meaning IS NULL)),
        CHECK (signature_voided_at IS NULL OR signed_at IS NOT NULL),
        CHECK (signed_at IS NULL OR result <> 'incomplete')
      );
      CREATE INDEX eligibility_assessments_participant_idx ON eligibility_assessments (participant_id, created_at);
      CREATE INDEX eligibility_assessments_episode_idx ON eligibility_assessments (episode_id);
      ALTER TABLE screening_episodes ADD CONSTRAINT screening_episodes_decided_assessment_fk
        FOREIGN KEY (decided_assessment_id) REFERENCES eligibility_assessments(id);

      -- What an assessment judged never changes; a signature is set once and voided at most once.
      CREATE FUNCTION eligibility_assessment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'eligibility assessments are never deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF ROW(NEW.id, NEW.participant_id, NEW.episode_id, NEW.criteria_set_id, NEW.criteria_set_version,
               NEW.assessment_date, NEW.result, NEW.criteria, NEW.exclusion_codes, NEW.input_hash,
               NEW.age_at_assessment, NEW.created_at, NEW.created_by)
           IS DISTINCT FROM ROW(OLD.id, OLD.participant_id, OLD.episode_id, OLD.criteria_set_id, OLD.criteria_set_version,
               OLD.assessment_date, OLD.result, OLD.criteria, OLD.exclusion_codes, OLD.input_hash,
               OLD.age_at_assessment, OLD.created_at, OLD.created_by) THEN
          RAISE EXCEPTION 'an eligibility assessment is immutable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.signed_at IS NOT NULL AND ROW(NEW.signed_at, NEW.signed_by, NEW.signer_name, NEW.signature_meaning)
           IS DISTINCT FROM ROW(OLD.signed_at, OLD.signed_by, OLD.signer_name, OLD.signature_meaning) THEN
          RAISE EXCEPTION 'a signature cannot be changed' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.signature_voided_at IS NOT NULL AND ROW(NEW.signature_voided_at, NEW.signature_void_reason)
           IS DISTINCT FROM ROW(OLD.signature_voided_at, OLD.signature_void_reason) THEN
          RAISE EXCEPTION 'a voided signature stays void' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER eligibility_assessment_guard BEFORE UPDATE OR DELETE ON eligibility_assessments
        FOR EACH ROW EXECUTE FUNCTION eligibility_assessment_guard();

      -- Withdrawal: a request to destroy body material stays open until someone confirms it (S003).
      CREATE TABLE sample_destruction_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        participant_id uuid NOT NULL REFERENCES participants(id),
        requested_at timestamptz NOT NULL,
        requested_by uuid REFERENCES users(id),
        confirmed_at timestamptz,
        confirmed_by uuid REFERENCES users(id),
        confirmation_note text,
        CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL))
      );
      CREATE UNIQUE INDEX sample_destruction_one_open_idx ON sample_destruction_requests (participant_id) WHERE confirmed_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sample_destruction_requests;
      ALTER TABLE screening_episodes DROP CONSTRAINT screening_episodes_decided_assessment_fk;
      DROP TRIGGER eligibility_assessment_guard ON eligibility_assessments;
      DROP FUNCTION eligibility_assessment_guard();
      DROP TABLE eligibility_assessments;
      DROP TABLE screening_episodes;
      DROP TABLE participant_identities;
      DROP TABLE participant_status_history;
      DROP INDEX participants_site_registered_idx;
      ALTER TABLE participants
        DROP CONSTRAINT participants_withdrawal_complete,
        DROP CONSTRAINT participants_registered_have_study_id,
        DROP CONSTRAINT participants_status_check,
        DROP COLUMN withdrawal_initiated_by,
        DROP COLUMN withdrawal_reason,
        DROP COLUMN withdrawn_from,
        DROP COLUMN withdrawn_at,
        DROP COLUMN current_episode,
        DROP COLUMN pre_screening,
        DROP COLUMN registered_at;
    `);
  }
}
