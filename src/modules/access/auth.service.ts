import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Actor } from 'src/common/context/request-context';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import type { UserEntity } from 'src/modules/access/user.entity';
import { UsersService } from 'src/modules/access/users.service';
import { Clock } from 'src/common/clock/clock';
import { AuthErrors } from './auth.errors';
import { clearSessionCookie, issueSessionCookie } from './session-cookie';
import { SessionsService } from './sessions.service';
import { checkPassword, hashPassword } from './password';
import { SignatureAttempts } from './signature-attempts';
import { type SignatureCheck, type SignatureCredentials, SigningService } from './signing.service';
import { actingRoles, type Role, ROLES, TRIAL_WIDE_BY_NATURE } from 'src/common/context/roles';
import { SecondFactorService } from './second-factor/second-factor.service';

/**
 * The token names the user, its token version, the one role it acts in and the session (refresh
 * family) it belongs to; signing out that session ends the token at once. `pwc` when the account
 * must change its password first, `sfe` when its acting role requires a second factor it has not
 * set up (the guard then allows only what that needs).
 */
type TokenClaims = { sub: string; tv: number; role: Role; sid?: string; pwc?: true; sfe?: true };

/**
 * The actor of a verified token, and what it must do before anything else: change its password,
 * or set up the second factor its acting role requires.
 */
export type AuthenticatedActor = Actor & {
  passwordChangeRequired: boolean;
  secondFactorEnrolmentRequired?: boolean;
};

export type Session = {
  accessToken: string;
  expiresIn: number;
  actingRole: Role;
  user: UserEntity;
  /** The session (refresh-token family); its refresh token went into the answer's cookie. */
  sessionId: string;
  /** Seconds until the session ends unless refreshed (SESSION_IDLE_MINUTES). */
  idleExpiresIn: number;
  /** Seconds until the session ends however active (SESSION_ABSOLUTE_HOURS after sign-in). */
  absoluteExpiresIn: number;
  /** The session may only set up the second factor (its role requires one) until it does. */
  secondFactorEnrolmentRequired?: boolean;
};

