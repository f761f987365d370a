import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { SealedRecord } from 'src/modules/identity/identity-cipher';
import type { RandomizationConfig } from './sequence';

export type Environment = 'production' | 'test';

export type ConfigRow = {
  trialId: string;
  environment: Environment;
  config: RandomizationConfig;
  sealedSeed: SealedRecord;
  commitment: string | null;
  liveAt: Date | null;
  liveBy: string | null;
  updatedAt: Date;
};

export type AllocationRow = {
  id: string;
  participantId: string;
  studyId: string;
  siteId: string;
  siteLabel: string;
  countryCode: string;
  environment: Environment;
  stratumKey: string;
  sequenceNumber: number;
  blockIndex: number;
  positionInBlock: number;
  blockSize: number;
  arm: string;
  randomisedAt: Date;
  randomisedBy: string | null;
  criteriaSetId: string;
  armBDrug: string | null;
  armBStartDate: string | null;
  /** The arm-B choice's version (null before a choice): send it back as expectedVersion with a change. */
  armBVersion: number | null;
  received: boolean | null;
  notReceivedReason: string | null;
  /** The site's zone (dates of discontinuation are calendar dates there). */
  siteTimeZone: string;
  /** The live discontinuation of the allocated intervention, if any. */
  discontinuation: DiscontinuationRow | null;
};

/** A discontinuation of the allocated intervention ('YYYY-MM-DD' date). */
export type DiscontinuationRow = {
  id: string;
  date: string;
  reasonCode: string;
  note: string | null;
  recordedAt: string;
  recordedBy: string | null;
};

export type NewAllocation = Omit<
  AllocationRow,
  | 'id'
  | 'studyId'
  | 'siteLabel'
  | 'countryCode'
  | 'armBDrug'
  | 'armBStartDate'
  | 'armBVersion'
  | 'received'
  | 'notReceivedReason'
  | 'siteTimeZone'
  | 'discontinuation'
> & { trialId: string; idempotencyKey: string | null; stratum: Record<string, string> };

export type AllocationFilter = {
  siteId?: string;
  arm?: string;
  from?: Date;
  to?: Date;
  scope: readonly string[] | null;
};

const ALLOCATION_COLUMNS = `a.id, a.participant_id AS "participantId", p.study_id AS "studyId", a.site_id AS "siteId",
  s.country_code || '-' || s.code AS "siteLabel", s.country_code AS "countryCode", a.environment,
  a.stratum_key AS "stratumKey", a.sequence_number AS "sequenceNumber", a.block_index AS "blockIndex",
  a.position_in_block AS "positionInBlock", a.block_size AS "blockSize", a.arm, a.randomised_at AS "randomisedAt",
  a.randomised_by AS "randomisedBy", a.criteria_set_id AS "criteriaSetId",
  b.drug AS "armBDrug", to_char(b.start_date, 'YYYY-MM-DD') AS "armBStartDate", b.version AS "armBVersion",
  r.received, r.reason_code AS "notReceivedReason", s.time_zone AS "siteTimeZone",
  CASE WHEN d.id IS NULL THEN NULL ELSE json_build_object('id', d.id, 'date', d.discontinued_on::text,
    'reasonCode', d.reason_code, 'note', d.note, 'recordedAt', d.recorded_at, 'recordedBy', d.recorded_by) END AS discontinuation`;
const ALLOCATION_FROM = `allocations a JOIN participant_directory p ON p.id = a.participant_id JOIN site_directory s ON s.id = a.site_id
  LEFT JOIN arm_b_treatments b ON b.participant_id = a.participant_id
  LEFT JOIN intervention_receipts r ON r.participant_id = a.participant_id
  LEFT JOIN intervention_discontinuations d ON d.participant_id = a.participant_id AND d.undone_at IS NULL`;

