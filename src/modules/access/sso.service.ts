import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { DomainError } from 'src/common/errors/domain-error';
import { RandomSource } from 'src/common/random/random-source';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { AuthService, type SecondFactorRequired, type Session } from './auth.service';
import { OidcClient, type ProviderIdentity } from './oidc-client';
import { SigningService, tokenHash } from './signing.service';
import { SsoErrors } from './sso.errors';
import { type AssertionPurpose, SsoRepository, type SsoPurpose } from './sso.repository';
import type { UserEntity } from './user.entity';
import { UsersService } from './users.service';

/** The provider's answer as the page hands it on (the query of the redirect to OIDC_REDIRECT_URL). */
export type ProviderAnswer = { code: string; state: string; iss?: string };

/** Expired states and assertions are kept this long for inquiries, then deleted at the next start. */
const KEEP_EXPIRED_MS = 24 * 3600 * 1000;

const b64url = (buffer: Buffer) => buffer.toString('base64url');

/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE) against a hospital's
 * identity provider, mapped to existing accounts by e-mail, and re-authentication at the
 * provider (prompt=login, max_age=0) for electronic signatures.
 *
 * The state is 32 random bytes; only its SHA-256 is stored, with what the request is for. The
 * nonce and the PKCE verifier are HMACs of the state under the server key, so nothing secret of
 * the request is stored and only this server can finish it. A sign-in's state is also bound to
 * the browser that started it (an httpOnly cookie the controller sets and compares); a
 * re-authentication's is bound to the signed-in user.
 */
@Injectable()
export class SsoService {
  constructor(
    private readonly oidc: OidcClient,
    private readonly repo: SsoRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly signing: SigningService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.oidc.enabled;
  }

  /** Starts a sign-in at the provider; the state goes back to the browser in a cookie too. */
  async startSignIn(role?: Role): Promise<{ authorizationUrl: string; state: string }> {
    return this.start({ purpose: 'sign_in', userId: null, role: role ?? null });
  }

  /**
   * Finishes a sign-in: the provider's answer (its state equal to the browser's cookie), the code
   * exchanged and the ID token checked, the e-mail (verified) mapped to an active account, whose
   * provider subject must be the one linked before (linked now the first time). Audited
   * `auth.login` with method `sso`; every refusal `auth.sso_failed` with its outcome.
   */
  async completeSignIn(
    answer: ProviderAnswer,
    cookieState: string | undefined,
  ): Promise<Session | SecondFactorRequired> {
    this.assertEnabled();
    const fail = this.failure('sign_in');
    if (!cookieState || !sameText(cookieState, answer.state)) {
      throw await fail('state_not_this_browser', null, SsoErrors.stateInvalid());
    }
    const state = await this.repo.consumeState(
      tokenHash(answer.state),
      ['sign_in'],
      null,
      this.clock.now(),
    );
    if (!state) {
      throw await fail('state_invalid', null, SsoErrors.stateInvalid());
    }
    const identity = await this.exchange(answer, undefined, fail, null);
    if (!identity.email) {
      throw await fail('no_email', null, SsoErrors.noAccount());
    }
    if (this.config.OIDC_REQUIRE_EMAIL_VERIFIED && !identity.emailVerified) {
      throw await fail('email_unverified', null, SsoErrors.emailUnverified());
    }
    const found = await this.users.findForLogin(identity.email);
    if (!found || !found.active) {
      throw await fail(found ? 'inactive' : 'no_account', found?.id ?? null, SsoErrors.noAccount());
    }
    const { passwordHash: _omit, ...user } = found;
    if (!(await this.subjectFits(user, identity))) {
      throw await fail('subject_mismatch', user.id, SsoErrors.subjectMismatch());
    }
    const acting = this.auth.actingRole(user, (state.role ?? undefined) as Role | undefined);
    // The provider replaces the password, not the account's own second factor.
    const second = await this.auth.secondStep(user, acting);
    await this.tx.run(async (uow) => {
      const link = await this.repo.upsertLink(
        { userId: user.id, issuer: identity.issuer, subject: identity.subject },
        this.clock.now(),
        uow.em,
      );
      uow.audit({
        action: 'auth.login',
        entity: 'user',
        entityId: user.id,
        after: { actingRole: acting, method: 'sso', firstLink: link === 'linked' },
      });
    });
    return second.status === 'second_factor_required' ? second : this.auth.session(user, acting);
  }

  /**
   * Starts a re-authentication of the signed-in user at the provider, for an electronic
   * signature or for setting a signing password: prompt=login and max_age=0, so the provider asks
   * for the credentials again even when its own session is still open.
   */
  async startReauth(
    actor: Actor,
    purpose: AssertionPurpose,
  ): Promise<{ authorizationUrl: string }> {
    this.assertEnabled();
    const user = await this.users.get(actor.id as string);
    const { authorizationUrl } = await this.start(
      { purpose, userId: user.id, role: null },
      user.email,
    );
    return { authorizationUrl };
  }

