/**
 * Whole-database invariants that must hold whatever happened to the processes, connections or
 * Redis during a run: each returns a list of problems (empty = holds), so a failing test names
 * every broken row. `Queryable` is a pg Client/Pool or a TypeORM DataSource.
 */
export type Queryable = { query: (sql: string, params?: unknown[]) => Promise<unknown> };

async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = (await db.query(sql, params)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * Registration, pathway moves and allocation are each one transaction: every participant has its
 * identity row and first screening episode, one history row per registration or move with one
 * audit row each, and every allocation has its counter, its audit row, its follow-up job in the
 * outbox and a participant that moved on from `consented`.
 */
export async function transactionProblems(db: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const add = (what: string, list: unknown[]) => {
    if (list.length > 0) {
      problems.push(
        `${what}: ${JSON.stringify(list.slice(0, 5))}${list.length > 5 ? ` (+${list.length - 5})` : ''}`,
      );
    }
  };
  add(
    'participants without an identity row',
    await rows(
      db,
      `SELECT p.id FROM participants p WHERE NOT EXISTS (SELECT 1 FROM participant_identities i WHERE i.participant_id = p.id)`,
    ),
  );
  add(
    'participants without a screening episode',
    await rows(
      db,
      `SELECT p.id FROM participants p WHERE NOT EXISTS (SELECT 1 FROM screening_episodes e WHERE e.participant_id = p.id)`,
    ),
  );
  add(
    'participants whose status history and audit trail disagree',
    await rows(
      db,
      `SELECT p.id, h.n AS history, a.n AS audit FROM participants p
       CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM participant_status_history x WHERE x.participant_id = p.id) h
       CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM audit_log l WHERE l.entity_id = p.id::text
                           AND l.action IN ('participant.registered', 'participant.pre_screened', 'participant.transition')) a
       WHERE h.n <> a.n OR h.n = 0`,
    ),
  );
  add(
    'participants whose current status is not the last history row',
    await rows(
      db,
      `SELECT p.id, p.status, last.to_status FROM participants p
       CROSS JOIN LATERAL (SELECT to_status FROM participant_status_history x WHERE x.participant_id = p.id ORDER BY x.id DESC LIMIT 1) last
       WHERE last.to_status <> p.status`,
    ),
  );
  add(
    'allocations of participants not (or no longer) past consent',
    await rows(
      db,
      `SELECT a.participant_id, p.status FROM allocations a JOIN participants p ON p.id = a.participant_id
       WHERE a.environment = 'production' AND p.status IN ('pre_screened', 'registered', 'phone_check_done', 'records_reviewed',
         'screening_visit_planned', 'screening_visit_done', 'eligible', 'ineligible', 'consented')`,
    ),
  );
  add(
    'randomised participants without an allocation',
    await rows(
      db,
      `SELECT p.id FROM participants p WHERE p.status = 'randomised'
       AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.participant_id = p.id)`,
    ),
  );
  add(
    'allocations without exactly one audit row',
    await rows(
      db,
      `SELECT a.participant_id, count(l.seq)::int AS n FROM allocations a
       LEFT JOIN audit_log l ON l.entity_id = a.participant_id::text AND l.action = 'randomization.allocated'
       WHERE a.environment = 'production' GROUP BY a.participant_id HAVING count(l.seq) <> 1`,
    ),
  );
  add(
    'allocations without their follow-up job in the outbox',
    await rows(
      db,
      `SELECT a.participant_id FROM allocations a WHERE a.environment = 'production'
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'follow-up.generate-schedule:' || a.participant_id)`,
    ),
  );
  problems.push(...(await sequenceProblems(db)));
  return problems;
}

/** Per stratum: sequence numbers 1…n without a gap, and the counter row at n. */
export async function sequenceProblems(db: Queryable): Promise<string[]> {
  const strata = await rows<{
    stratum: string;
    n: number;
    max: number;
    distinct: number;
    counter: number | null;
  }>(
    db,
    `SELECT a.trial_id || '/' || a.environment || '/' || a.stratum_key AS stratum, count(*)::int AS n,
            max(a.sequence_number)::int AS max, count(DISTINCT a.sequence_number)::int AS distinct,
            (SELECT c.last_sequence FROM stratum_counters c
             WHERE c.trial_id = a.trial_id AND c.environment = a.environment AND c.stratum_key = a.stratum_key) AS counter
     FROM allocations a GROUP BY a.trial_id, a.environment, a.stratum_key`,
  );
  return strata
    .filter((s) => s.n !== s.max || s.distinct !== s.n || s.counter !== s.n)
    .map(
      (s) =>
        `stratum ${s.stratum} not gapless: ${s.n} allocations, highest number ${s.max}, counter ${String(s.counter)}`,
    );
}

/** No transplant centre quarter holds more booked places than its capacity. */
export async function capacityProblems(db: Queryable): Promise<string[]> {
  const over = await rows<{ centre: string; quarter: string; n: number; capacity: number }>(
    db,
    `SELECT b.centre_id AS centre, b.quarter, count(*)::int AS n, COALESCE(tc.capacity, s.default_quarterly_capacity) AS capacity
     FROM transplant_bookings b JOIN sites s ON s.id = b.centre_id
     LEFT JOIN transplant_capacities tc ON tc.centre_id = b.centre_id AND tc.quarter = b.quarter
     WHERE b.status IN ('booked', 'done')
     GROUP BY b.centre_id, b.quarter, tc.capacity, s.default_quarterly_capacity
     HAVING count(*) > COALESCE(tc.capacity, s.default_quarterly_capacity)`,
  );
  return over.map(
    (o) => `quarter ${o.quarter} of centre ${o.centre} holds ${o.n} places, capacity ${o.capacity}`,
  );
}

/**
 * After the jobs have run: every allocation has its schedule generated exactly once (one
 * `follow-up.schedule_generated` audit row, the same number of visits as every other participant
 * of its arm, no visit twice), and every arm-A allocation exactly one live booking.
 */
export async function jobEffectProblems(db: Queryable): Promise<string[]> {
  const problems: string[] = [];
  const missing = await rows<{ participant_id: string }>(
    db,
    `SELECT a.participant_id FROM allocations a LEFT JOIN follow_up_schedules s ON s.participant_id = a.participant_id
     WHERE a.environment = 'production' AND s.generated_at IS NULL`,
  );
  if (missing.length) {
    problems.push(
      `allocations without a generated schedule: ${missing.map((m) => m.participant_id).join(', ')}`,
    );
  }
  const generated = await rows<{ participant_id: string; n: number }>(
    db,
    `SELECT a.participant_id, count(l.seq)::int AS n FROM allocations a
     LEFT JOIN audit_log l ON l.entity_id = a.participant_id::text AND l.action = 'follow-up.schedule_generated'
     WHERE a.environment = 'production' GROUP BY a.participant_id HAVING count(l.seq) <> 1`,
  );
  if (generated.length) {
    problems.push(`schedules generated other than once: ${JSON.stringify(generated)}`);
  }
  const twice = await rows(
    db,
    `SELECT participant_id, code, count(*)::int AS n FROM visits GROUP BY participant_id, code HAVING count(*) > 1`,
  );
  if (twice.length) {
    problems.push(`visits created twice: ${JSON.stringify(twice)}`);
  }
  const visitCounts = await rows<{ arm: string; counts: number[] }>(
    db,
    `SELECT a.arm, array_agg(DISTINCT (SELECT count(*)::int FROM visits v WHERE v.participant_id = a.participant_id AND v.kind = 'scheduled')) AS counts
     FROM allocations a WHERE a.environment = 'production' GROUP BY a.arm`,
  );
  for (const v of visitCounts) {
    if (v.counts.length !== 1) {
      problems.push(
        `arm ${v.arm} participants have different visit counts: ${v.counts.join(', ')}`,
      );
    }
  }
  const bookings = await rows<{ participant_id: string; n: number }>(
    db,
    `SELECT a.participant_id, count(b.id) FILTER (WHERE b.status IN ('booked', 'waitlisted', 'done'))::int AS n
     FROM allocations a LEFT JOIN transplant_bookings b ON b.participant_id = a.participant_id
     WHERE a.environment = 'production' AND a.arm = 'A' GROUP BY a.participant_id HAVING count(b.id) FILTER (WHERE b.status IN ('booked', 'waitlisted', 'done')) <> 1`,
  );
  if (bookings.length) {
    problems.push(
      `arm-A participants without exactly one live booking: ${JSON.stringify(bookings)}`,
    );
  }
  const day0 = await rows(
    db,
    `SELECT s.participant_id, s.transplant_day0::text AS schedule, b.transplant_day0::text AS recorded
     FROM follow_up_schedules s JOIN transplant_bookings b ON b.participant_id = s.participant_id
     WHERE s.generated_at IS NOT NULL AND s.cancelled_at IS NULL AND b.transplant_day0 IS NOT NULL
       AND b.status IN ('booked', 'done') AND s.transplant_day0 IS DISTINCT FROM b.transplant_day0`,
  );
  if (day0.length) {
    problems.push(`schedules not following the recorded transplant day 0: ${JSON.stringify(day0)}`);
  }
  return problems;
}

/** Every notification is in each inbox once (the unique key holds it; this proves nothing was lost). */
export async function notificationCounts(db: Queryable): Promise<Map<string, number>> {
  const list = await rows<{ key: string; n: number }>(
    db,
    `SELECT user_id || '|' || dedupe_key AS key, count(*)::int AS n FROM notifications GROUP BY 1`,
  );
  return new Map(list.map((r) => [r.key, r.n]));
}
