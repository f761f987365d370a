import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Throttles the sign-in's second step per client address and account, as sign-in is: the
 * account is read from the challenge's payload without trusting it (a forged one only spends the
 * sender's own budget; the service verifies the signature).
 */
@Injectable()
export class SecondFactorThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const body = req.body as { challenge?: unknown } | undefined;
    let account = '';
    if (typeof body?.challenge === 'string') {
      try {
        const payload = body.challenge.split('.')[1] ?? '';
        const uid = (
          JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
            uid?: unknown;
          }
        ).uid;
        account = typeof uid === 'string' ? uid.slice(0, 36) : '';
      } catch {
        account = '';
      }
    }
    return `${String(req.ip)}|2fa|${account}`;
  }
}
