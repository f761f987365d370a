import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { RateLimitStorage } from 'src/common/throttling/rate-limit.storage';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { AuthErrors } from './auth.errors';

type Row = { failures: number; windowStartedAt: Date; lockedUntil: Date | null };

const MINUTE = 60_000;

/**
 * Guards the electronic signature's password check (21 CFR 11.300(d)): a per-user rate limit
 * (SIGNATURE_RATE_LIMIT_PER_MINUTE, in the shared rate-limit storage) and a lockout: after
 * SIGNATURE_MAX_FAILURES wrong passwords in a row within SIGNATURE_FAILURE_WINDOW_MINUTES, signing
 * is locked for SIGNATURE_LOCKOUT_MINUTES, whatever password is entered (429 SIGNATURE_LOCKED,
 * saying until when). A right password resets the count. The state is in PostgreSQL
 * (`signature_attempts`), so the lock holds in every API process and without Redis; each failure
 * and each lock is audited (`auth.signature_failed`, `auth.signature_locked`).
 *
 * An attempt counts as a failure from its start (`begin`) until it is known right (`succeeded`):
 * concurrent guesses cannot get more than SIGNATURE_MAX_FAILURES password checks between them.
 */
@Injectable()
export class SignatureAttempts {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly rateLimits: RateLimitStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Before the password is checked: refuses when throttled or locked, else counts the attempt. */
  async begin(userId: string): Promise<void> {
    const hit = await this.rateLimits.increment(
      createHash('sha256').update(`signature-user|${userId}`).digest('hex'),
      MINUTE,
      this.config.SIGNATURE_RATE_LIMIT_PER_MINUTE,
      MINUTE,
      'signature-user',
    );
    if (hit.isBlocked) {
      throw AuthErrors.signatureThrottled(hit.timeToBlockExpire);
    }
    const now = this.clock.now();
    let refused: { until: Date; locked: boolean } | null = null;
    await this.tx.run(async (uow) => {
      const row = await this.lockRow(uow.em, userId, now);
      if (row.lockedUntil && row.lockedUntil > now) {
        refused = { until: row.lockedUntil, locked: true };
        uow.audit({
          action: 'auth.signature_failed',
          entity: 'user',
          entityId: userId,
          after: { outcome: 'locked', lockedUntil: row.lockedUntil.toISOString() },
        });
        return;
      }
      let { failures, windowStartedAt } = row;
      if (row.lockedUntil || windowStartedAt.getTime() <= now.getTime() - this.windowMs()) {
        // The lock ran out, or the earlier failures are too old to count.
        failures = 0;
        windowStartedAt = now;
      }
      if (failures >= this.config.SIGNATURE_MAX_FAILURES) {
        // As many attempts as may fail are being checked right now.
        refused = { until: new Date(now.getTime() + 1000), locked: false };
        return;
      }
      await uow.em.query(
        `UPDATE signature_attempts SET failures = $2, window_started_at = $3, locked_until = NULL WHERE user_id = $1`,
        [userId, failures + 1, windowStartedAt],
      );
    });
    const r = refused as { until: Date; locked: boolean } | null;
    if (r) {
      const seconds = (r.until.getTime() - now.getTime()) / 1000;
      throw r.locked
        ? AuthErrors.signatureLocked(r.until, seconds)
        : AuthErrors.signatureThrottled(seconds);
    }
  }

  /** The password was right: the count starts again. */
  async succeeded(userId: string): Promise<void> {
    await this.tx.run(async (uow) => {
      await uow.em.query(
        `UPDATE signature_attempts SET failures = 0, window_started_at = $2, locked_until = NULL WHERE user_id = $1`,
        [userId, this.clock.now()],
      );
    });
  }

  /** The password was wrong: audited; the attempt that reaches the limit locks signing. */
  async failed(userId: string): Promise<void> {
    const now = this.clock.now();
    await this.tx.run(async (uow) => {
      const row = await this.lockRow(uow.em, userId, now);
      const max = this.config.SIGNATURE_MAX_FAILURES;
      uow.audit({
        action: 'auth.signature_failed',
        entity: 'user',
        entityId: userId,
        after: { outcome: 'wrong_password', failures: row.failures, maxFailures: max },
      });
      if (row.failures >= max && !(row.lockedUntil && row.lockedUntil > now)) {
        const lockedUntil = new Date(
          now.getTime() + this.config.SIGNATURE_LOCKOUT_MINUTES * MINUTE,
        );
        await uow.em.query(`UPDATE signature_attempts SET locked_until = $2 WHERE user_id = $1`, [
          userId,
          lockedUntil,
        ]);
        uow.audit({
          action: 'auth.signature_locked',
          entity: 'user',
          entityId: userId,
          after: { failures: row.failures, lockedUntil: lockedUntil.toISOString() },
        });
      }
    });
  }

  private windowMs(): number {
    return this.config.SIGNATURE_FAILURE_WINDOW_MINUTES * MINUTE;
  }

  /** The user's row, created when missing, locked until the transaction ends. */
  private async lockRow(em: EntityManager, userId: string, now: Date): Promise<Row> {
    await em.query(
      `INSERT INTO signature_attempts (user_id, failures, window_started_at) VALUES ($1, 0, $2)
       ON CONFLICT (user_id) DO NOTHING`,
      [userId, now],
    );
    const rows: Row[] = await em.query(
      `SELECT failures, window_started_at AS "windowStartedAt", locked_until AS "lockedUntil"
       FROM signature_attempts WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    return rows[0];
  }
}
