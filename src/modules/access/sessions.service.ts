import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import { actingRoles, type Role, TRIAL_WIDE_BY_NATURE } from 'src/common/context/roles';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import type { UserEntity } from './user.entity';
import { UsersService } from './users.service';
import { AuthErrors } from './auth.errors';
import { SessionsRepository } from './sessions.repository';

/** Why a session ended (auth_sessions.revoke_reason). */
export type RevokeReason =
  | 'signed_out'
  | 'signed_out_everywhere'
  | 'refresh_reuse'
  | 'idle'
  | 'absolute'
  | 'account_changed'
  | 'password_changed';

/** A session's refresh token (to go into the cookie) and its deadlines. */
export type IssuedRefresh = {
  sessionId: string;
  refreshToken: string;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
};

/** A refresh accepted: the user, the role the session acts in, and the new token. */
export type Rotated = IssuedRefresh & { user: UserEntity; role: Role };

const sha256 = (raw: string) => createHash('sha256').update(raw).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const MINUTE = 60_000;

/**
 * Signed-in sessions as refresh-token families. Sign-in starts a family; each refresh uses its
 * token once and issues the next; a used token presented again revokes the family (someone holds
 * a copy); a family unused for SESSION_IDLE_MINUTES, or older than SESSION_ABSOLUTE_HOURS, is
 * dead. Only SHA-256 hashes of the tokens are stored. Concurrent refreshes of one family are
 * serialised on the family's row.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private idleDeadline(now: Date, absolute: Date): Date {
    const idle = new Date(now.getTime() + this.config.SESSION_IDLE_MINUTES * MINUTE);
    return idle < absolute ? idle : absolute;
  }

  /** Starts a family for a sign-in. */
  async start(user: UserEntity, role: Role): Promise<IssuedRefresh> {
    const now = this.clock.now();
    const absoluteExpiresAt = new Date(
      now.getTime() + this.config.SESSION_ABSOLUTE_HOURS * 60 * MINUTE,
    );
    const idleExpiresAt = this.idleDeadline(now, absoluteExpiresAt);
    const refreshToken = newToken();
    const sessionId = await this.tx.run(async (uow) => {
      const id = await this.sessions.insertSession(
        {
          userId: user.id,
          actingRole: role,
          tokenVersion: user.tokenVersion,
          createdAt: now,
          lastUsedAt: now,
          idleExpiresAt,
          absoluteExpiresAt,
        },
        uow.em,
      );
      await this.sessions.insertToken(id, sha256(refreshToken), now, uow.em);
      // A little housekeeping at each sign-in: sessions a day past their absolute limit go.
      await this.sessions.purgeEnded(new Date(now.getTime() - 24 * 60 * MINUTE), 100, uow.em);
      uow.audit({
        action: 'auth.session_started',
        entity: 'session',
        entityId: id,
        after: { userId: user.id, actingRole: role },
      });
      return id;
    });
    return { sessionId, refreshToken, idleExpiresAt, absoluteExpiresAt };
  }

  /**
   * Uses a refresh token once and issues the next of its family. Refused (401, and the family
   * revoked where it says so): an unknown token, a revoked family, a token used before (reuse:
   * the family is revoked and audited), a family past its idle or absolute deadline, an account
   * deactivated or changed since sign-in (token version), a role the account may no longer act in.
   */
  async rotate(raw: string): Promise<Rotated> {
    const now = this.clock.now();
    const outcome = await this.tx.run(
      async (uow): Promise<{ refused: string } | { rotated: Rotated }> => {
        const t = await this.sessions.presented(sha256(raw), uow.em);
        if (!t) {
          return { refused: 'unknown' };
        }
        this.actAs(t.userId, t.actingRole, t.id);
        if (t.revokedAt) {
          return { refused: 'revoked' };
        }
        if (t.usedAt) {
          await this.end(t.id, 'refresh_reuse', now, uow, 'auth.refresh_reuse');
          return { refused: 'reuse' };
        }
        if (now >= t.absoluteExpiresAt) {
          await this.end(t.id, 'absolute', now, uow, 'auth.session_expired');
          return { refused: 'absolute' };
        }
        if (now >= t.idleExpiresAt) {
          await this.end(t.id, 'idle', now, uow, 'auth.session_expired');
          return { refused: 'idle' };
        }
        const user = await this.users.find(t.userId);
        if (
          !user ||
          !user.active ||
          user.tokenVersion !== t.tokenVersion ||
          !actingRoles(user.roles).includes(t.actingRole)
        ) {
          await this.end(t.id, 'account_changed', now, uow, 'auth.session_ended');
          return { refused: 'account_changed' };
        }
        const refreshToken = newToken();
        const idleExpiresAt = this.idleDeadline(now, t.absoluteExpiresAt);
        await this.sessions.markUsed(t.tokenId, now, uow.em);
        await this.sessions.insertToken(t.id, sha256(refreshToken), now, uow.em);
        await this.sessions.touch(t.id, now, idleExpiresAt, uow.em);
        uow.audit({ action: 'auth.session_refreshed', entity: 'session', entityId: t.id });
        return {
          rotated: {
            sessionId: t.id,
            refreshToken,
            idleExpiresAt,
            absoluteExpiresAt: t.absoluteExpiresAt,
            user,
            role: t.actingRole,
          },
        };
      },
    );
    if ('refused' in outcome) {
      throw outcome.refused === 'reuse'
        ? AuthErrors.refreshReused()
        : outcome.refused === 'idle' || outcome.refused === 'absolute'
          ? AuthErrors.sessionExpired()
          : AuthErrors.invalidRefresh();
    }
    return outcome.rotated;
  }

  /** The audit rows of a refresh name the session's user, acting in its role. */
  private actAs(userId: string, role: Role, sessionId: string): void {
    RequestContext.setActor({
      id: userId,
      role,
      siteIds: [],
      trialWide: TRIAL_WIDE_BY_NATURE.includes(role),
      sessionId,
    });
  }

  private async end(
    sessionId: string,
    reason: RevokeReason,
    now: Date,
    uow: UnitOfWork,
    action = 'auth.session_ended',
  ): Promise<void> {
    if (await this.sessions.revoke(sessionId, reason, now, uow.em)) {
      uow.audit({ action, entity: 'session', entityId: sessionId, after: { reason } });
    }
  }

  /** The session's role follows the page's role switch (the family and its deadlines stay). */
  async switchRole(sessionId: string, userId: string, role: Role): Promise<IssuedRefresh | null> {
    return this.tx.run(async (uow) => {
      const s = await this.sessions.find(sessionId, uow.em, true);
      if (!s || s.userId !== userId || s.revokedAt) {
        return null;
      }
      await this.sessions.setActingRole(sessionId, role, uow.em);
      return {
        sessionId,
        refreshToken: '',
        idleExpiresAt: s.idleExpiresAt,
        absoluteExpiresAt: s.absoluteExpiresAt,
      };
    });
  }

  /** Whether an access token's session is still live (not signed out, not revoked). */
  live(sessionId: string): Promise<boolean> {
    return this.sessions.live(sessionId);
  }

  /** Signs out one session: by its refresh token (the cookie) or its id (the access token). */
  async signOut(by: { refreshToken?: string | null; sessionId?: string | null }): Promise<boolean> {
    const now = this.clock.now();
    return this.tx.run(async (uow) => {
      let id = by.sessionId ?? null;
      if (by.refreshToken) {
        const t = await this.sessions.presented(sha256(by.refreshToken), uow.em);
        id = t?.id ?? id;
      }
      if (!id) {
        return false;
      }
      const before = uow.audits.length;
      await this.end(id, 'signed_out', now, uow, 'auth.logout');
      return uow.audits.length > before;
    });
  }

  /**
   * Ends every session of the user (sign-out everywhere; also for a password change or a lost
   * device): each family is revoked. The caller bumps the token version in the same unit of
   * work when access tokens must die at once too.
   */
  async revokeAll(userId: string, reason: RevokeReason, uow: UnitOfWork): Promise<number> {
    const ids = await this.sessions.revokeAllOf(userId, reason, this.clock.now(), uow.em);
    for (const id of ids) {
      uow.audit({
        action: 'auth.session_ended',
        entity: 'session',
        entityId: id,
        after: { reason },
      });
    }
    return ids.length;
  }
}
