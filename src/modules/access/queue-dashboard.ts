import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Actor } from 'src/common/context/request-context';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { AuthService, type AuthenticatedActor } from './auth.service';
import { UsersService } from './users.service';

/** Where the Bull dashboard is mounted, and the cookie that opens it in an admin's browser. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'ram_ms_queues';

type PassClaims = { sub: string; tv: number };

/**
 * A browser pass to the Bull dashboard: an admin's page asks for it with its bearer token and gets
 * an httpOnly, Secure, SameSite=Strict cookie limited to the dashboard's path, so the dashboard
 * opens in a tab (which cannot send a bearer header). Signed with a key derived for this purpose
 * only: the pass is no API token, and an API token is no pass. It ends after
 * QUEUE_DASHBOARD_PASS_MINUTES, or sooner when the account stops being an active admin or signs
 * out everywhere (its token version moves on).
 */
@Injectable()
export class QueueDashboardPass {
  private readonly secret: string;

  constructor(
    private readonly jwt: JwtService,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secret = createHmac('sha256', config.JWT_SECRET).update('queue-dashboard').digest('hex');
  }

  async issue(actor: Actor, minutes?: number): Promise<{ token: string; maxAgeSeconds: number }> {
    const user = await this.users.get(actor.id as string);
    const limit = this.config.QUEUE_DASHBOARD_PASS_MINUTES;
    const maxAgeSeconds = Math.min(minutes ?? limit, limit) * 60;
    const token = await this.jwt.signAsync(
      { sub: user.id, tv: user.tokenVersion } satisfies PassClaims,
      {
        secret: this.secret,
        expiresIn: maxAgeSeconds,
      },
    );
    return { token, maxAgeSeconds };
  }

  /** The admin a pass stands for now, or null. */
  async verify(token: string): Promise<AuthenticatedActor | null> {
    try {
      const claims = await this.jwt.verifyAsync<PassClaims>(token, {
        secret: this.secret,
        algorithms: ['HS256'],
      });
      return await this.auth.actorFor(claims.sub, 'admin', claims.tv);
    } catch {
      return null;
    }
  }
}