/** A correct password for an account with a second factor: the sign-in's second step. */
export type SecondFactorRequired = { status: 'second_factor_required'; challenge: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly tx: TransactionRunner,
    private readonly signing: SigningService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly signatures: SignatureAttempts,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
    private readonly secondFactor: SecondFactorService,
  ) {}

  /** A hash at the configured cost, compared against for unknown users so timing matches. */
  private dummyHash: Promise<string> | null = null;

  /**
   * Signs in acting in `role`, or, when none is asked for, in the least privileged role the
   * account may act in (the page then offers the others). A role the account may not act in is
   * refused with the same answer as a wrong password would get only after the password is right.
   */
  async login(
    email: string,
    password: string,
    role?: Role,
  ): Promise<Session | SecondFactorRequired> {
    const user = await this.users.findForLogin(email);
    this.dummyHash ??= hashPassword('no such user, no such password', this.config.BCRYPT_ROUNDS);
    const ok = await checkPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !ok || !user.active) {
      const outcome = !user ? 'unknown_user' : !ok ? 'wrong_password' : 'inactive';
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'auth.login_failed',
          entity: 'user',
          entityId: user?.id ?? null,
          after: { outcome },
        }),
      );
      throw AuthErrors.invalidCredentials();
    }
    const acting = this.actingRole(user, role);
    const { passwordHash: _omit, ...safe } = user;
    const second = await this.secondStep(safe, acting);
    if (second.status === 'second_factor_required') {
      return second;
    }
    const gate = second.gate;
    await this.tx.run(async (uow) =>
      uow.audit({
        action: 'auth.login',
        entity: 'user',
        entityId: user.id,
        after: { actingRole: acting, ...(gate === 'enrol' ? { secondFactor: 'enrolment' } : {}) },
      }),
    );
    return this.session(safe, acting);
  }

  /**
   * A new token for the same user acting in another of its roles (the page's role switch). The
   * session stays (its refresh cookie and deadlines); it acts in the new role from now on.
   */
  async switchRole(actor: Actor, role: Role): Promise<Session> {
    const user = await this.users.get(actor.id as string);
    const acting = this.actingRole(user, role);
    await this.tx.run(async (uow) =>
      uow.audit({
        action: 'auth.role_switched',
        entity: 'user',
        entityId: user.id,
        before: { actingRole: actor.role },
        after: { actingRole: acting },
      }),
    );
    return this.continueSession(actor, user, acting);
  }

  /**
   * A fresh access token in the actor's own session and role, e.g. once the second factor its
   * role requires is set up (the token's restriction is decided anew).
   */
  async reissue(actor: Actor): Promise<Session> {
    const user = await this.users.get(actor.id as string);
    return this.continueSession(actor, user, actor.role as Role);
  }

  /** The actor's session goes on in `role` (its cookie and deadlines kept); a new one without. */
  private async continueSession(actor: Actor, user: UserEntity, role: Role): Promise<Session> {
    const kept = actor.sessionId
      ? await this.sessions.switchRole(actor.sessionId, user.id, role)
      : null;
    return kept ? this.accessFor(user, role, kept) : this.session(user, role);
  }

  /**
   * Renews a session from its refresh token (the cookie): the token is used once and the next one
   * goes into the answer's cookie, with a new access token acting in the session's role.
   */
  async refresh(refreshToken: string | null): Promise<Session> {
    if (!refreshToken) {
      clearSessionCookie();
      throw AuthErrors.invalidRefresh();
    }
    try {
      const rotated = await this.sessions.rotate(refreshToken);
      issueSessionCookie(rotated.refreshToken);
      return this.accessFor(rotated.user, rotated.role, rotated);
    } catch (error) {
      clearSessionCookie();
      throw error;
    }
  }

  /** Ends this session (by its cookie, or the access token's session); the cookie is cleared. */
  async logout(refreshToken: string | null, actor: Actor | null): Promise<number> {
    clearSessionCookie();
    const ended = await this.sessions.signOut({ refreshToken, sessionId: actor?.sessionId });
    return ended ? 1 : 0;
  }

  /** Ends every session of the signed-in user and every access token (token version bumped). */
  async logoutEverywhere(actor: Actor): Promise<number> {
    clearSessionCookie();
    const userId = actor.id as string;
    return this.tx.run(async (uow) => {
      const n = await this.sessions.revokeAll(userId, 'signed_out_everywhere', uow);
      await this.users.bumpTokenVersion(userId, uow);
      uow.audit({
        action: 'auth.logout_everywhere',
        entity: 'user',
        entityId: userId,
        after: { sessionsEnded: n },
      });
      return n;
    });
  }

  /**
   * After the first factor (a password, or the hospital's provider): the sign-in's second step
   * when the account has a second factor; otherwise whether its role requires setting one up.
   */
  async secondStep(
    user: UserEntity,
    role: Role,
  ): Promise<SecondFactorRequired | { status: 'signed_in'; gate: 'enrol' | 'none' }> {
    const gate = await this.secondFactor.gate(user.id, role);
    if (gate === 'challenge') {
      return {
        status: 'second_factor_required',
        challenge: await this.secondFactor.challenge(user, role),
      };
    }
    return { status: 'signed_in', gate };
  }

  /** The role a sign-in acts in: the one asked for (if the account may), else the least privileged. */
  actingRole(user: UserEntity, wanted: Role | undefined): Role {
    const allowed = actingRoles(user.roles);
    if (wanted === undefined) {
      return allowed[0];
    }
    if (!allowed.includes(wanted)) {
      throw AuthErrors.roleNotAllowed(wanted, allowed);
    }
    return wanted;
  }

  /**
   * The one place a session is minted (sign-in, role switch, a changed password, single sign-on): a new refresh-token family (its token set as the answer's
   * httpOnly cookie by the access module's interceptor) and an access token acting in `role`.
   */
  async session(user: UserEntity, role: Role): Promise<Session> {
    const issued = await this.sessions.start(user, role);
    issueSessionCookie(issued.refreshToken);
    return this.accessFor(user, role, issued);
  }

  /** An access token of a session, with the session's deadlines as seconds from now. */
  private async accessFor(
    user: UserEntity,
    role: Role,
    s: { sessionId: string; idleExpiresAt: Date; absoluteExpiresAt: Date },
  ): Promise<Session> {
    // A role that requires a second factor the account has not set up gets a restricted session
    // (decided at every token, so a refresh is no way out of it).
    const enrol = (await this.secondFactor.gate(user.id, role)) === 'enrol';
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      tv: user.tokenVersion,
      role,
      sid: s.sessionId,
      ...(user.passwordChangeRequired ? { pwc: true as const } : {}),
      ...(enrol ? { sfe: true as const } : {}),
    } satisfies TokenClaims);
    const now = this.clock.now().getTime();
    const secondsTo = (d: Date) => Math.max(0, Math.floor((d.getTime() - now) / 1000));
    return {
      accessToken,
      expiresIn: this.config.JWT_TTL_SECONDS,
      actingRole: role,
      user,
      sessionId: s.sessionId,
      idleExpiresIn: secondsTo(s.idleExpiresAt),
      absoluteExpiresIn: secondsTo(s.absoluteExpiresAt),
      ...(enrol ? { secondFactorEnrolmentRequired: true } : {}),
    };
  }

  /**
   * Checks the credentials of an electronic signature (21 CFR 11.200): exactly one of the
   * password (the account's, or the signing password) and a signing assertion (a fresh
   * re-authentication at the hospital's provider, single use). 400 SIGNATURE_CREDENTIALS otherwise.
   * Passwords are throttled per user and locked after repeated failures (SignatureAttempts: 429
   * SIGNATURE_LOCKED while locked, even for the right password).
   */
  async confirmSignature(
    userId: string,
    credentials: SignatureCredentials,
  ): Promise<SignatureCheck> {
    if (credentials.password === undefined || credentials.signingAssertion !== undefined) {
      return this.signing.confirm(userId, credentials);
    }
    await this.signatures.begin(userId);
    const check = await this.signing.confirm(userId, credentials);
    await (check.ok ? this.signatures.succeeded(userId) : this.signatures.failed(userId));
    return check;
  }

  /**
   * Verifies a token and loads the actor acting in the token's role; a deactivated user, a bumped
   * token version, or a role the account may no longer act in fails. Scope follows the acting role:
   * statistician and monitor are trial-wide by nature; site roles see their current memberships,
   * or every site when the account is trial-wide (a coordinating investigator).
   */
  async authenticate(token: string): Promise<AuthenticatedActor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw AuthErrors.invalidToken();
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.sub)) {
      throw AuthErrors.invalidToken();
    }
    const found = await this.actorFor(claims.sub, claims.role, claims.tv);
    if (!found) {
      throw AuthErrors.invalidToken();
    }
    const actor = {
      ...found,
      passwordChangeRequired: found.passwordChangeRequired || claims.pwc === true,
      ...(claims.sfe === true ? { secondFactorEnrolmentRequired: true } : {}),
    };
    // A token of a session dies with it (sign-out, reuse of its refresh token, sign-out everywhere).
    const sid = claims.sid;
    if (sid === undefined) {
      return actor;
    }
    if (typeof sid !== 'string' || !UUID.test(sid) || !(await this.sessions.live(sid))) {
      throw AuthErrors.invalidToken();
    }
    return { ...actor, sessionId: sid };
  }

  /**
   * The actor a user is now when acting in `role` (today's memberships), or null when the account
   * is deactivated, its token version moved on, or it may no longer act in that role. Tokens and
   * calendar feeds both come through here.
   */
  async actorFor(
    userId: string,
    role: Role,
    tokenVersion?: number,
  ): Promise<AuthenticatedActor | null> {
    const user = await this.users.find(userId);
    if (!user || !user.active) {
      return null;
    }
    if (tokenVersion !== undefined && user.tokenVersion !== tokenVersion) {
      return null;
    }
    if (!ROLES.includes(role) || !actingRoles(user.roles).includes(role)) {
      return null;
    }
    return {
      id: user.id,
      role,
      siteIds: user.siteIds,
      trialWide: TRIAL_WIDE_BY_NATURE.includes(role) || user.trialWide,
      // The account's flag decides (a token minted before an admin reset is dead anyway: the
      // reset moved the token version on), so a token without the claim is no way around it.
      passwordChangeRequired: user.passwordChangeRequired,
    };
  }
}