  /**
   * Finishes a re-authentication: the state must be this user's, the provider's sign-in at most
   * OIDC_REAUTH_MAX_AGE_SECONDS old (auth_time), and the identity the one linked to the account
   * (or, before any link, the account's verified e-mail). Issues a signing assertion: single use,
   * SIGNING_ASSERTION_TTL_SECONDS, bound to the user and the purpose. Audited.
   */
  async completeReauth(
    actor: Actor,
    answer: ProviderAnswer,
  ): Promise<{ signingAssertion: string; purpose: AssertionPurpose; expiresIn: number }> {
    this.assertEnabled();
    const fail = this.failure('reauthentication');
    const user = await this.users.get(actor.id as string);
    const state = await this.repo.consumeState(
      tokenHash(answer.state),
      ['signature', 'signing_password'],
      user.id,
      this.clock.now(),
    );
    if (!state) {
      throw await fail('state_invalid', user.id, SsoErrors.stateInvalid());
    }
    const purpose = state.purpose as AssertionPurpose;
    const identity = await this.exchange(
      answer,
      this.config.OIDC_REAUTH_MAX_AGE_SECONDS,
      fail,
      user.id,
    );
    if (!identity.authTime) {
      throw await fail('not_fresh', user.id, SsoErrors.reauthNotFresh());
    }
    const link = await this.repo.linkOf(user.id);
    const same = link
      ? link.issuer === identity.issuer && link.subject === identity.subject
      : !!identity.email &&
        identity.email.toLowerCase() === user.email.toLowerCase() &&
        (identity.emailVerified || !this.config.OIDC_REQUIRE_EMAIL_VERIFIED) &&
        (await this.subjectFits(user, identity));
    if (!same || !user.active) {
      throw await fail('other_person', user.id, SsoErrors.reauthOtherUser());
    }
    const authTime = identity.authTime;
    return this.tx.run(async (uow) => {
      await this.repo.upsertLink(
        { userId: user.id, issuer: identity.issuer, subject: identity.subject },
        this.clock.now(),
        uow.em,
      );
      const { token, expiresIn } = await this.signing.issueAssertion(
        uow,
        user.id,
        purpose,
        authTime,
      );
      uow.audit({
        action: 'auth.sso_reauthenticated',
        entity: 'user',
        entityId: user.id,
        after: { purpose, authTime },
      });
      return { signingAssertion: token, purpose, expiresIn };
    });
  }

  private assertEnabled(): void {
    if (!this.enabled) {
      throw SsoErrors.disabled();
    }
  }

  private async start(
    state: { purpose: SsoPurpose; userId: string | null; role: string | null },
    loginHint?: string,
  ): Promise<{ authorizationUrl: string; state: string }> {
    this.assertEnabled();
    const value = b64url(this.random.bytes(32));
    const { nonce, codeVerifier } = this.derived(value);
    const authorizationUrl = await this.oidc.authorizationUrl({
      state: value,
      nonce,
      codeChallenge: b64url(createHash('sha256').update(codeVerifier).digest()),
      fresh: state.purpose !== 'sign_in',
      loginHint,
    });
    const now = this.clock.now();
    await this.repo.deleteExpired(new Date(now.getTime() - KEEP_EXPIRED_MS));
    await this.repo.insertState({
      ...state,
      stateHash: tokenHash(value),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.OIDC_STATE_TTL_SECONDS * 1000),
    });
    return { authorizationUrl, state: value };
  }

  /** The nonce and PKCE verifier of a state: HMAC-SHA-256 under the server key. */
  private derived(state: string): { nonce: string; codeVerifier: string } {
    const mac = (label: string) =>
      b64url(
        createHmac('sha256', this.config.JWT_SECRET)
          .update(`ram-ms:oidc:${label}:v1:${state}`)
          .digest(),
      );
    return { nonce: mac('nonce'), codeVerifier: mac('pkce') };
  }

  private async exchange(
    answer: ProviderAnswer,
    maxAgeSeconds: number | undefined,
    fail: ReturnType<SsoService['failure']>,
    userId: string | null,
  ): Promise<ProviderIdentity> {
    const { nonce, codeVerifier } = this.derived(answer.state);
    try {
      return await this.oidc.exchange(answer, { nonce, codeVerifier, maxAgeSeconds });
    } catch (error) {
      if (error instanceof DomainError) {
        throw await fail(error.code.toLowerCase(), userId, error);
      }
      throw error;
    }
  }

  /** The identity is not linked to another account, nor the account to another identity. */
  private async subjectFits(user: UserEntity, identity: ProviderIdentity): Promise<boolean> {
    const [mine, theirs] = await Promise.all([
      this.repo.linkOf(user.id),
      this.repo.linkBySubject(identity.issuer, identity.subject),
    ]);
    const mineFits =
      !mine || (mine.issuer === identity.issuer && mine.subject === identity.subject);
    return mineFits && (!theirs || theirs.userId === user.id);
  }

  /** Audits a refusal (outcome only: no e-mail, no token) and gives back the error to throw. */
  private failure(flow: 'sign_in' | 'reauthentication') {
    return async (outcome: string, userId: string | null, error: DomainError) => {
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'auth.sso_failed',
          entity: 'user',
          entityId: userId,
          after: { flow, outcome },
        }),
      );
      return error;
    };
  }
}

/** Constant-time comparison of two strings (of any length). */
function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
