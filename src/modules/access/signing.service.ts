import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { RandomSource } from 'src/common/random/random-source';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { checkPassword, hashPassword, passwordProblem } from './password';
import { SsoErrors } from './sso.errors';
import { type AssertionPurpose, SsoRepository } from './sso.repository';
import { UserErrors } from './users.errors';
import { UsersService } from './users.service';

/** What an electronic signature may present (exactly one). */
export type SignatureCredentials = { password?: string; signingAssertion?: string };

/** How a signature was authenticated, or why not. */
export type SignatureCheck =
  | { ok: true; method: 'password' | 'signing_password' | 'sso_reauthentication' }
  | { ok: false; outcome: 'wrong_password' | 'assertion_invalid' };

/** SHA-256 (hex) of a token: what is kept of it at rest. */
export const tokenHash = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The credentials of electronic signatures (21 CFR 11.200): the account's password, a signing
 * password set for that purpose (an account that signs in through the hospital's provider may
 * have no password here), or a signing assertion: the single-use, short-lived proof that the
 * signer has just authenticated again at the provider (see SsoService.completeReauth).
 */
@Injectable()
export class SigningService {
  constructor(
    private readonly sso: SsoRepository,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks the credentials of a signature by `userId`. A signing assertion is used up by the
   * check, whatever happens to the signature after it.
   */
  async confirm(userId: string, credentials: SignatureCredentials): Promise<SignatureCheck> {
    const { password, signingAssertion } = credentials;
    if ((password === undefined) === (signingAssertion === undefined)) {
      throw SsoErrors.signatureCredentials();
    }
    const user = await this.users.find(userId);
    if (signingAssertion !== undefined) {
      const used =
        !!user?.active &&
        (await this.sso.consumeAssertion(
          tokenHash(signingAssertion),
          userId,
          'signature',
          this.clock.now(),
        ));
      return used
        ? { ok: true, method: 'sso_reauthentication' }
        : { ok: false, outcome: 'assertion_invalid' };
    }
    if (!user?.active || password === undefined) {
      return { ok: false, outcome: 'wrong_password' };
    }
    if (await checkPassword(password, await this.sso.signingPasswordHash(userId))) {
      return { ok: true, method: 'signing_password' };
    }
    if (await checkPassword(password, await this.accountPasswordHash(user.email))) {
      return { ok: true, method: 'password' };
    }
    return { ok: false, outcome: 'wrong_password' };
  }

  /** Which credentials the user can sign with (the signature dialog offers those). */
  async options(actor: Actor): Promise<{
    accountPassword: boolean;
    signingPassword: boolean;
    ssoReauthentication: boolean;
  }> {
    const user = await this.users.get(actor.id as string);
    return {
      accountPassword: (await this.accountPasswordHash(user.email)) !== null,
      signingPassword: (await this.sso.signingPasswordHash(user.id)) !== null,
      ssoReauthentication: this.config.OIDC_ISSUER_URL !== '',
    };
  }

  /**
   * Sets (or replaces) the signing password. Proof that it is the user, beyond the bearer token:
   * the account's password, or a fresh re-authentication at the provider (purpose
   * `signing_password`).
   */
  async setSigningPassword(
    actor: Actor,
    input: { password: string; currentPassword?: string; signingAssertion?: string },
  ): Promise<void> {
    const { currentPassword, signingAssertion } = input;
    if ((currentPassword === undefined) === (signingAssertion === undefined)) {
      throw SsoErrors.proofRequired();
    }
    const user = await this.users.get(actor.id as string);
    const problem = passwordProblem(input.password, user.email);
    if (problem) {
      throw UserErrors.weakPassword(problem);
    }
    const proven =
      currentPassword !== undefined
        ? await checkPassword(currentPassword, await this.accountPasswordHash(user.email))
        : await this.sso.consumeAssertion(
            tokenHash(signingAssertion as string),
            user.id,
            'signing_password',
            this.clock.now(),
          );
    if (!proven) {
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'auth.signing_password_failed',
          entity: 'user',
          entityId: user.id,
          after: {
            outcome: currentPassword !== undefined ? 'wrong_password' : 'assertion_invalid',
          },
        }),
      );
      throw SsoErrors.proofInvalid();
    }
    const hash = await hashPassword(input.password, this.config.BCRYPT_ROUNDS);
    await this.tx.run(async (uow) => {
      const first = await this.sso.setSigningPassword(user.id, hash, this.clock.now(), uow.em);
      uow.audit({
        action: 'auth.signing_password_set',
        entity: 'user',
        entityId: user.id,
        after: { replaced: !first, proof: currentPassword !== undefined ? 'password' : 'sso' },
      });
    });
  }

  /** A new signing assertion for the user, written in the caller's transaction; the token itself is returned once. */
  async issueAssertion(
    uow: UnitOfWork,
    userId: string,
    purpose: AssertionPurpose,
    authTime: Date,
  ): Promise<{ token: string; expiresIn: number }> {
    const token = this.random.bytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresIn = this.config.SIGNING_ASSERTION_TTL_SECONDS;
    await this.sso.insertAssertion(
      {
        tokenHash: tokenHash(token),
        userId,
        purpose,
        authTime,
        createdAt: now,
        expiresAt: new Date(now.getTime() + expiresIn * 1000),
      },
      uow.em,
    );
    return { token, expiresIn };
  }

  private async accountPasswordHash(email: string): Promise<string | null> {
    return (await this.users.findForLogin(email))?.passwordHash ?? null;
  }
}
