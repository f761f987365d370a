import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { type Role, ROLES } from 'src/common/context/roles';
import { RandomSource } from 'src/common/random/random-source';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { checkPassword } from 'src/modules/access/password';
import type { UserEntity } from 'src/modules/access/user.entity';
import { UsersService } from 'src/modules/access/users.service';
import { SecondFactorErrors } from './second-factor.errors';
import { SecondFactorRepository } from './second-factor.repository';
import { SECRET_IV_BYTES, SecretCipher } from './secret-cipher';
import {
  hashRecoveryCode,
  matchingStep,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
} from './totp';

/** What a correct password leads to: a second step, a session restricted to set-up, or a session. */
export type SecondFactorGate = 'challenge' | 'enrol' | 'none';

/** The signed content of a sign-in challenge: no `sub`, so it can never pass as an access token. */
type ChallengeClaims = { uid: string; tv: number; role: Role; typ: 'second_factor_challenge' };
const CHALLENGE_AUDIENCE = 'ram-ms:second-factor-challenge';

/** Where a wrong code was given, for the audit trail (never the code itself). */
type Stage = 'sign_in' | 'confirm' | 'remove' | 'recovery_codes';

/**
 * The second factor (TOTP, RFC 6238) of staff accounts: set-up with a QR code and confirmation,
 * single-use recovery codes, removal, the roles an admin marks as requiring it, and the checks of
 * the sign-in's second step. Secrets are encrypted at rest (SECOND_FACTOR_KEYS), recovery codes
 * kept as hashes, and no code is accepted twice (the last accepted time step is kept).
 */
@Injectable()
export class SecondFactorService {
  private readonly cipher: SecretCipher;
  private readonly challengeSecret: string;

  constructor(
    private readonly repo: SecondFactorRepository,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = new SecretCipher(config.SECOND_FACTOR_KEYS);
    // A key of its own (derived), so a challenge never verifies as an access token or the reverse.
    this.challengeSecret = createHash('sha256')
      .update(`second-factor-challenge:${config.JWT_SECRET}`)
      .digest('base64');
  }

  /** After a correct password: what the sign-in (or a role switch) in `role` needs. */
  async gate(userId: string, role: Role): Promise<SecondFactorGate> {
    const factor = await this.repo.find(userId);
    if (factor?.confirmedAt) {
      return 'challenge';
    }
    return (await this.repo.requiredRoles()).includes(role) ? 'enrol' : 'none';
  }

  async status(actor: Actor) {
    const userId = actor.id as string;
    const [factor, user, required] = await Promise.all([
      this.repo.find(userId),
      this.users.get(userId),
      this.repo.requiredRoles(),
    ]);
    return {
      enrolled: !!factor?.confirmedAt,
      pending: !!factor && !factor.confirmedAt,
      confirmedAt: factor?.confirmedAt?.toISOString() ?? null,
      recoveryCodesLeft: factor?.confirmedAt ? await this.repo.recoveryCodesLeft(userId) : 0,
      requiredForRoles: user.roles.filter((r) => required.includes(r)),
      requiredForActingRole: required.includes(actor.role as Role),
    };
  }

