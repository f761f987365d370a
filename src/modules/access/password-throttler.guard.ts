import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Throttles the password routes per client address and account: the signed-in account (set by the
 * global AuthGuard, which runs first) for a change, the e-mail address for a forgotten password,
 * the address alone for a reset link (its token cannot be guessed anyway).
 */
@Injectable()
export class PasswordThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const actor = req.actor as { id?: unknown } | undefined;
    const body = req.body as { email?: unknown } | undefined;
    const who =
      typeof actor?.id === 'string'
        ? `user:${actor.id}`
        : typeof body?.email === 'string'
          ? body.email.trim().toLowerCase().slice(0, 254)
          : '';
    return `${String(req.ip)}|${who}`;
  }
}
