import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Tracker of the client address (behind the loopback proxy: the forwarded address). */
export const byAddress = (req: Record<string, unknown>): string =>
  `address:${normalizeIp(String(req.ip ?? ''))}`;

/**
 * The e-mail of the request body, lower-cased and hashed (the counters never hold an address in
 * the clear), or null when the body names none (then the per-account limit does not apply).
 */
export function accountOf(req: Record<string, unknown>): string | null {
  const body = req.body as { email?: unknown } | undefined;
  if (typeof body?.email !== 'string' || body.email.trim() === '') {
    return null;
  }
  return `account:${sha256(body.email.trim().toLowerCase().slice(0, 320))}`;
}

const noEmail = (context: ExecutionContext) =>
  accountOf(context.switchToHttp().getRequest<Record<string, unknown>>()) === null;

/** A per-account limit (the e-mail in the body; skipped when the body names none). */
export const perAccount = (name: string, limit: number, ttl: number): ThrottlerOptions => ({
  name,
  limit,
  ttl,
  skipIf: noEmail,
  getTracker: (req) => accountOf(req) ?? 'account:none',
});

/**
 * A throttler guard with its own named limits (not the module's `default`, which the public
 * routes use): each subclass lists them from the configuration. The counters are shared by every
 * route that uses the same guard (e.g. each step of a sign-in) and by every API process (the
 * storage is Redis, see RateLimitStorage). A refusal is 429 TOO_MANY_REQUESTS in the one error
 * shape, with `Retry-After` in seconds.
 */
@Injectable()
export abstract class NamedThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) protected readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  /** The limits of this guard; names must be unique across guards (they name the counters). */
  protected abstract limits(config: AppConfig): ThrottlerOptions[];

  /** What the refusal says, e.g. "Too many sign-in attempts". */
  protected abstract readonly refusal: string;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.limits(this.config).map((t) => ({
      ...t,
      generateKey: (_context: ExecutionContext, tracker: string, name: string) =>
        sha256(`${name}|${tracker}`),
    }));
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { res } = this.getRequestResponse(context);
    this.setResponseHeader(res, 'Retry-After', Math.max(1, detail.timeToBlockExpire));
    await super.throwThrottlingException(context, detail);
  }

  protected override async getErrorMessage(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<string> {
    return `${this.refusal}; try again in ${Math.max(1, detail.timeToBlockExpire)} seconds`;
  }
}
