import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type SsoPurpose = 'sign_in' | 'signature' | 'signing_password';
export type AssertionPurpose = Exclude<SsoPurpose, 'sign_in'>;

export type SsoState = {
  purpose: SsoPurpose;
  userId: string | null;
  role: string | null;
};

export type SsoLink = { userId: string; issuer: string; subject: string };

/**
 * Single sign-on's tables: started authorization requests (by state hash), the provider subject
 * of each linked account, signing passwords, and signing assertions (by token hash).
 */
@Injectable()
export class SsoRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async insertState(
    row: SsoState & { stateHash: string; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await this.m().query(
      `INSERT INTO sso_states (state_hash, purpose, user_id, role, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.stateHash, row.purpose, row.userId, row.role, row.createdAt, row.expiresAt],
    );
  }

  /**
   * Marks the state used, once: null when unknown, used, expired, of another purpose, or not of
   * `userId` (null for a sign-in's state, which belongs to no one yet).
   */
  async consumeState(
    stateHash: string,
    purposes: readonly SsoPurpose[],
    userId: string | null,
    now: Date,
    em?: EntityManager,
  ): Promise<SsoState | null> {
    // (Through a CTE: an UPDATE's own answer through TypeORM is [rows, count].)
    const rows: SsoState[] = await this.m(em).query(
      `WITH used AS (
         UPDATE sso_states SET used_at = $2
         WHERE state_hash = $1 AND used_at IS NULL AND expires_at > $2 AND purpose = ANY($3::text[])
           AND user_id IS NOT DISTINCT FROM $4::uuid
         RETURNING purpose, user_id, role)
       SELECT purpose, user_id AS "userId", role FROM used`,
      [stateHash, now, purposes, userId],
    );
    return rows[0] ?? null;
  }

  /** Forgets states and assertions that expired before `before` (kept a while for inquiries). */
  async deleteExpired(before: Date): Promise<void> {
    await this.m().query(`DELETE FROM sso_states WHERE expires_at < $1`, [before]);
    await this.m().query(`DELETE FROM signing_assertions WHERE expires_at < $1`, [before]);
  }

  async linkOf(userId: string, em?: EntityManager): Promise<SsoLink | null> {
    const rows: SsoLink[] = await this.m(em).query(
      `SELECT user_id AS "userId", issuer, subject FROM user_sso_links WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async linkBySubject(
    issuer: string,
    subject: string,
    em?: EntityManager,
  ): Promise<SsoLink | null> {
    const rows: SsoLink[] = await this.m(em).query(
      `SELECT user_id AS "userId", issuer, subject FROM user_sso_links WHERE issuer = $1 AND subject = $2`,
      [issuer, subject],
    );
    return rows[0] ?? null;
  }

  /** Links the account to the subject (first time) or records another authentication there. */
  async upsertLink(link: SsoLink, now: Date, em: EntityManager): Promise<'linked' | 'seen'> {
    const rows: { inserted: boolean }[] = await em.query(
      `INSERT INTO user_sso_links (user_id, issuer, subject, linked_at, last_authenticated_at)
       VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (user_id) DO UPDATE SET last_authenticated_at = EXCLUDED.last_authenticated_at
       RETURNING (xmax = 0) AS inserted`,
      [link.userId, link.issuer, link.subject, now],
    );
    return rows[0].inserted ? 'linked' : 'seen';
  }

  async signingPasswordHash(userId: string): Promise<string | null> {
    const rows: { h: string }[] = await this.m().query(
      `SELECT password_hash AS h FROM user_signing_passwords WHERE user_id = $1`,
      [userId],
    );
    return rows[0]?.h ?? null;
  }

  async setSigningPassword(
    userId: string,
    hash: string,
    now: Date,
    em: EntityManager,
  ): Promise<boolean> {
    const rows: { inserted: boolean }[] = await em.query(
      `INSERT INTO user_signing_passwords (user_id, password_hash, set_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, set_at = EXCLUDED.set_at
       RETURNING (xmax = 0) AS inserted`,
      [userId, hash, now],
    );
    return rows[0].inserted;
  }

  async insertAssertion(
    row: {
      tokenHash: string;
      userId: string;
      purpose: AssertionPurpose;
      authTime: Date;
      createdAt: Date;
      expiresAt: Date;
    },
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO signing_assertions (token_hash, user_id, purpose, auth_time, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.tokenHash, row.userId, row.purpose, row.authTime, row.createdAt, row.expiresAt],
    );
  }

  /** Uses the assertion, once: false when unknown, another user's or purpose's, used or expired. */
  async consumeAssertion(
    tokenHash: string,
    userId: string,
    purpose: AssertionPurpose,
    now: Date,
    em?: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await this.m(em).query(
      `WITH used AS (
         UPDATE signing_assertions SET used_at = $4
         WHERE token_hash = $1 AND user_id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $4
         RETURNING 1)
       SELECT * FROM used`,
      [tokenHash, userId, purpose, now],
    );
    return rows.length === 1;
  }
}
