import { Inject, Injectable, Logger } from '@nestjs/common';
import { type BaseClient, custom, errors, Issuer, type TokenSet } from 'openid-client';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { SsoErrors } from './sso.errors';

/** What a checked provider answer says about the person (the ID token, completed by userinfo). */
export type ProviderIdentity = {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** When the person last authenticated at the provider (ID token `auth_time`), if it said. */
  authTime: Date | null;
};

export type AuthorizationRequest = {
  state: string;
  nonce: string;
  codeChallenge: string;
  /** Re-authentication: prompt=login, max_age=0 (the provider must ask for credentials again). */
  fresh?: boolean;
  loginHint?: string;
};

/**
 * The OpenID Connect relying party (openid-client 5): the provider's metadata, read once at first
 * use (a failed discovery is retried at the next request and answers 503 meanwhile), the
 * authorization URL, and the code exchange, whose ID token openid-client checks (signature, iss,
 * aud, exp, iat, nonce, PKCE, and auth_time against max_age when asked).
 */
@Injectable()
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private client: Promise<BaseClient> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.OIDC_ISSUER_URL !== '';
  }

  private discover(): Promise<BaseClient> {
    if (!this.enabled) {
      throw SsoErrors.disabled();
    }
    this.client ??= (async () => {
      const http = () => ({ timeout: this.config.OIDC_HTTP_TIMEOUT_MS });
      Issuer[custom.http_options] = http;
      const issuer = await Issuer.discover(this.config.OIDC_ISSUER_URL);
      const secret = this.config.OIDC_CLIENT_SECRET;
      const client = new issuer.Client({
        client_id: this.config.OIDC_CLIENT_ID,
        ...(secret
          ? { client_secret: secret, token_endpoint_auth_method: 'client_secret_basic' }
          : { token_endpoint_auth_method: 'none' }),
        redirect_uris: [this.config.OIDC_REDIRECT_URL],
        response_types: ['code'],
      });
      client[custom.http_options] = http;
      return client;
    })();
    const pending = this.client;
    return pending.catch((error: unknown) => {
      if (this.client === pending) {
        this.client = null;
      }
      this.logger.warn(`OpenID Connect discovery failed: ${(error as Error).message}`);
      throw SsoErrors.providerUnavailable();
    });
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const client = await this.discover();
    return client.authorizationUrl({
      scope: this.config.OIDC_SCOPES,
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      ...(request.fresh ? { prompt: 'login', max_age: 0 } : {}),
      ...(request.loginHint ? { login_hint: request.loginHint } : {}),
    });
  }

  /**
   * Exchanges the code and checks the answer. `maxAgeSeconds`: the authentication at the provider
   * must be at most this old (auth_time required).
   */
  async exchange(
    params: { code: string; state: string; iss?: string },
    checks: { nonce: string; codeVerifier: string; maxAgeSeconds?: number },
  ): Promise<ProviderIdentity> {
    const client = await this.discover();
    let tokens: TokenSet;
    try {
      tokens = await client.callback(this.config.OIDC_REDIRECT_URL, params, {
        state: params.state,
        nonce: checks.nonce,
        code_verifier: checks.codeVerifier,
        response_type: 'code',
        ...(checks.maxAgeSeconds !== undefined ? { max_age: checks.maxAgeSeconds } : {}),
      });
    } catch (error) {
      throw this.translate(error);
    }
    const claims = tokens.claims();
    let email = typeof claims.email === 'string' ? claims.email : null;
    // Some providers send the string "true".
    let verified: unknown = claims.email_verified;
    if (email === null && tokens.access_token) {
      // Providers that keep the scope's claims to userinfo (oidc-provider's default) answer there;
      // openid-client checks that userinfo's subject is the ID token's.
      try {
        const info = await client.userinfo(tokens);
        email = typeof info.email === 'string' ? info.email : null;
        verified = info.email_verified;
      } catch (error) {
        throw this.translate(error);
      }
    }
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email,
      emailVerified: verified === true || verified === 'true',
      authTime: typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000) : null,
    };
  }

  /** A refusal by the provider, a failed check of its answer, or the provider out of reach. */
  private translate(error: unknown): Error {
    if (error instanceof errors.OPError) {
      // invalid_grant: a code used twice, expired, or not issued for this PKCE verifier.
      this.logger.warn(`OpenID Connect provider refused: ${error.error ?? error.message}`);
      const status = error.response?.statusCode ?? 400;
      return status >= 500 ? SsoErrors.providerUnavailable() : SsoErrors.codeRejected();
    }
    if (error instanceof errors.RPError && !/timed out/.test(error.message)) {
      if (/max_age|auth_time|elapsed since the last End-User authentication/.test(error.message)) {
        return SsoErrors.reauthNotFresh();
      }
      this.logger.warn(`OpenID Connect answer refused: ${error.message}`);
      return SsoErrors.tokenInvalid();
    }
    this.logger.warn(`OpenID Connect provider unreachable: ${(error as Error).message}`);
    return SsoErrors.providerUnavailable();
  }
}
