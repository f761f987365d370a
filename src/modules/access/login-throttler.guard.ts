import { Injectable } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from 'src/config/app-config';
import { byAddress, NamedThrottlerGuard, perAccount } from './named-throttler.guard';

const MINUTE = 60_000;

/**
 * Sign-in limits, per minute and shared by all API processes: per client address whatever the
 * e-mail (LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE), per account from all addresses
 * (LOGIN_RATE_LIMIT_PER_MINUTE) and for the whole system (LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE).
 * Every route that is a step of signing in uses this guard and so counts against the same limits.
 */
@Injectable()
export class LoginThrottlerGuard extends NamedThrottlerGuard {
  protected readonly refusal = 'Too many sign-in attempts';

  protected limits(config: AppConfig): ThrottlerOptions[] {
    return [
      {
        name: 'sign-in-address',
        limit: config.LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
        ttl: MINUTE,
        getTracker: byAddress,
      },
      perAccount('sign-in-account', config.LOGIN_RATE_LIMIT_PER_MINUTE, MINUTE),
      {
        name: 'sign-in-global',
        limit: config.LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE,
        ttl: MINUTE,
        getTracker: () => 'all',
      },
    ];
  }
}
