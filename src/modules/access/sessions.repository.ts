import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from 'src/common/context/roles';

/** A signed-in session: one refresh-token family. */
export type SessionRow = {
  id: string;
  userId: string;
  actingRole: Role;
  tokenVersion: number;
  createdAt: Date;
  lastUsedAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
};

/** A refresh token (by its hash) with its session, the session row locked. */
export type PresentedToken = SessionRow & { tokenId: string; usedAt: Date | null };

const SESSION = `s.id, s.user_id AS "userId", s.acting_role AS "actingRole",
  s.token_version AS "tokenVersion", s.created_at AS "createdAt", s.last_used_at AS "lastUsedAt",
  s.idle_expires_at AS "idleExpiresAt", s.absolute_expires_at AS "absoluteExpiresAt",
  s.revoked_at AS "revokedAt", s.revoke_reason AS "revokeReason"`;

/** SQL of the sessions and their refresh tokens (hashes only). */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async insertSession(
    s: Omit<SessionRow, 'id' | 'revokedAt' | 'revokeReason'>,
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO auth_sessions (user_id, acting_role, token_version, created_at, last_used_at,
         idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        s.userId,
        s.actingRole,
        s.tokenVersion,
        s.createdAt,
        s.lastUsedAt,
        s.idleExpiresAt,
        s.absoluteExpiresAt,
      ],
    );
    return rows[0].id;
  }

  async insertToken(
    sessionId: string,
    tokenHash: string,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO auth_refresh_tokens (session_id, token_hash, created_at) VALUES ($1, $2, $3)`,
      [sessionId, tokenHash, now],
    );
  }

  /**
   * The token with this hash and its session, the session locked until the transaction ends. The
   * lock is taken first and the token read after it, by its own statement: a refresh that waited
   * for a concurrent one sees the token that one has just used (a join locked in one statement
   * would re-read only the locked row and miss it).
   */
  async presented(tokenHash: string, em: EntityManager): Promise<PresentedToken | null> {
    const [ref]: { sessionId: string }[] = await em.query(
      `SELECT session_id AS "sessionId" FROM auth_refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    if (!ref) {
      return null;
    }
    await em.query(`SELECT 1 FROM auth_sessions WHERE id = $1 FOR UPDATE`, [ref.sessionId]);
    const rows: PresentedToken[] = await em.query(
      `SELECT ${SESSION}, t.id AS "tokenId", t.used_at AS "usedAt"
       FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
       WHERE t.token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async find(id: string, em?: EntityManager, lock = false): Promise<SessionRow | null> {
    const rows: SessionRow[] = await this.m(em).query(
      `SELECT ${SESSION} FROM auth_sessions s WHERE s.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Whether the session exists and is not revoked (checked with every access token naming it). */
  async live(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m().query(
      `SELECT 1 FROM auth_sessions WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    return rows.length > 0;
  }

  async markUsed(tokenId: string, now: Date, em: EntityManager): Promise<void> {
    await em.query(`UPDATE auth_refresh_tokens SET used_at = $2 WHERE id = $1`, [tokenId, now]);
  }

  async touch(id: string, now: Date, idleExpiresAt: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE auth_sessions SET last_used_at = $2, idle_expires_at = $3 WHERE id = $1`,
      [id, now, idleExpiresAt],
    );
  }

  async setActingRole(id: string, role: Role, em: EntityManager): Promise<void> {
    await em.query(`UPDATE auth_sessions SET acting_role = $2 WHERE id = $1`, [id, role]);
  }

  async revoke(id: string, reason: string, now: Date, em: EntityManager): Promise<boolean> {
    const [rows]: [unknown[], number] = await em.query(
      `UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3
       WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [id, now, reason],
    );
    return rows.length > 0;
  }

  /**
   * Deletes up to `limit` sessions whose absolute deadline passed before `before`, with their
   * tokens: nothing about them can work any more (their start and end are in the audit trail).
   */
  async purgeEnded(before: Date, limit: number, em: EntityManager): Promise<void> {
    await em.query(
      `DELETE FROM auth_sessions WHERE id IN
         (SELECT id FROM auth_sessions WHERE absolute_expires_at < $1 LIMIT $2)`,
      [before, limit],
    );
  }

  /** Revokes every live session of the user; returns their ids. */
  async revokeAllOf(
    userId: string,
    reason: string,
    now: Date,
    em: EntityManager,
  ): Promise<string[]> {
    // UPDATE … RETURNING answers [rows, count] through TypeORM's PostgreSQL driver.
    const [rows]: [{ id: string }[], number] = await em.query(
      `UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3
       WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, now, reason],
    );
    return rows.map((r) => r.id);
  }
}