  /** Starts a set-up (or starts it again): a new secret, shown once, stored encrypted. */
  async startEnrolment(actor: Actor): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.users.get(actor.id as string);
    const secret = newTotpSecret(this.random);
    const sealed = this.cipher.seal(secret, user.id, this.random.bytes(SECRET_IV_BYTES));
    await this.tx.run(async (uow) => {
      if (!(await this.repo.putPending(user.id, sealed, this.clock.now(), uow.em))) {
        throw SecondFactorErrors.alreadyEnrolled();
      }
      uow.audit({
        action: 'auth.second_factor_enrolment_started',
        entity: 'user',
        entityId: user.id,
        after: { method: 'totp' },
      });
    });
    return { secret, otpauthUrl: otpauthUrl(this.config.SECOND_FACTOR_ISSUER, user.email, secret) };
  }

  /** Confirms the set-up with a code of the app; the recovery codes, shown this once. */
  async confirmEnrolment(actor: Actor, code: string): Promise<string[]> {
    const userId = actor.id as string;
    const factor = await this.repo.find(userId);
    if (!factor || factor.confirmedAt) {
      throw SecondFactorErrors.notPending();
    }
    const step = this.step(factor.sealed, userId, code);
    const codes = newRecoveryCodes(this.random);
    const accepted = await this.tx.run(async (uow) => {
      const now = this.clock.now();
      if (step === null || !(await this.repo.useStep(userId, step, now, uow.em))) {
        return false;
      }
      await this.repo.replaceRecoveryCodes(userId, codes.map(hashRecoveryCode), now, uow.em);
      uow.audit({
        action: 'auth.second_factor_enrolled',
        entity: 'user',
        entityId: userId,
        after: { method: 'totp', recoveryCodeCount: codes.length },
      });
      return true;
    });
    if (!accepted) {
      await this.failed(userId, 'confirm', 'totp');
      throw SecondFactorErrors.wrongCode();
    }
    return codes;
  }

  /** Removes the second factor (password and a code again), unless one of the user's roles requires it. */
  async remove(actor: Actor, password: string, code: string): Promise<void> {
    const user = await this.users.get(actor.id as string);
    const required = (await this.repo.requiredRoles()).filter((r) => user.roles.includes(r));
    if (required.length > 0) {
      throw SecondFactorErrors.requiredByRole(required);
    }
    const factor = await this.repo.find(user.id);
    if (!factor?.confirmedAt) {
      throw SecondFactorErrors.notEnrolled();
    }
    const withHash = await this.users.findForLogin(user.email);
    if (!withHash || !(await checkPassword(password, withHash.passwordHash))) {
      await this.failed(user.id, 'remove', 'password');
      throw SecondFactorErrors.wrongPassword();
    }
    const step = this.step(factor.sealed, user.id, code);
    const removed = await this.tx.run(async (uow) => {
      if (step === null || !(await this.repo.useStep(user.id, step, null, uow.em))) {
        return false;
      }
      await this.repo.remove(user.id, uow.em);
      uow.audit({
        action: 'auth.second_factor_removed',
        entity: 'user',
        entityId: user.id,
        before: { method: 'totp' },
      });
      return true;
    });
    if (!removed) {
      await this.failed(user.id, 'remove', 'totp');
      throw SecondFactorErrors.wrongCode();
    }
  }

  /**
   * An admin removes another user's second factor (a lost phone and lost recovery codes), with a
   * reason. The user signs in with the password alone, or sets it up again where a role requires it.
   */
  async reset(actor: Actor, userId: string, reason: string): Promise<void> {
    if (actor.id === userId) {
      throw SecondFactorErrors.selfReset();
    }
    const user = await this.users.get(userId);
    await this.tx.run(async (uow) => {
      const factor = await this.repo.find(user.id, uow.em, true);
      if (!factor) {
        throw SecondFactorErrors.notEnrolled();
      }
      await this.repo.remove(user.id, uow.em);
      uow.audit({
        action: 'auth.second_factor_reset',
        entity: 'user',
        entityId: user.id,
        before: { method: 'totp', confirmed: !!factor.confirmedAt },
        reason,
      });
    });
  }

  /** New recovery codes (the old ones stop working), for a code of the app. */
  async regenerateRecoveryCodes(actor: Actor, code: string): Promise<string[]> {
    const userId = actor.id as string;
    const factor = await this.repo.find(userId);
    if (!factor?.confirmedAt) {
      throw SecondFactorErrors.notEnrolled();
    }
    const step = this.step(factor.sealed, userId, code);
    const codes = newRecoveryCodes(this.random);
    const done = await this.tx.run(async (uow) => {
      if (step === null || !(await this.repo.useStep(userId, step, null, uow.em))) {
        return false;
      }
      await this.repo.replaceRecoveryCodes(
        userId,
        codes.map(hashRecoveryCode),
        this.clock.now(),
        uow.em,
      );
      uow.audit({
        action: 'auth.second_factor_recovery_codes_replaced',
        entity: 'user',
        entityId: userId,
        after: { recoveryCodeCount: codes.length },
      });
      return true;
    });
    if (!done) {
      await this.failed(userId, 'recovery_codes', 'totp');
      throw SecondFactorErrors.wrongCode();
    }
    return codes;
  }

  async policy(): Promise<{ roles: Role[] }> {
    return { roles: await this.repo.requiredRoles() };
  }

  /** The roles whose sign-in requires a second factor (admin); takes effect at the next sign-in. */
  async setPolicy(actor: Actor, roles: readonly Role[]): Promise<{ roles: Role[] }> {
    const next = ROLES.filter((r) => roles.includes(r));
    await this.tx.run(async (uow) => {
      const before = await this.repo.requiredRoles(uow.em, true);
      await this.repo.setRequiredRoles(next, actor.id as string, this.clock.now(), uow.em);
      uow.audit({
        action: 'auth.second_factor_policy_changed',
        entity: 'second_factor_policy',
        entityId: null,
        before: { requiredRoles: before },
        after: { requiredRoles: next },
      });
    });
    return { roles: next };
  }

  /** The sign-in's second step: a signed, short-lived token naming the user and the wanted role. */
  async challenge(user: UserEntity, role: Role): Promise<string> {
    await this.tx.run(async (uow) =>
      uow.audit({
        action: 'auth.second_factor_challenged',
        entity: 'user',
        entityId: user.id,
        after: { actingRole: role },
      }),
    );
    return this.jwt.signAsync(
      {
        uid: user.id,
        tv: user.tokenVersion,
        role,
        typ: 'second_factor_challenge',
      } satisfies ChallengeClaims,
      {
        secret: this.challengeSecret,
        audience: CHALLENGE_AUDIENCE,
        expiresIn: this.config.SECOND_FACTOR_CHALLENGE_TTL_SECONDS,
        algorithm: 'HS256',
      },
    );
  }

  /** The user and role of a valid challenge, or SECOND_FACTOR_CHALLENGE_INVALID. */
  async readChallenge(
    token: string,
  ): Promise<{ userId: string; tokenVersion: number; role: Role }> {
    let claims: ChallengeClaims;
    try {
      claims = await this.jwt.verifyAsync<ChallengeClaims>(token, {
        secret: this.challengeSecret,
        audience: CHALLENGE_AUDIENCE,
        algorithms: ['HS256'],
      });
    } catch {
      throw SecondFactorErrors.challengeInvalid();
    }
    if (
      claims.typ !== 'second_factor_challenge' ||
      typeof claims.uid !== 'string' ||
      !ROLES.includes(claims.role)
    ) {
      throw SecondFactorErrors.challengeInvalid();
    }
    return { userId: claims.uid, tokenVersion: claims.tv, role: claims.role };
  }

  /**
   * Checks the second step's code (or recovery code) and records its use in the sign-in's
   * transaction, so a code counts once. Returns how the user proved it, null when wrong, or
   * 'locked' when too many wrong app codes in a row pause them (a recovery code still works).
   */
  async verifyForSignIn(
    userId: string,
    proof: { code?: string; recoveryCode?: string },
    uow: UnitOfWork,
  ): Promise<'totp' | 'recovery_code' | 'locked' | null> {
    const em = uow.em;
    const factor = await this.repo.find(userId, em, true);
    if (!factor?.confirmedAt) {
      return null;
    }
    let how: 'totp' | 'recovery_code' | null = null;
    if (proof.code !== undefined) {
      if (this.lockedMinutes(factor) > 0) {
        return 'locked';
      }
      const step = this.step(factor.sealed, userId, proof.code);
      how = step !== null && (await this.repo.useStep(userId, step, null, em)) ? 'totp' : null;
    } else if (proof.recoveryCode !== undefined) {
      const used = await this.repo.useRecoveryCode(
        userId,
        hashRecoveryCode(proof.recoveryCode),
        this.clock.now(),
        em,
      );
      how = used ? 'recovery_code' : null;
    }
    if (how) {
      await this.repo.countFailure(userId, null, em);
    }
    return how;
  }

  /** Minutes the account's app codes are paused for after too many wrong ones in a row (0: not). */
  async lockedFor(userId: string): Promise<number> {
    const factor = await this.repo.find(userId);
    return factor ? this.lockedMinutes(factor) : 0;
  }

  private lockedMinutes(factor: { failures: number; lastFailureAt: Date | null }): number {
    if (factor.failures < this.config.SECOND_FACTOR_MAX_FAILURES || !factor.lastFailureAt) {
      return 0;
    }
    const until =
      new Date(factor.lastFailureAt).getTime() + this.config.SECOND_FACTOR_LOCK_MINUTES * 60_000;
    return Math.max(0, Math.ceil((until - this.clock.now().getTime()) / 60_000));
  }

  recoveryCodesLeft(userId: string, uow?: UnitOfWork): Promise<number> {
    return this.repo.recoveryCodesLeft(userId, uow?.em);
  }

  /**
   * Audits a refused code in its own transaction (the refusal rolls nothing else back); a wrong
   * app code at sign-in also counts towards the pause.
   */
  async failed(
    userId: string,
    stage: Stage,
    method: 'totp' | 'recovery_code' | 'password',
    outcome?: 'locked',
  ) {
    await this.tx.run(async (uow) => {
      if (stage === 'sign_in' && method === 'totp' && !outcome) {
        await this.repo.countFailure(userId, this.clock.now(), uow.em);
      }
      uow.audit({
        action: 'auth.second_factor_failed',
        entity: 'user',
        entityId: userId,
        after: { stage, method, ...(outcome ? { outcome } : {}) },
      });
    });
  }

  /** The time step of a correct code for this secret now (within the window), or null. */
  private step(sealed: Parameters<SecretCipher['open']>[0], userId: string, code: string) {
    const secret = this.cipher.open(sealed, userId);
    return matchingStep(code, secret, this.clock.now(), this.config.SECOND_FACTOR_WINDOW);
  }
}
