import { Injectable } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from 'src/config/app-config';
import { byAddress, NamedThrottlerGuard, perAccount } from './named-throttler.guard';

const HOUR = 3_600_000;

/**
 * Password-reset limits, per hour and shared by all API processes: per client address
 * (PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS_PER_HOUR) and, when the body names an e-mail, per account
 * (PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT_PER_HOUR). Put it on the routes that ask for a reset and
 * that complete one (`@UseGuards(PasswordResetThrottlerGuard)`, `@ApiErrors(429)`).
 */
@Injectable()
export class PasswordResetThrottlerGuard extends NamedThrottlerGuard {
  protected readonly refusal = 'Too many password-reset requests';

  protected limits(config: AppConfig): ThrottlerOptions[] {
    return [
      {
        name: 'password-reset-address',
        limit: config.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS_PER_HOUR,
        ttl: HOUR,
        getTracker: byAddress,
      },
      perAccount(
        'password-reset-account',
        config.PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT_PER_HOUR,
        HOUR,
      ),
    ];
  }
}
