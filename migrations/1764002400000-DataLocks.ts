import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data cuts, freezes and the final trial lock (issue 18), owned by the data-locks module.
 * - data_cuts: a cut-off date declared by the statistician and confirmed by a monitor; once
 *   confirmed, every record first recorded on or before `cutoff_at` is frozen. The cut's reference
 *   export (its id and its files' SHA-256) is stored when it is first exported.
 * - participant_freezes: a participant's records frozen at the end of their follow-up.
 * - record_unfreezes: a monitor's unfreeze of one frozen record, with its reason; it covers the
 *   record's next change (used_at set then).
 * - trial_lock_requests / trial_locks: the two-person final lock and unlock.
 */
export class DataLocks1764002400000 implements MigrationInterface {
  name = 'DataLocks1764002400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_cuts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        cutoff_date date NOT NULL,
        cutoff_at timestamptz NOT NULL,
        time_zone text NOT NULL,
        status text NOT NULL DEFAULT 'declared' CHECK (status IN ('declared', 'confirmed')),
        declared_by uuid NOT NULL REFERENCES users(id),
        declared_at timestamptz NOT NULL,
        confirmed_by uuid REFERENCES users(id),
        confirmed_at timestamptz,
        export_id uuid,
        export_files jsonb,
        CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX data_cuts_name_key ON data_cuts (lower(name));
      CREATE INDEX data_cuts_confirmed_idx ON data_cuts (cutoff_at) WHERE status = 'confirmed';

      CREATE TABLE participant_freezes (
        participant_id uuid PRIMARY KEY,
        frozen_at timestamptz NOT NULL,
        reason text NOT NULL,
        released_at timestamptz
      );

      CREATE TABLE record_unfreezes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        participant_id uuid NOT NULL,
        reason text NOT NULL CHECK (length(reason) > 0),
        unfrozen_by uuid NOT NULL REFERENCES users(id),
        unfrozen_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE UNIQUE INDEX record_unfreezes_open_key ON record_unfreezes (entity, entity_id) WHERE used_at IS NULL;

      CREATE TABLE trial_lock_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        action text NOT NULL CHECK (action IN ('lock', 'unlock')),
        reason text NOT NULL CHECK (length(reason) > 0),
        requested_by uuid NOT NULL REFERENCES users(id),
        requested_role text NOT NULL,
        requested_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'superseded')),
        approved_by uuid REFERENCES users(id),
        approved_role text,
        approved_at timestamptz,
        CHECK (approved_by IS NULL OR approved_by <> requested_by)
      );
      -- One pending request at a time.
      CREATE UNIQUE INDEX trial_lock_requests_pending_key ON trial_lock_requests ((true)) WHERE status = 'pending';

      CREATE TABLE trial_locks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lock_request_id uuid NOT NULL REFERENCES trial_lock_requests(id),
        locked_at timestamptz NOT NULL,
        unlock_request_id uuid REFERENCES trial_lock_requests(id),
        unlocked_at timestamptz
      );
      -- At most one lock in force.
      CREATE UNIQUE INDEX trial_locks_active_key ON trial_locks ((true)) WHERE unlocked_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE trial_locks; DROP TABLE trial_lock_requests; DROP TABLE record_unfreezes; DROP TABLE participant_freezes; DROP TABLE data_cuts`,
    );
  }
}
