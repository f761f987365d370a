import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Actor } from '../../common/context/request-context';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AuthErrors } from './auth.errors';
import { checkPassword, hashPassword } from './password';
import { TRIAL_WIDE_BY_NATURE } from './roles';

type TokenClaims = { sub: string; tv: number };

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly tx: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A hash at the configured cost, compared against for unknown users so timing matches. */
  private dummyHash: Promise<string> | null = null;

  async login(email: string, password: string): Promise<{ accessToken: string; expiresIn: number; user: UserEntity }> {
    const user = await this.users.findForLogin(email);
    this.dummyHash ??= hashPassword('no such user, no such password', this.config.BCRYPT_ROUNDS);
    const ok = await checkPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !ok || !user.active) {
      const outcome = !user ? 'unknown_user' : !ok ? 'wrong_password' : 'inactive';
      await this.tx.run(async (uow) =>
        uow.audit({ action: 'auth.login_failed', entity: 'user', entityId: user?.id ?? null, after: { outcome } }),
      );
      throw AuthErrors.invalidCredentials();
    }
    await this.tx.run(async (uow) => uow.audit({ action: 'auth.login', entity: 'user', entityId: user.id }));
    const { passwordHash: _omit, ...safe } = user;
    const accessToken = await this.jwt.signAsync({ sub: user.id, tv: user.tokenVersion } satisfies TokenClaims);
    return { accessToken, expiresIn: this.config.JWT_TTL_SECONDS, user: safe };
  }

  /** Checks a password again, for electronic signatures (21 CFR 11.200). */
  async confirmPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.users.find(userId);
    if (!user?.active) return false;
    const withHash = await this.users.findForLogin(user.email);
    return withHash ? checkPassword(password, withHash.passwordHash) : false;
  }

  /** Verifies a token and loads the actor; a deactivated user or a bumped token version fails. */
  async authenticate(token: string): Promise<Omit<Actor, 'role'>> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw AuthErrors.invalidToken();
    }
    if (typeof claims.sub !== 'string' || !/^[0-9a-f-]{36}$/.test(claims.sub)) throw AuthErrors.invalidToken();
    const user = await this.users.find(claims.sub);
    if (!user || !user.active || user.tokenVersion !== claims.tv) throw AuthErrors.invalidToken();
    return {
      id: user.id,
      roles: user.roles,
      siteIds: user.siteIds,
      trialWide: user.trialWide || user.roles.some((r) => TRIAL_WIDE_BY_NATURE.includes(r)),
    };
  }
}
