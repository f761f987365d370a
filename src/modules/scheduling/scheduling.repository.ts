import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ArmAPhaseCode, ArmAPlanConfig } from './calendar/arm-a-plan';
import type {
  AllocationRow,
  BookingRow,
  BookingStatus,
  CentreRow,
  NotReceivedCode,
  PhaseOutcome,
  PhaseRecordRow,
  QuarterUsage,
  ReviewStatus,
} from './booking.entity';
import type { BookingInQuarter } from './scheduling.errors';

/** Null = trial-wide; otherwise the actor's site ids. */
export type Scope = readonly string[] | null;

/** A quarter's capacity: the centre's override, else its default. */
export type CapacityRow = { quarter: string; capacity: number; overridden: boolean };

const BOOKING_COLUMNS = `b.id, b.trial_id AS "trialId", b.participant_id AS "participantId", p.study_id AS "studyId",
  b.site_id AS "siteId", ps.label AS "siteLabel",
  b.centre_id AS "centreId", cs.label AS "centreLabel", cs.name AS "centreName",
  cs.time_zone AS "centreTimeZone", b.status, b.quarter,
  b.planned_admission_date::text AS "plannedAdmissionDate", b.randomised_at AS "randomisedAt",
  b.randomisation_date::text AS "randomisationDate", b.earliest_admission_date::text AS "earliestAdmissionDate",
  b.wait_limit_months AS "waitLimitMonths", b.review_status AS "reviewStatus", b.flagged_at AS "flaggedAt",
  b.review_reason AS "reviewReason", b.reviewed_by AS "reviewedBy", b.reviewed_at AS "reviewedAt",
  b.referred_from_id AS "referredFromId", b.referred_to_id AS "referredToId", b.plan_config AS "planConfig",
  b.transplant_day0::text AS "transplantDay0", b.not_received_code AS "notReceivedCode",
  b.not_received_reason AS "notReceivedReason", ad.received, b.ended_reason AS "endedReason", b.ended_at AS "endedAt",
  b.created_at AS "createdAt", b.updated_at AS "updatedAt", b.version`;

const BOOKING_FROM = `transplant_bookings b
  JOIN participant_directory p ON p.id = b.participant_id
  JOIN site_directory ps ON ps.id = b.site_id
  JOIN site_directory cs ON cs.id = b.centre_id
  LEFT JOIN allocation_directory ad ON ad.participant_id = b.participant_id`;

/** A booking is visible to staff of the participant's site and of the centre. */
const bookingInScope = (param: string) =>
  `(${param}::uuid[] IS NULL OR b.site_id = ANY(${param}::uuid[]) OR b.centre_id = ANY(${param}::uuid[]))`;

const CENTRE_COLUMNS = `s.id, s.country_code || '-' || s.code AS label, s.name, s.time_zone AS "timeZone",
  'transplant_centre' = ANY(s.roles) AS "isCentre"`;

const ALLOCATION_COLUMNS = `p.id AS "participantId", p.trial_id AS "trialId", p.site_id AS "siteId",
  s.country_code AS "siteCountry", s.transplant_centre_id AS "siteCentreId", p.status AS "participantStatus",
  a.arm, a.environment, a.randomised_at AS "randomisedAt", a.discontinued_on IS NOT NULL AS discontinued`;

/** Capacity (override, else the centre default) and places taken per quarter, with the list order `n`. */
const USAGE_SQL = (centre: string, quarters: string) => `
  SELECT q.quarter, q.n, COALESCE(tc.capacity, s.default_quarterly_capacity)::int AS capacity,
         (SELECT count(*)::int FROM transplant_bookings b
          WHERE b.centre_id = s.id AND b.quarter = q.quarter AND b.status IN ('booked', 'done')) AS used
  FROM unnest(${quarters}::text[]) WITH ORDINALITY AS q(quarter, n)
  JOIN site_directory s ON s.id = ${centre}
  LEFT JOIN transplant_capacities tc ON tc.centre_id = s.id AND tc.quarter = q.quarter`;

