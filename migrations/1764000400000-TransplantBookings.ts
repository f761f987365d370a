import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transplant slot scheduling (issue 6): one row per booking of an arm-A participant at a transplant
 * centre, and the actual dates of the arm-A treatment phases.
 *
 * A booking holds a place in its quarter while its status is `booked` or `done`. Capacity is
 * enforced in the database: every writer locks the centre's `sites` row (the lock
 * SitesService.setCapacity takes too), and the trigger below re-counts the quarter after each
 * insert or move under that same lock, so no code path (or hand-written SQL) can overbook.
 */
export class TransplantBookings1764000400000 implements MigrationInterface {
  name = 'TransplantBookings1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE transplant_bookings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trial_id uuid NOT NULL REFERENCES trials(id),
        participant_id uuid NOT NULL REFERENCES participants(id),
        -- The participant's own (referring) site, for scope and notifications.
        site_id uuid NOT NULL REFERENCES sites(id),
        centre_id uuid NOT NULL REFERENCES sites(id),
        status text NOT NULL CHECK (status IN ('booked', 'waitlisted', 'done', 'cancelled', 'not_done')),
        -- Calendar quarter in the centre's zone; kept on cancelled rows for the reports.
        quarter text CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
        planned_admission_date date,
        randomised_at timestamptz NOT NULL,
        -- Randomisation date in the centre's zone, and randomisation + lead time (or today, if later).
        randomisation_date date NOT NULL,
        earliest_admission_date date NOT NULL,
        wait_limit_months integer NOT NULL CHECK (wait_limit_months >= 0),
        review_status text NOT NULL DEFAULT 'not_required'
          CHECK (review_status IN ('not_required', 'pending', 'accepted', 'referred', 'second_line', 'resolved')),
        flagged_at timestamptz,
        review_reason text,
        reviewed_by uuid REFERENCES users(id),
        reviewed_at timestamptz,
        referred_from_id uuid REFERENCES transplant_bookings(id),
        referred_to_id uuid REFERENCES transplant_bookings(id),
        -- The arm-A plan offsets in force when the booking was made.
        plan_config jsonb NOT NULL,
        transplant_day0 date,
        -- CONSORT: "did not receive the allocated intervention", with a coded reason.
        not_received_code text CHECK (not_received_code IN ('second_line_started', 'transplant_not_done')),
        not_received_reason text,
        ended_reason text,
        ended_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 0,
        CONSTRAINT transplant_bookings_place CHECK (status NOT IN ('booked', 'done') OR (quarter IS NOT NULL AND planned_admission_date IS NOT NULL)),
        CONSTRAINT transplant_bookings_waitlisted CHECK (status <> 'waitlisted' OR (quarter IS NULL AND planned_admission_date IS NULL)),
        CONSTRAINT transplant_bookings_date_in_quarter CHECK (
          planned_admission_date IS NULL OR quarter =
            extract(year FROM planned_admission_date)::int || '-Q' || extract(quarter FROM planned_admission_date)::int),
        CONSTRAINT transplant_bookings_not_early CHECK (planned_admission_date IS NULL OR planned_admission_date >= earliest_admission_date),
        CONSTRAINT transplant_bookings_day0 CHECK ((status = 'done') = (transplant_day0 IS NOT NULL)),
        CONSTRAINT transplant_bookings_not_received CHECK ((not_received_code IS NULL) = (not_received_reason IS NULL)),
        CONSTRAINT transplant_bookings_review CHECK (review_status IN ('not_required', 'resolved') OR flagged_at IS NOT NULL)
      );
      -- One live booking per participant, ever at a time (a referral cancels the old one first).
      CREATE UNIQUE INDEX transplant_bookings_one_active ON transplant_bookings (participant_id)
        WHERE status IN ('booked', 'waitlisted', 'done');
      CREATE INDEX transplant_bookings_places ON transplant_bookings (centre_id, quarter) WHERE status IN ('booked', 'done');
      CREATE INDEX transplant_bookings_waiting ON transplant_bookings (centre_id, randomised_at, id) WHERE status IN ('booked', 'waitlisted');
      CREATE INDEX transplant_bookings_site ON transplant_bookings (site_id, created_at);
      CREATE INDEX transplant_bookings_centre_quarter_all ON transplant_bookings (centre_id, quarter);
      CREATE INDEX transplant_bookings_participant ON transplant_bookings (participant_id, created_at);
      CREATE INDEX transplant_bookings_review ON transplant_bookings (centre_id) WHERE review_status = 'pending';

      -- Backstop for capacity: re-count the quarter under the centre lock after every insert or move
      -- into a place. Capacity = the quarter's override, else the centre's default.
      CREATE FUNCTION transplant_bookings_capacity_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE cap integer; used integer;
      BEGIN
        IF NEW.status NOT IN ('booked', 'done') THEN RETURN NULL; END IF;
        IF TG_OP = 'UPDATE' AND OLD.status IN ('booked', 'done') AND OLD.quarter = NEW.quarter AND OLD.centre_id = NEW.centre_id THEN
          RETURN NULL;
        END IF;
        PERFORM 1 FROM sites WHERE id = NEW.centre_id FOR UPDATE;
        SELECT COALESCE(tc.capacity, s.default_quarterly_capacity) INTO cap
          FROM sites s LEFT JOIN transplant_capacities tc ON tc.centre_id = s.id AND tc.quarter = NEW.quarter
          WHERE s.id = NEW.centre_id;
        SELECT count(*) INTO used FROM transplant_bookings
          WHERE centre_id = NEW.centre_id AND quarter = NEW.quarter AND status IN ('booked', 'done');
        IF used > cap THEN
          RAISE EXCEPTION 'transplant capacity exceeded: centre % quarter % has % bookings for % places', NEW.centre_id, NEW.quarter, used, cap
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transplant_capacity';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER transplant_bookings_capacity AFTER INSERT OR UPDATE OF status, quarter, centre_id ON transplant_bookings
        FOR EACH ROW EXECUTE FUNCTION transplant_bookings_capacity_check();

      -- The other side of the invariant: a capacity may not drop below the places booked, whichever
      -- way it is lowered (SitesService.setCapacity refuses first with a 409 listing the bookings;
      -- this also covers a lowered centre default, a removed override and hand-written SQL).
      CREATE FUNCTION transplant_capacity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE centre uuid; cap integer; q text; used integer;
      BEGIN
        IF TG_TABLE_NAME = 'sites' THEN
          IF NEW.default_quarterly_capacity >= OLD.default_quarterly_capacity THEN RETURN NULL; END IF;
          SELECT b.quarter, count(*) INTO q, used FROM transplant_bookings b
            WHERE b.centre_id = NEW.id AND b.status IN ('booked', 'done')
              AND NOT EXISTS (SELECT 1 FROM transplant_capacities tc WHERE tc.centre_id = NEW.id AND tc.quarter = b.quarter)
            GROUP BY b.quarter HAVING count(*) > NEW.default_quarterly_capacity
            ORDER BY b.quarter LIMIT 1;
          IF q IS NOT NULL THEN
            RAISE EXCEPTION 'transplant capacity exceeded: centre % quarter % has % bookings for % places', NEW.id, q, used, NEW.default_quarterly_capacity
              USING ERRCODE = 'check_violation', CONSTRAINT = 'transplant_capacity';
          END IF;
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN centre := OLD.centre_id; q := OLD.quarter; ELSE centre := NEW.centre_id; q := NEW.quarter; END IF;
        IF TG_OP = 'UPDATE' AND NEW.capacity >= OLD.capacity AND NEW.centre_id = OLD.centre_id AND NEW.quarter = OLD.quarter THEN
          RETURN NULL;
        END IF;
        PERFORM 1 FROM sites WHERE id = centre FOR UPDATE;
        SELECT COALESCE(tc.capacity, s.default_quarterly_capacity) INTO cap
          FROM sites s LEFT JOIN transplant_capacities tc ON tc.centre_id = s.id AND tc.quarter = q
          WHERE s.id = centre;
        SELECT count(*) INTO used FROM transplant_bookings
          WHERE centre_id = centre AND quarter = q AND status IN ('booked', 'done');
        IF used > cap THEN
          RAISE EXCEPTION 'transplant capacity exceeded: centre % quarter % has % bookings for % places', centre, q, used, cap
            USING ERRCODE = 'check_violation', CONSTRAINT = 'transplant_capacity';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER transplant_capacities_guard AFTER INSERT OR UPDATE OR DELETE ON transplant_capacities
        FOR EACH ROW EXECUTE FUNCTION transplant_capacity_guard();
      CREATE TRIGGER sites_transplant_capacity_guard AFTER UPDATE OF default_quarterly_capacity ON sites
        FOR EACH ROW EXECUTE FUNCTION transplant_capacity_guard();

      -- The actual date of each arm-A phase, or "not done" with a reason.
      CREATE TABLE transplant_phase_records (
        booking_id uuid NOT NULL REFERENCES transplant_bookings(id),
        phase text NOT NULL CHECK (phase IN ('evaluation', 'mobilisation', 'harvest', 'conditioning', 'reinfusion', 'isolation', 'discharge', 'early_follow_up')),
        outcome text NOT NULL CHECK (outcome IN ('done', 'not_done')),
        actual_start date,
        actual_end date,
        reason text,
        recorded_by uuid REFERENCES users(id),
        recorded_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 0,
        PRIMARY KEY (booking_id, phase),
        CONSTRAINT transplant_phase_records_dates CHECK ((outcome = 'done') = (actual_start IS NOT NULL)),
        CONSTRAINT transplant_phase_records_end CHECK (actual_end IS NULL OR (actual_start IS NOT NULL AND actual_end >= actual_start)),
        CONSTRAINT transplant_phase_records_reason CHECK (outcome = 'done' OR reason IS NOT NULL)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE transplant_phase_records;
      DROP TRIGGER sites_transplant_capacity_guard ON sites;
      DROP TRIGGER transplant_capacities_guard ON transplant_capacities;
      DROP FUNCTION transplant_capacity_guard();
      DROP TRIGGER transplant_bookings_capacity ON transplant_bookings;
      DROP FUNCTION transplant_bookings_capacity_check();
      DROP TABLE transplant_bookings;
    `);
  }
}
