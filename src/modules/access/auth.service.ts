import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Actor } from 'src/common/context/request-context';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import type { UserEntity } from 'src/modules/access/user.entity';
import { UsersService } from 'src/modules/access/users.service';
import { AuthErrors } from './auth.errors';
import { checkPassword, hashPassword } from './password';
import { type SignatureCheck, type SignatureCredentials, SigningService } from './signing.service';
import { actingRoles, type Role, ROLES, TRIAL_WIDE_BY_NATURE } from 'src/common/context/roles';

/** The token names the user, its token version and the one role it acts in. */
type TokenClaims = { sub: string; tv: number; role: Role };

export type Session = {
  accessToken: string;
  expiresIn: number;
  actingRole: Role;
  user: UserEntity;
};

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly tx: TransactionRunner,
    private readonly signing: SigningService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A hash at the configured cost, compared against for unknown users so timing matches. */
  private dummyHash: Promise<string> | null = null;

  /**
   * Signs in acting in `role`, or, when none is asked for, in the least privileged role the
   * account may act in (the page then offers the others). A role the account may not act in is
   * refused with the same answer as a wrong password would get only after the password is right.
   */
  async login(email: string, password: string, role?: Role): Promise<Session> {
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
    await this.tx.run(async (uow) =>
      uow.audit({
        action: 'auth.login',
        entity: 'user',
        entityId: user.id,
        after: { actingRole: acting },
      }),
    );
    const { passwordHash: _omit, ...safe } = user;
    return this.session(safe, acting);
  }

  /** A new token for the same user acting in another of its roles (the page's role switch). */
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
    return this.session(user, acting);
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

  /** Mints a session: the single place (password sign-in, role switch, single sign-on). */
  async session(user: UserEntity, role: Role): Promise<Session> {
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      tv: user.tokenVersion,
      role,
    } satisfies TokenClaims);
    return { accessToken, expiresIn: this.config.JWT_TTL_SECONDS, actingRole: role, user };
  }

  /** Checks a password again, for electronic signatures (21 CFR 11.200). */
  async confirmPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.users.find(userId);
    if (!user?.active) {
      return false;
    }
    const withHash = await this.users.findForLogin(user.email);
    return withHash ? checkPassword(password, withHash.passwordHash) : false;
  }

  /**
   * Checks the credentials of an electronic signature (21 CFR 11.200): exactly one of the
   * password (the account's, or the signing password) and a signing assertion (a fresh
   * re-authentication at the hospital's provider, single use). 400 SIGNATURE_CREDENTIALS otherwise.
   */
  confirmSignature(userId: string, credentials: SignatureCredentials): Promise<SignatureCheck> {
    return this.signing.confirm(userId, credentials);
  }

  /**
   * Verifies a token and loads the actor acting in the token's role; a deactivated user, a bumped
   * token version, or a role the account may no longer act in fails. Scope follows the acting role:
   * statistician and monitor are trial-wide by nature; site roles see their current memberships,
   * or every site when the account is trial-wide (a coordinating investigator).
   */
  async authenticate(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw AuthErrors.invalidToken();
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.sub)) {
      throw AuthErrors.invalidToken();
    }
    const user = await this.users.find(claims.sub);
    if (!user || !user.active || user.tokenVersion !== claims.tv) {
      throw AuthErrors.invalidToken();
    }
    const role = claims.role;
    if (!ROLES.includes(role) || !actingRoles(user.roles).includes(role)) {
      throw AuthErrors.invalidToken();
    }
    return {
      id: user.id,
      role,
      siteIds: user.siteIds,
      trialWide: TRIAL_WIDE_BY_NATURE.includes(role) || user.trialWide,
    };
  }
}