/** The participant's most recent booking as {id, active}: a live one first, else the newest. */
const LATEST_BOOKING = (participant: string) => `(
  SELECT json_build_object('id', b.id, 'active', b.status IN ('booked', 'waitlisted', 'done'))
  FROM transplant_bookings b WHERE b.participant_id = ${participant}
  ORDER BY (b.status IN ('booked', 'waitlisted', 'done')) DESC, b.created_at DESC LIMIT 1)`;

export type LatestBooking = { id: string; active: boolean };

/** An allocation with the participant's latest booking and the time zone of the site's centre. */
export type AllocationState = AllocationRow & {
  latest: LatestBooking | null;
  centreTimeZone: string | null;
};

export type BookingContext = {
  earlier: AllocationRow[];
  latest: LatestBooking | null;
  usage: QuarterUsage[];
};

export type NewBooking = {
  trialId: string;
  participantId: string;
  siteId: string;
  centreId: string;
  status: 'booked' | 'waitlisted';
  quarter: string | null;
  plannedAdmissionDate: string | null;
  randomisedAt: Date;
  randomisationDate: string;
  earliestAdmissionDate: string;
  waitLimitMonths: number;
  reviewStatus: ReviewStatus;
  flaggedAt: Date | null;
  referredFromId: string | null;
  planConfig: ArmAPlanConfig;
  now: Date;
};

export type BookingChanges = Partial<{
  status: BookingStatus;
  quarter: string | null;
  plannedAdmissionDate: string | null;
  reviewStatus: ReviewStatus;
  flaggedAt: Date | null;
  reviewReason: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  referredToId: string | null;
  transplantDay0: string | null;
  notReceivedCode: NotReceivedCode | null;
  notReceivedReason: string | null;
  endedReason: string | null;
  endedAt: Date | null;
}>;

const CHANGE_COLUMNS: Record<keyof BookingChanges, string> = {
  status: 'status',
  quarter: 'quarter',
  plannedAdmissionDate: 'planned_admission_date',
  reviewStatus: 'review_status',
  flaggedAt: 'flagged_at',
  reviewReason: 'review_reason',
  reviewedBy: 'reviewed_by',
  reviewedAt: 'reviewed_at',
  referredToId: 'referred_to_id',
  transplantDay0: 'transplant_day0',
  notReceivedCode: 'not_received_code',
  notReceivedReason: 'not_received_reason',
  endedReason: 'ended_reason',
  endedAt: 'ended_at',
};

export type BookingFilter = {
  centreId?: string;
  siteId?: string;
  status?: BookingStatus;
  quarter?: string;
  reviewStatus?: ReviewStatus;
};

export type QuarterCounts = {
  quarter: string;
  capacity: number;
  overridden: boolean;
  booked: number;
  done: number;
  cancelled: number;
  notDone: number;
  pendingReview: number;
};

export type WaitingRow = BookingRow & { position: number };

export type NewPhaseRecord = {
  bookingId: string;
  phase: ArmAPhaseCode;
  outcome: PhaseOutcome;
  actualStart: string | null;
  actualEnd: string | null;
  reason: string | null;
  recordedBy: string | null;
  recordedAt: Date;
};

const PHASE_COLUMNS = `r.booking_id AS "bookingId", r.phase, r.outcome, r.actual_start::text AS "actualStart",
  r.actual_end::text AS "actualEnd", r.reason, r.recorded_by AS "recordedBy", r.recorded_at AS "recordedAt", r.version`;

/** Statuses of a participant that can no longer receive a transplant slot. */
export const NOT_BOOKABLE_PARTICIPANT_STATUSES = [
  'withdrawn',
  'lost_to_follow_up',
  'died',
  'completed',
];

