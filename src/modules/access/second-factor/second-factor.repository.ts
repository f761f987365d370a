import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from 'src/common/context/roles';
import type { SealedSecret } from './secret-cipher';

export type StoredFactor = {
  sealed: SealedSecret;
  createdAt: Date;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
  /** Wrong codes in a row at sign-in, and when the last one was given. */
  failures: number;
  lastFailureAt: Date | null;
};

type FactorRow = {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
  createdAt: Date;
  confirmedAt: Date | null;
  lastUsedStep: string | null;
  failures: number;
  lastFailureAt: Date | null;
};

/** The access module's second-factor tables: TOTP secrets, recovery codes and the role policy. */
@Injectable()
export class SecondFactorRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async find(userId: string, em?: EntityManager, lock = false): Promise<StoredFactor | null> {
    const rows: FactorRow[] = await this.m(em).query(
      `SELECT key_id AS "keyId", iv, auth_tag AS "authTag", ciphertext, created_at AS "createdAt",
              confirmed_at AS "confirmedAt", last_used_step AS "lastUsedStep", failures,
              last_failure_at AS "lastFailureAt"
       FROM user_second_factors WHERE user_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [userId],
    );
    const r = rows[0];
    return r
      ? {
          sealed: { keyId: r.keyId, iv: r.iv, authTag: r.authTag, ciphertext: r.ciphertext },
          createdAt: r.createdAt,
          confirmedAt: r.confirmedAt,
          lastUsedStep: r.lastUsedStep === null ? null : Number(r.lastUsedStep),
          failures: r.failures,
          lastFailureAt: r.lastFailureAt,
        }
      : null;
  }

  /** Starts (or restarts) an enrolment; false when a confirmed factor exists (left unchanged). */
  async putPending(
    userId: string,
    sealed: SealedSecret,
    now: Date,
    em: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO user_second_factors AS f (user_id, key_id, iv, auth_tag, ciphertext, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv,
         auth_tag = EXCLUDED.auth_tag, ciphertext = EXCLUDED.ciphertext,
         created_at = EXCLUDED.created_at, last_used_step = NULL
       WHERE f.confirmed_at IS NULL
       RETURNING 1`,
      [userId, sealed.keyId, sealed.iv, sealed.authTag, sealed.ciphertext, now],
    );
    return rows.length === 1;
  }

  /**
   * Records that a code of time step `step` was accepted (and confirms a pending factor when
   * `confirm`): false when that step, or a later one, was accepted before (a replay).
   */
  async useStep(
    userId: string,
    step: number,
    confirm: Date | null,
    em: EntityManager,
  ): Promise<boolean> {
    // An UPDATE through TypeORM answers [rows, count]; a CTE makes it a plain row set.
    const rows: unknown[] = await em.query(
      `WITH used AS (
         UPDATE user_second_factors
         SET last_used_step = $2, confirmed_at = COALESCE(confirmed_at, $3)
         WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)
           AND ${confirm ? 'confirmed_at IS NULL' : 'confirmed_at IS NOT NULL'}
         RETURNING 1)
       SELECT * FROM used`,
      [userId, step, confirm],
    );
    return rows.length === 1;
  }

  /** Counts a wrong code at sign-in (`failed`), or clears the count after a right one. */
  async countFailure(userId: string, failed: Date | null, em: EntityManager): Promise<void> {
    await em.query(
      failed
        ? `UPDATE user_second_factors SET failures = failures + 1, last_failure_at = $2 WHERE user_id = $1`
        : `UPDATE user_second_factors SET failures = 0, last_failure_at = NULL WHERE user_id = $1 AND failures > 0`,
      failed ? [userId, failed] : [userId],
    );
  }

  async remove(userId: string, em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM second_factor_recovery_codes WHERE user_id = $1`, [userId]);
    await em.query(`DELETE FROM user_second_factors WHERE user_id = $1`, [userId]);
  }

  async replaceRecoveryCodes(
    userId: string,
    hashes: readonly Buffer[],
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(`DELETE FROM second_factor_recovery_codes WHERE user_id = $1`, [userId]);
    await em.query(
      `INSERT INTO second_factor_recovery_codes (user_id, code_hash, created_at)
       SELECT $1, h, $3 FROM unnest($2::bytea[]) AS h`,
      [userId, hashes, now],
    );
  }

  /** Marks an unused recovery code used; false when there is none with this hash (or it was used). */
  async useRecoveryCode(
    userId: string,
    hash: Buffer,
    now: Date,
    em: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `WITH used AS (
         UPDATE second_factor_recovery_codes SET used_at = $3
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
         RETURNING 1)
       SELECT * FROM used`,
      [userId, hash, now],
    );
    return rows.length === 1;
  }

  async recoveryCodesLeft(userId: string, em?: EntityManager): Promise<number> {
    const rows: { n: number }[] = await this.m(em).query(
      `SELECT count(*)::int AS n FROM second_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return rows[0].n;
  }

  /** The roles whose sign-in requires a second factor (with `lock`, locked until the transaction ends). */
  async requiredRoles(em?: EntityManager, lock = false): Promise<Role[]> {
    const rows: { roles: Role[] }[] = await this.m(em).query(
      `SELECT required_roles AS roles FROM second_factor_policy WHERE id ${lock ? 'FOR UPDATE' : ''}`,
    );
    return rows[0]?.roles ?? [];
  }

  async setRequiredRoles(
    roles: readonly Role[],
    by: string,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE second_factor_policy SET required_roles = $1, updated_by = $2, updated_at = $3 WHERE id`,
      [roles, by, now],
    );
  }
}
