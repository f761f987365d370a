import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type PasswordState = {
  id: string;
  email: string;
  active: boolean;
  /** null: the account signs in through the hospital's provider only. */
  passwordHash: string | null;
  passwordChangeRequired: boolean;
};

export type ResetRow = {
  id: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  supersededAt: Date | null;
};

export type ResetForMail = ResetRow & {
  email: string;
  active: boolean;
  sealedToken: Buffer | null;
  mailedAt: Date | null;
};

const RESET = `r.id, r.user_id AS "userId", r.expires_at AS "expiresAt", r.used_at AS "usedAt",
  r.superseded_at AS "supersededAt"`;

/** Passwords of the access module: the hash and change flag on `users`, `password_history`, `password_resets`. */
@Injectable()
export class PasswordsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** An account's password state, locked until the transaction ends when `em` is given with `lock`. */
  async state(userId: string, em?: EntityManager, lock = false): Promise<PasswordState | null> {
    const rows: PasswordState[] = await this.m(em).query(
      `SELECT id, email, active, password_hash AS "passwordHash",
              password_change_required AS "passwordChangeRequired"
       FROM users WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async stateByEmail(email: string): Promise<PasswordState | null> {
    const rows: PasswordState[] = await this.m().query(
      `SELECT id, email, active, password_hash AS "passwordHash",
              password_change_required AS "passwordChangeRequired"
       FROM users WHERE lower(email) = lower($1)`,
      [email],
    );
    return rows[0] ?? null;
  }

  /** The most recent earlier hashes of an account, newest first. */
  async history(userId: string, limit: number, em?: EntityManager): Promise<string[]> {
    if (limit <= 0) {
      return [];
    }
    const rows: { h: string }[] = await this.m(em).query(
      `SELECT password_hash AS h FROM password_history WHERE user_id = $1
       ORDER BY replaced_at DESC, id DESC LIMIT ${Math.floor(limit)}`,
      [userId],
    );
    return rows.map((r) => r.h);
  }

  /**
   * Replaces the password: the old hash joins the history (unless it was a temporary one), the
   * history keeps only the `keep` newest, the token version moves on (every token ends), and the
   * change flag is set as asked. Live reset links of the account are superseded.
   */
  async replace(
    userId: string,
    change: {
      newHash: string;
      oldHash: string | null;
      keep: number;
      changeRequired: boolean;
      now: Date;
    },
    em: EntityManager,
  ): Promise<void> {
    if (change.oldHash !== null) {
      await em.query(
        `INSERT INTO password_history (user_id, password_hash, replaced_at) VALUES ($1, $2, $3)`,
        [userId, change.oldHash, change.now],
      );
    }
    await em.query(
      `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN (
         SELECT id FROM password_history WHERE user_id = $1
         ORDER BY replaced_at DESC, id DESC LIMIT ${Math.max(0, Math.floor(change.keep))})`,
      [userId],
    );
    await em.query(
      `UPDATE users SET password_hash = $2, password_change_required = $3,
         password_changed_at = CASE WHEN $3 THEN password_changed_at ELSE $4::timestamptz END,
         token_version = token_version + 1, updated_at = $4
       WHERE id = $1`,
      [userId, change.newHash, change.changeRequired, change.now],
    );
    await this.supersedeLive(userId, change.now, em);
  }

  async supersedeLive(userId: string, now: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE password_resets SET superseded_at = $2, sealed_token = NULL
       WHERE user_id = $1 AND used_at IS NULL AND superseded_at IS NULL`,
      [userId, now],
    );
  }

  async insertReset(
    reset: {
      id: string;
      userId: string;
      tokenHash: string;
      sealedToken: Buffer;
      createdAt: Date;
      expiresAt: Date;
    },
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO password_resets (id, user_id, token_hash, sealed_token, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        reset.id,
        reset.userId,
        reset.tokenHash,
        reset.sealedToken,
        reset.createdAt,
        reset.expiresAt,
      ],
    );
  }

  async resetByHash(tokenHash: string, em?: EntityManager, lock = false): Promise<ResetRow | null> {
    const rows: ResetRow[] = await this.m(em).query(
      `SELECT ${RESET} FROM password_resets r WHERE r.token_hash = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async markUsed(id: string, now: Date, em: EntityManager): Promise<void> {
    await em.query(`UPDATE password_resets SET used_at = $2, sealed_token = NULL WHERE id = $1`, [
      id,
      now,
    ]);
  }

  async resetForMail(id: string): Promise<ResetForMail | null> {
    const rows: ResetForMail[] = await this.m().query(
      `SELECT ${RESET}, u.email, u.active, r.sealed_token AS "sealedToken", r.mailed_at AS "mailedAt"
       FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The e-mail went out (or will never): the sealed token is dropped. */
  async markMailed(id: string, now: Date | null): Promise<void> {
    await this.m().query(
      `UPDATE password_resets SET sealed_token = NULL,
         mailed_at = COALESCE(mailed_at, $2::timestamptz) WHERE id = $1`,
      [id, now],
    );
  }
}
