import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation: trials, sites and transplant capacity, users and site memberships, the
 * hash-chained append-only audit trail, the transactional outbox and the in-app inbox.
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE sites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trial_id uuid NOT NULL REFERENCES trials(id),
        code text NOT NULL CHECK (code ~ '^[A-Z]{2,5}$'),
        name text NOT NULL,
        country_code text NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
        time_zone text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}',
        transplant_centre_id uuid REFERENCES sites(id),
        default_quarterly_capacity integer NOT NULL DEFAULT 0 CHECK (default_quarterly_capacity BETWEEN 0 AND 100),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (trial_id, country_code, code)
      );

      -- A quarter's capacity when it differs from the centre's default (e.g. 1 over the summer).
      CREATE TABLE transplant_capacities (
        centre_id uuid NOT NULL REFERENCES sites(id),
        quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
        capacity integer NOT NULL CHECK (capacity BETWEEN 0 AND 100),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (centre_id, quarter)
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0),
        trial_wide boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));

      CREATE TABLE user_sites (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        site_id uuid NOT NULL REFERENCES sites(id),
        PRIMARY KEY (user_id, site_id)
      );
      CREATE INDEX user_sites_site_idx ON user_sites (site_id);

      -- Audit trail: append-only and hash-chained. The chain order is seq, assigned under the
      -- chain-head lock by the trigger below, so it is gapless and matches commit order of the chain.
      CREATE TABLE audit_chain_head (
        id integer PRIMARY KEY CHECK (id = 1),
        last_seq bigint NOT NULL,
        last_hash text NOT NULL
      );
      INSERT INTO audit_chain_head VALUES (1, 0, repeat('0', 64));

      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor_id uuid,
        actor_role text NOT NULL,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        reason text,
        request_id text,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, seq);
      CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
      CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);

      -- The one definition of a row's hash, used by the insert trigger and by verification.
      CREATE FUNCTION audit_row_hash(r audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(r.prev_hash || '|' || jsonb_build_object(
          'seq', r.seq,
          'occurred_at', to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          'actor_id', r.actor_id, 'actor_role', r.actor_role, 'action', r.action,
          'entity', r.entity, 'entity_id', r.entity_id, 'before', r.before, 'after', r.after,
          'reason', r.reason, 'request_id', r.request_id)::text, 'UTF8')), 'hex')
      $$;

      CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE head audit_chain_head;
      BEGIN
        SELECT * INTO head FROM audit_chain_head WHERE id = 1 FOR UPDATE;
        NEW.seq := head.last_seq + 1;
        NEW.prev_hash := head.last_hash;
        NEW.hash := audit_row_hash(NEW);
        UPDATE audit_chain_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
      REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

      -- Transactional outbox: job intents written with the business change, relayed to Bull.
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        queue text NOT NULL,
        job_name text NOT NULL,
        payload jsonb NOT NULL,
        dedupe_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        available_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      );
      CREATE INDEX outbox_pending_idx ON outbox (available_at, id) WHERE sent_at IS NULL;

      -- In-app inbox. dedupe_key makes notification jobs idempotent.
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        dedupe_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (user_id, dedupe_key)
      );
      CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC);
      CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notifications;
      DROP TABLE outbox;
      DROP TRIGGER audit_log_chain ON audit_log;
      DROP FUNCTION audit_log_chain();
      DROP FUNCTION audit_row_hash(audit_log);
      DROP TABLE audit_log;
      DROP FUNCTION audit_log_refuse_change();
      DROP TABLE audit_chain_head;
      DROP TABLE user_sites;
      DROP TABLE users;
      DROP TABLE transplant_capacities;
      DROP TABLE sites;
      DROP TABLE trials;
    `);
  }
}