@Injectable()
export class SchedulingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The participant of each transplant booking of one of `participantIds` or with one of `recordIds` as its id. */
  bookingOwners(
    participantIds: readonly string[],
    recordIds: readonly string[],
    em?: EntityManager,
  ): Promise<{ id: string; participantId: string }[]> {
    return (em ?? this.dataSource.manager).query(
      `SELECT id, participant_id AS "participantId" FROM transplant_bookings
        WHERE participant_id = ANY($1::uuid[]) OR id = ANY($2::uuid[])`,
      [participantIds, recordIds],
    );
  }

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---- centres and participants -------------------------------------------------------------

  /**
   * Locks the centre's row of `transplant_centre_locks` (created on first use): bookings, moves and
   * capacity changes of one centre happen one after the other. Null when no such site.
   */
  async lockCentre(centreId: string, em: EntityManager): Promise<CentreRow | null> {
    const lock = () =>
      em.query(
        `SELECT ${CENTRE_COLUMNS} FROM transplant_centre_locks l JOIN site_directory s ON s.id = l.centre_id
         WHERE l.centre_id = $1 FOR UPDATE OF l`,
        [centreId],
      ) as Promise<CentreRow[]>;
    const rows = await lock();
    if (rows[0]) {
      return rows[0];
    }
    await em.query(
      `INSERT INTO transplant_centre_locks (centre_id) SELECT id FROM site_directory WHERE id = $1
       ON CONFLICT (centre_id) DO NOTHING`,
      [centreId],
    );
    const again = await lock();
    return again[0] ?? null;
  }

  /** Capacity of each quarter in the list: the override if set, else the centre's default. */
  capacities(
    centreId: string,
    quarters: readonly string[],
    em?: EntityManager,
  ): Promise<CapacityRow[]> {
    return this.m(em).query(
      `SELECT q.quarter, COALESCE(tc.capacity, s.default_quarterly_capacity) AS capacity, tc.capacity IS NOT NULL AS overridden
       FROM unnest($2::text[]) WITH ORDINALITY AS q(quarter, n)
       JOIN site_directory s ON s.id = $1
       LEFT JOIN transplant_capacities tc ON tc.centre_id = s.id AND tc.quarter = q.quarter
       ORDER BY q.n`,
      [centreId, quarters],
    );
  }

  async setCapacity(
    centreId: string,
    quarter: string,
    capacity: number,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO transplant_capacities (centre_id, quarter, capacity, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (centre_id, quarter) DO UPDATE SET capacity = EXCLUDED.capacity, updated_at = EXCLUDED.updated_at`,
      [centreId, quarter, capacity, now],
    );
  }

  async findCentre(centreId: string, em?: EntityManager): Promise<CentreRow | null> {
    const rows: CentreRow[] = await this.m(em).query(
      `SELECT ${CENTRE_COLUMNS} FROM site_directory s WHERE s.id = $1`,
      [centreId],
    );
    return rows[0] ?? null;
  }

  async centreByCode(
    trialId: string,
    country: string,
    code: string,
    em?: EntityManager,
  ): Promise<CentreRow | null> {
    const rows: CentreRow[] = await this.m(em).query(
      `SELECT ${CENTRE_COLUMNS} FROM site_directory s WHERE s.trial_id = $1 AND s.country_code = $2 AND s.code = $3`,
      [trialId, country, code],
    );
    return rows[0] ?? null;
  }

  /** A transplant centre the scope may see: its own staff, or staff of a site it serves. */
  async visibleCentre(centreId: string, scope: Scope): Promise<CentreRow | null> {
    const rows: CentreRow[] = await this.m().query(
      `SELECT ${CENTRE_COLUMNS} FROM site_directory s
       WHERE s.id = $1 AND 'transplant_centre' = ANY(s.roles)
         AND ($2::uuid[] IS NULL OR s.id = ANY($2::uuid[])
              OR EXISTS (SELECT 1 FROM site_directory m WHERE m.id = ANY($2::uuid[]) AND m.transplant_centre_id = s.id))`,
      [centreId, scope],
    );
    return rows[0] ?? null;
  }

  /** The site and its serving centre, when the site is in scope. */
  async siteWithCentre(
    siteId: string,
    scope: Scope,
  ): Promise<{ id: string; trialId: string; countryCode: string; centreId: string | null } | null> {
    const rows: { id: string; trialId: string; countryCode: string; centreId: string | null }[] =
      await this.m().query(
        `SELECT s.id, s.trial_id AS "trialId", s.country_code AS "countryCode", s.transplant_centre_id AS "centreId"
       FROM site_directory s WHERE s.id = $1 AND ($2::uuid[] IS NULL OR s.id = ANY($2::uuid[]))`,
        [siteId, scope],
      );
    return rows[0] ?? null;
  }

  /** The participant's allocation, with their most recent booking (a live one first), if any. */
  async allocationOf(participantId: string, em?: EntityManager): Promise<AllocationState | null> {
    const rows: AllocationState[] = await this.m(em).query(
      `SELECT ${ALLOCATION_COLUMNS}, ${LATEST_BOOKING('p.id')} AS latest, c.time_zone AS "centreTimeZone"
       FROM participant_directory p
       JOIN allocation_directory a ON a.participant_id = p.id
       JOIN site_directory s ON s.id = p.site_id
       LEFT JOIN site_directory c ON c.id = s.transplant_centre_id
       WHERE p.id = $1`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  async participantInScope(participantId: string, scope: Scope): Promise<boolean> {
    const rows: unknown[] = await this.m().query(
      `SELECT 1 FROM participant_directory p WHERE p.id = $1 AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[])
         OR EXISTS (SELECT 1 FROM transplant_bookings b WHERE b.participant_id = p.id AND b.centre_id = ANY($2::uuid[])))`,
      [participantId, scope],
    );
    return rows.length > 0;
  }

  /**
   * Everything a booking decides on, read in ONE statement once the centre is locked (the lock is
   * the critical section, so round trips there are what limits bookings per second):
   * - `earlier`: arm-A participants served by the centre, randomised before this one, never booked
   *   (their own job has not run yet). Booking them first keeps places in randomisation order
   *   whatever order the jobs run in.
   * - `latest`: this participant's most recent booking (a live one first), to stay idempotent.
   * - `usage`: capacity and places taken of each quarter in `quarters`.
   */
  async bookingContext(
    centreId: string,
    who: { participantId: string; randomisedAt: Date },
    quarters: readonly string[],
    limit: number,
    em: EntityManager,
  ): Promise<BookingContext> {
    const rows: {
      earlier: (Omit<AllocationRow, 'randomisedAt'> & { randomisedAt: string })[];
      latest: LatestBooking | null;
      usage: QuarterUsage[];
    }[] = await em.query(
      `SELECT
           COALESCE((SELECT json_agg(e ORDER BY e."randomisedAt", e."participantId") FROM (
             SELECT ${ALLOCATION_COLUMNS} FROM allocation_directory a
             JOIN participant_directory p ON p.id = a.participant_id
             JOIN site_directory s ON s.id = p.site_id
             WHERE s.transplant_centre_id = $1 AND a.arm = 'A' AND a.environment = 'production'
               AND (a.randomised_at, a.participant_id) < ($2::timestamptz, $3::uuid)
               AND p.status <> ALL($4::text[]) AND a.discontinued_on IS NULL
               AND NOT EXISTS (SELECT 1 FROM transplant_bookings b WHERE b.participant_id = p.id)
             ORDER BY a.randomised_at, a.participant_id
             LIMIT ${Number(limit)}) e), '[]'::json) AS earlier,
           ${LATEST_BOOKING('$3::uuid')} AS latest,
           COALESCE((SELECT json_agg(json_build_object('quarter', u.quarter, 'capacity', u.capacity, 'used', u.used) ORDER BY u.n)
                     FROM (${USAGE_SQL('$1', '$5')}) u), '[]'::json) AS usage`,
      [centreId, who.randomisedAt, who.participantId, NOT_BOOKABLE_PARTICIPANT_STATUSES, quarters],
    );
    const row = rows[0];
    return {
      earlier: row.earlier.map((e) => ({ ...e, randomisedAt: new Date(e.randomisedAt) })),
      latest: row.latest,
      usage: row.usage,
    };
  }

  // ---- bookings -----------------------------------------------------------------------------

  async activeBookingId(participantId: string, em?: EntityManager): Promise<string | null> {
    const rows: { id: string }[] = await this.m(em).query(
      `SELECT id FROM transplant_bookings WHERE participant_id = $1 AND status IN ('booked', 'waitlisted', 'done')`,
      [participantId],
    );
    return rows[0]?.id ?? null;
  }

  async findBooking(
    id: string,
    scope: Scope,
    em?: EntityManager,
    lock = false,
  ): Promise<BookingRow | null> {
    const rows: BookingRow[] = await this.m(em).query(
      `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM} WHERE b.id = $1 AND ${bookingInScope('$2')} ${lock ? 'FOR UPDATE OF b' : ''}`,
      [id, scope],
    );
    return rows[0] ?? null;
  }

  async bookingsOfParticipant(participantId: string, scope: Scope): Promise<BookingRow[]> {
    return this.m().query(
      `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM} WHERE b.participant_id = $1 AND ${bookingInScope('$2')}
       ORDER BY b.created_at DESC, b.id`,
      [participantId, scope],
    );
  }

  /** The active booking of a participant, unscoped (for other modules' service calls). */
  async activeBookingOf(participantId: string, em?: EntityManager): Promise<BookingRow | null> {
    const rows: BookingRow[] = await this.m(em).query(
      `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM} WHERE b.participant_id = $1 AND b.status IN ('booked', 'waitlisted', 'done')`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  /** The most recent booking of a participant (active or ended), unscoped. */
  async latestBookingOf(participantId: string): Promise<BookingRow | null> {
    const rows: BookingRow[] = await this.m().query(
      `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM} WHERE b.participant_id = $1
       ORDER BY (b.status IN ('booked', 'waitlisted', 'done')) DESC, b.created_at DESC LIMIT 1`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  /**
   * For exports, through the export's snapshot transaction: the current booking of each of a page
   * of participants (the live one, else the most recent), as `latestBookingOf` chooses.
   */
  exportBookings(em: EntityManager, participantIds: readonly string[]): Promise<BookingRow[]> {
    return em.query(
      `SELECT DISTINCT ON (b.participant_id) ${BOOKING_COLUMNS} FROM ${BOOKING_FROM}
       WHERE b.participant_id = ANY($1::uuid[])
       ORDER BY b.participant_id, (b.status IN ('booked', 'waitlisted', 'done')) DESC, b.created_at DESC, b.id`,
      [participantIds],
    );
  }

  /** For exports: every booking (live or ended) of a page of participants, id and participant. */
  exportBookingIds(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<{ id: string; participantId: string }[]> {
    return em.query(
      `SELECT b.id, b.participant_id AS "participantId" FROM transplant_bookings b
       WHERE b.participant_id = ANY($1::uuid[]) ORDER BY b.participant_id, b.created_at, b.id`,
      [participantIds],
    );
  }

  async listBookings(
    filter: BookingFilter,
    scope: Scope,
    page: number,
    pageSize: number,
  ): Promise<{ items: BookingRow[]; total: number }> {
    const params: unknown[] = [scope];
    const where = [bookingInScope('$1')];
    if (filter.centreId) {
      where.push(`b.centre_id = $${params.push(filter.centreId)}`);
    }
    if (filter.siteId) {
      where.push(`b.site_id = $${params.push(filter.siteId)}`);
    }
    if (filter.status) {
      where.push(`b.status = $${params.push(filter.status)}`);
    }
    if (filter.quarter) {
      where.push(`b.quarter = $${params.push(filter.quarter)}`);
    }
    if (filter.reviewStatus) {
      where.push(`b.review_status = $${params.push(filter.reviewStatus)}`);
    }
    const clause = where.join(' AND ');
    const [items, counts] = await Promise.all([
      this.m().query(
        `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM} WHERE ${clause}
         ORDER BY b.randomised_at, b.id LIMIT ${Number(pageSize)} OFFSET ${(Number(page) - 1) * Number(pageSize)}`,
        params,
      ) as Promise<BookingRow[]>,
      this.m().query(
        `SELECT count(*)::int AS n FROM transplant_bookings b WHERE ${clause}`,
        params,
      ) as Promise<{ n: number }[]>,
    ]);
    return { items, total: counts[0].n };
  }

  /** Capacity and places taken of each quarter, in the order given. */
  async quarterUsage(
    centreId: string,
    quarters: readonly string[],
    em?: EntityManager,
  ): Promise<QuarterUsage[]> {
    return this.m(em).query(
      `SELECT u.quarter, u.capacity, u.used FROM (${USAGE_SQL('$1', '$2')}) u ORDER BY u.n`,
      [centreId, quarters],
    );
  }

  /** The bookings holding places in a quarter (for the 409 on lowering capacity). */
  async placesInQuarter(
    centreId: string,
    quarter: string,
    em: EntityManager,
  ): Promise<BookingInQuarter[]> {
    return em.query(
      `SELECT b.id AS "bookingId", p.study_id AS "studyId", b.status, b.planned_admission_date::text AS "plannedAdmissionDate"
       FROM transplant_bookings b JOIN participant_directory p ON p.id = b.participant_id
       WHERE b.centre_id = $1 AND b.quarter = $2 AND b.status IN ('booked', 'done')
       ORDER BY b.planned_admission_date, b.randomised_at, b.id`,
      [centreId, quarter],
    );
  }

  async insertBooking(b: NewBooking, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO transplant_bookings (trial_id, participant_id, site_id, centre_id, status, quarter, planned_admission_date,
         randomised_at, randomisation_date, earliest_admission_date, wait_limit_months, review_status, flagged_at,
         referred_from_id, plan_config, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9::date, $10::date, $11, $12, $13, $14, $15::jsonb, $16, $16)
       RETURNING id`,
      [
        b.trialId,
        b.participantId,
        b.siteId,
        b.centreId,
        b.status,
        b.quarter,
        b.plannedAdmissionDate,
        b.randomisedAt,
        b.randomisationDate,
        b.earliestAdmissionDate,
        b.waitLimitMonths,
        b.reviewStatus,
        b.flaggedAt,
        b.referredFromId,
        JSON.stringify(b.planConfig),
        b.now,
      ],
    );
    return rows[0].id;
  }

  async updateBooking(
    id: string,
    changes: BookingChanges,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    const params: unknown[] = [id, now];
    const sets = ['updated_at = $2', 'version = version + 1'];
    for (const [key, column] of Object.entries(CHANGE_COLUMNS) as [
      keyof BookingChanges,
      string,
    ][]) {
      const value = changes[key];
      if (value !== undefined) {
        sets.push(`${column} = $${params.push(value)}`);
      }
    }
    await em.query(`UPDATE transplant_bookings SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /**
   * The longest-waiting participant at the centre who would be admitted earlier with a place in
   * `quarter`: waitlisted, or booked in a later quarter, able to be admitted by the quarter's end,
   * not yet started on the plan. Locked for the move.
   */
  async moveUpCandidate(
    centreId: string,
    quarter: string,
    quarterEnd: string,
    excludeId: string | null,
    em: EntityManager | undefined,
    forUpdate = true,
  ): Promise<BookingRow | null> {
    const rows: BookingRow[] = await this.m(em).query(
      `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM}
       WHERE b.centre_id = $1 AND b.status IN ('booked', 'waitlisted')
         AND (b.status = 'waitlisted' OR b.quarter > $2)
         AND b.earliest_admission_date <= $3::date
         AND b.review_status NOT IN ('referred', 'second_line')
         AND ($4::uuid IS NULL OR b.id <> $4::uuid)
         AND NOT EXISTS (SELECT 1 FROM transplant_phase_records r WHERE r.booking_id = b.id)
       ORDER BY b.randomised_at, b.id
       LIMIT 1${forUpdate ? ' FOR UPDATE OF b' : ''}`,
      [centreId, quarter, quarterEnd, excludeId],
    );
    return rows[0] ?? null;
  }

  // ---- reports ------------------------------------------------------------------------------

  async quarterCounts(centreId: string, quarters: readonly string[]): Promise<QuarterCounts[]> {
    return this.m().query(
      `SELECT q.quarter, COALESCE(tc.capacity, s.default_quarterly_capacity)::int AS capacity,
              tc.capacity IS NOT NULL AS overridden,
              count(b.id) FILTER (WHERE b.status = 'booked')::int AS booked,
              count(b.id) FILTER (WHERE b.status = 'done')::int AS done,
              count(b.id) FILTER (WHERE b.status = 'cancelled')::int AS cancelled,
              count(b.id) FILTER (WHERE b.status = 'not_done')::int AS "notDone",
              count(b.id) FILTER (WHERE b.status IN ('booked', 'done') AND b.review_status = 'pending')::int AS "pendingReview"
       FROM unnest($2::text[]) WITH ORDINALITY AS q(quarter, n)
       JOIN site_directory s ON s.id = $1
       LEFT JOIN transplant_capacities tc ON tc.centre_id = s.id AND tc.quarter = q.quarter
       LEFT JOIN transplant_bookings b ON b.centre_id = s.id AND b.quarter = q.quarter
       GROUP BY q.quarter, q.n, tc.capacity, s.default_quarterly_capacity
       ORDER BY q.n`,
      [centreId, quarters],
    );
  }

  /**
   * Everyone at the centre still waiting for a transplant (booked but not yet done, or waitlisted),
   * in queue order. Positions are counted over the whole centre, then the scope filters rows.
   */
  async waitingQueue(
    centreId: string,
    scope: Scope,
    status?: 'booked' | 'waitlisted',
  ): Promise<WaitingRow[]> {
    return this.m().query(
      `SELECT * FROM (
         SELECT ${BOOKING_COLUMNS},
                (row_number() OVER (ORDER BY (b.status = 'waitlisted'), b.quarter, b.randomised_at, b.id))::int AS position
         FROM ${BOOKING_FROM}
         WHERE b.centre_id = $1 AND b.status IN ('booked', 'waitlisted')
           AND ($3::text IS NULL OR b.status = $3::text)
         ORDER BY position
       ) w
       WHERE ($2::uuid[] IS NULL OR w."siteId" = ANY($2::uuid[]) OR w."centreId" = ANY($2::uuid[]))
       ORDER BY w.position`,
      [centreId, scope, status ?? null],
    );
  }

  /**
   * Bookings with a planned admission at the centre, for the calendar feed: live ones, and ended
   * ones that had a date (their event is published as cancelled, so calendars drop it).
   */
  async calendarBookings(centreId: string, scope: Scope, fromDate: string): Promise<BookingRow[]> {
    return this.m().query(
      `SELECT ${BOOKING_COLUMNS} FROM ${BOOKING_FROM}
       WHERE b.centre_id = $1 AND b.status IN ('booked', 'done', 'cancelled', 'not_done')
         AND b.planned_admission_date >= $3::date AND ${bookingInScope('$2')}
       ORDER BY b.planned_admission_date, b.id`,
      [centreId, scope, fromDate],
    );
  }

  // ---- treatment phases ---------------------------------------------------------------------

  async phaseRecords(bookingIds: readonly string[], em?: EntityManager): Promise<PhaseRecordRow[]> {
    if (bookingIds.length === 0) {
      return [];
    }
    return this.m(em).query(
      `SELECT ${PHASE_COLUMNS} FROM transplant_phase_records r WHERE r.booking_id = ANY($1::uuid[])`,
      [bookingIds],
    );
  }

  async findPhase(
    bookingId: string,
    phase: ArmAPhaseCode,
    em: EntityManager,
  ): Promise<PhaseRecordRow | null> {
    const rows: PhaseRecordRow[] = await em.query(
      `SELECT ${PHASE_COLUMNS} FROM transplant_phase_records r WHERE r.booking_id = $1 AND r.phase = $2 FOR UPDATE`,
      [bookingId, phase],
    );
    return rows[0] ?? null;
  }

  async upsertPhase(r: NewPhaseRecord, em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO transplant_phase_records (booking_id, phase, outcome, actual_start, actual_end, reason, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8)
       ON CONFLICT (booking_id, phase) DO UPDATE SET outcome = EXCLUDED.outcome, actual_start = EXCLUDED.actual_start,
         actual_end = EXCLUDED.actual_end, reason = EXCLUDED.reason, recorded_by = EXCLUDED.recorded_by,
         recorded_at = EXCLUDED.recorded_at, version = transplant_phase_records.version + 1`,
      [
        r.bookingId,
        r.phase,
        r.outcome,
        r.actualStart,
        r.actualEnd,
        r.reason,
        r.recordedBy,
        r.recordedAt,
      ],
    );
  }
}