@Injectable()
export class RandomizationRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async config(
    trialId: string,
    environment: Environment,
    em?: EntityManager,
    lock = false,
  ): Promise<ConfigRow | null> {
    const rows: (Omit<ConfigRow, 'sealedSeed'> & {
      keyId: string;
      iv: Buffer;
      authTag: Buffer;
      ciphertext: Buffer;
    })[] = await this.m(em).query(
      `SELECT trial_id AS "trialId", environment, config, seed_key_id AS "keyId", seed_iv AS iv, seed_auth_tag AS "authTag",
                seed_ciphertext AS ciphertext, commitment, live_at AS "liveAt", live_by AS "liveBy", updated_at AS "updatedAt"
         FROM randomization_configs WHERE trial_id = $1 AND environment = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [trialId, environment],
    );
    const r = rows[0];
    if (!r) {
      return null;
    }
    const { keyId, iv, authTag, ciphertext, ...rest } = r;
    return { ...rest, sealedSeed: { keyId, iv, authTag, ciphertext } };
  }

  async saveConfig(
    trialId: string,
    environment: Environment,
    config: RandomizationConfig,
    seed: SealedRecord,
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO randomization_configs (trial_id, environment, config, seed_key_id, seed_iv, seed_auth_tag, seed_ciphertext, updated_at, updated_by)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (trial_id, environment) DO UPDATE SET config = EXCLUDED.config, seed_key_id = EXCLUDED.seed_key_id,
         seed_iv = EXCLUDED.seed_iv, seed_auth_tag = EXCLUDED.seed_auth_tag, seed_ciphertext = EXCLUDED.seed_ciphertext,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [
        trialId,
        environment,
        JSON.stringify(config),
        seed.keyId,
        seed.iv,
        seed.authTag,
        seed.ciphertext,
        now,
        by,
      ],
    );
  }

  async goLive(
    trialId: string,
    environment: Environment,
    commitment: string,
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE randomization_configs SET commitment = $3, live_at = $4, live_by = $5, updated_at = $4, updated_by = $5
       WHERE trial_id = $1 AND environment = $2`,
      [trialId, environment, commitment, now, by],
    );
  }

  /** Takes the next sequence number of a stratum; the row stays locked until commit. */
  async nextSequenceNumber(
    trialId: string,
    environment: Environment,
    stratumKey: string,
    em: EntityManager,
  ): Promise<number> {
    const rows: { n: number }[] = await em.query(
      `INSERT INTO stratum_counters (trial_id, environment, stratum_key, last_sequence) VALUES ($1, $2, $3, 1)
       ON CONFLICT (trial_id, environment, stratum_key) DO UPDATE SET last_sequence = stratum_counters.last_sequence + 1
       RETURNING last_sequence AS n`,
      [trialId, environment, stratumKey],
    );
    return rows[0].n;
  }

  async counters(trialId: string, environment: Environment): Promise<Record<string, number>> {
    const rows: { key: string; n: number }[] = await this.m().query(
      `SELECT stratum_key AS key, last_sequence AS n FROM stratum_counters WHERE trial_id = $1 AND environment = $2`,
      [trialId, environment],
    );
    return Object.fromEntries(rows.map((r) => [r.key, r.n]));
  }

  async insertAllocation(a: NewAllocation, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO allocations (participant_id, trial_id, site_id, environment, stratum_key, stratum, sequence_number, block_index,
         position_in_block, block_size, arm, randomised_at, randomised_by, criteria_set_id, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        a.participantId,
        a.trialId,
        a.siteId,
        a.environment,
        a.stratumKey,
        JSON.stringify(a.stratum),
        a.sequenceNumber,
        a.blockIndex,
        a.positionInBlock,
        a.blockSize,
        a.arm,
        a.randomisedAt,
        a.randomisedBy,
        a.criteriaSetId,
        a.idempotencyKey,
      ],
    );
    return rows[0].id;
  }

  async allocationOf(
    participantId: string,
    scope: readonly string[] | null,
    em?: EntityManager,
  ): Promise<AllocationRow | null> {
    const rows: AllocationRow[] = await this.m(em).query(
      `SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM}
       WHERE a.participant_id = $1 AND ($2::uuid[] IS NULL OR a.site_id = ANY($2::uuid[]))`,
      [participantId, scope],
    );
    return rows[0] ?? null;
  }

  async allocationByIdempotencyKey(key: string, em?: EntityManager): Promise<AllocationRow | null> {
    const rows: AllocationRow[] = await this.m(em).query(
      `SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM} WHERE a.idempotency_key = $1`,
      [key],
    );
    return rows[0] ?? null;
  }

  async list(
    filter: AllocationFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: AllocationRow[]; total: number }> {
    const where = [`a.environment = 'production'`];
    const params: unknown[] = [];
    if (filter.scope) {
      where.push(`a.site_id = ANY($${params.push(filter.scope)}::uuid[])`);
    }
    if (filter.siteId) {
      where.push(`a.site_id = $${params.push(filter.siteId)}`);
    }
    if (filter.arm) {
      where.push(`a.arm = $${params.push(filter.arm)}`);
    }
    if (filter.from) {
      where.push(`a.randomised_at >= $${params.push(filter.from)}`);
    }
    if (filter.to) {
      where.push(`a.randomised_at < $${params.push(filter.to)}`);
    }
    const clause = `WHERE ${where.join(' AND ')}`;
    const [items, count] = await Promise.all([
      this.m().query(
        `SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM} ${clause}
         ORDER BY a.randomised_at DESC, a.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<AllocationRow[]>,
      this.m().query(`SELECT count(*)::int AS n FROM allocations a ${clause}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return { items, total: count[0].n };
  }

  /**
   * The production arm of each of `participantIds` within `scope`, and whether the allocated
   * intervention was received (null while not recorded). Participants without one are absent.
   */
  async armsOf(
    participantIds: readonly string[],
    scope: readonly string[] | null,
  ): Promise<{ participantId: string; arm: string; received: boolean | null }[]> {
    if (participantIds.length === 0) {
      return [];
    }
    return this.m().query(
      `SELECT a.participant_id AS "participantId", a.arm, r.received
         FROM allocations a LEFT JOIN intervention_receipts r ON r.participant_id = a.participant_id
        WHERE a.environment = 'production' AND a.participant_id = ANY($1::uuid[])
          AND ($2::uuid[] IS NULL OR a.site_id = ANY($2::uuid[]))`,
      [participantIds, scope],
    );
  }

  /** For exports: the production allocations of `participantIds`, through `em` (the snapshot). */
  exportAllocations(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<AllocationRow[]> {
    return em.query(
      `SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM}
       WHERE a.environment = 'production' AND a.participant_id = ANY($1::uuid[])`,
      [participantIds],
    );
  }

  /** Every stored allocation of an environment, in sequence order (for balance and verification). */
  async allAllocations(
    trialId: string,
    environment: Environment,
    em?: EntityManager,
  ): Promise<AllocationRow[]> {
    return this.m(em).query(
      `SELECT ${ALLOCATION_COLUMNS} FROM ${ALLOCATION_FROM} WHERE a.trial_id = $1 AND a.environment = $2
       ORDER BY a.stratum_key, a.sequence_number`,
      [trialId, environment],
    );
  }

  async lockArmB(
    participantId: string,
    em: EntityManager,
  ): Promise<{
    drug: string;
    startDate: string;
    version: number;
    recordedAt: Date;
    recordedBy: string | null;
  } | null> {
    const rows: {
      drug: string;
      startDate: string;
      version: number;
      recordedAt: Date;
      recordedBy: string | null;
    }[] = await em.query(
      `SELECT drug, to_char(start_date, 'YYYY-MM-DD') AS "startDate", version, recorded_at AS "recordedAt", recorded_by AS "recordedBy"
       FROM arm_b_treatments WHERE participant_id = $1 FOR UPDATE`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  async saveArmB(
    participantId: string,
    drug: string,
    startDate: string,
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO arm_b_treatments (participant_id, drug, start_date, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (participant_id) DO UPDATE SET drug = EXCLUDED.drug, start_date = EXCLUDED.start_date,
         recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by, version = arm_b_treatments.version + 1`,
      [participantId, drug, startDate, now, by],
    );
  }

  async lockReceipt(
    participantId: string,
    em: EntityManager,
  ): Promise<{ received: boolean; reasonCode: string | null; note: string | null } | null> {
    const rows: { received: boolean; reasonCode: string | null; note: string | null }[] =
      await em.query(
        `SELECT received, reason_code AS "reasonCode", note FROM intervention_receipts WHERE participant_id = $1 FOR UPDATE`,
        [participantId],
      );
    return rows[0] ?? null;
  }

  async deleteReceipt(participantId: string, em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM intervention_receipts WHERE participant_id = $1`, [participantId]);
  }

  async saveReceipt(
    participantId: string,
    r: { received: boolean; reasonCode: string | null; note: string | null },
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO intervention_receipts (participant_id, received, reason_code, note, recorded_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (participant_id) DO UPDATE SET received = EXCLUDED.received, reason_code = EXCLUDED.reason_code,
         note = EXCLUDED.note, recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by`,
      [participantId, r.received, r.reasonCode, r.note, now, by],
    );
  }

  /** Locks the participant's allocation row: changes to the intervention facts happen one at a time. */
  async lockAllocation(participantId: string, em: EntityManager): Promise<void> {
    await em.query(`SELECT 1 FROM allocations WHERE participant_id = $1 FOR UPDATE`, [
      participantId,
    ]);
  }

  /** The live discontinuation of the participant's allocated intervention, locked. */
  async lockDiscontinuation(
    participantId: string,
    em: EntityManager,
  ): Promise<DiscontinuationRow | null> {
    const rows: DiscontinuationRow[] = await em.query(
      `SELECT id, discontinued_on::text AS date, reason_code AS "reasonCode", note, recorded_at AS "recordedAt",
              recorded_by AS "recordedBy"
       FROM intervention_discontinuations WHERE participant_id = $1 AND undone_at IS NULL FOR UPDATE`,
      [participantId],
    );
    return rows[0] ?? null;
  }

  async insertDiscontinuation(
    d: { participantId: string; date: string; reasonCode: string; note: string | null },
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO intervention_discontinuations (participant_id, discontinued_on, reason_code, note, recorded_at, recorded_by)
       VALUES ($1, $2::date, $3, $4, $5, $6) RETURNING id`,
      [d.participantId, d.date, d.reasonCode, d.note, now, by],
    );
    return rows[0].id;
  }

  async undoDiscontinuation(
    id: string,
    reason: string,
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE intervention_discontinuations SET undone_at = $2, undone_by = $3, undo_reason = $4 WHERE id = $1`,
      [id, now, by, reason],
    );
  }

  async insertUnblinding(
    e: {
      participantId: string;
      disclosedTo: string | null;
      disclosedToRole: string;
      kind: string;
      occurredAt: Date;
      reason: string;
      impact: string;
    },
    now: Date,
    by: string | null,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO unblinding_events (participant_id, disclosed_to, disclosed_to_role, kind, occurred_at, reason, impact, recorded_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        e.participantId,
        e.disclosedTo,
        e.disclosedToRole,
        e.kind,
        e.occurredAt,
        e.reason,
        e.impact,
        now,
        by,
      ],
    );
    return rows[0].id;
  }

  async unblindings(scope: readonly string[] | null, page: number, pageSize: number) {
    const params: unknown[] = [scope];
    const clause = `WHERE ($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))`;
    const [items, count] = await Promise.all([
      this.m().query(
        `SELECT u.id, u.participant_id AS "participantId", p.study_id AS "studyId", u.disclosed_to AS "disclosedTo",
                u.disclosed_to_role AS "disclosedToRole", u.kind, u.occurred_at AS "occurredAt", u.reason, u.impact,
                u.recorded_at AS "recordedAt", u.recorded_by AS "recordedBy"
         FROM unblinding_events u JOIN participant_directory p ON p.id = u.participant_id ${clause}
         ORDER BY u.occurred_at DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ),
      this.m().query(
        `SELECT count(*)::int AS n FROM unblinding_events u JOIN participant_directory p ON p.id = u.participant_id ${clause}`,
        params,
      ) as Promise<{ n: number }[]>,
    ]);
    return { items: items as unknown[], total: count[0].n };
  }
}
