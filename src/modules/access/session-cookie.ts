import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, tap } from 'rxjs';
import { RequestContext } from 'src/common/context/request-context';

/**
 * The refresh token travels only in this cookie: httpOnly (no script reads it), Secure (browsers
 * treat http://localhost and http://127.0.0.1 as secure too), SameSite=Strict (never sent by
 * another site's page), and only to the sign-in routes. A browser-session cookie (no expiry): the
 * server's idle and absolute deadlines decide how long it works, and closing the browser drops it.
 */
export const SESSION_COOKIE = '__Secure-ram-ms-session';
export const SESSION_COOKIE_PATH = '/auth';

const OPTIONS = {
  httpOnly: true,
  secure: true,
  sameSite: 'strict',
  path: SESSION_COOKIE_PATH,
} as const;

/** Asks the answer to carry a new refresh token. */
export function issueSessionCookie(token: string): void {
  RequestContext.setCookie({ name: SESSION_COOKIE, value: token, options: OPTIONS });
}

/** Asks the answer to clear the refresh cookie. */
export function clearSessionCookie(): void {
  RequestContext.setCookie({ name: SESSION_COOKIE, value: null, options: OPTIONS });
}

/** The refresh token the request carries, if any (cookie-parser reads the Cookie header). */
export function presentedRefreshToken(req: Request): string | null {
  const cookies = (req as { cookies?: Record<string, unknown> }).cookies;
  const value = cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
}

/**
 * Writes the cookies a use case asked for (RequestContext.setCookie) onto the answer, on success
 * and on a refusal alike (a refused refresh clears the cookie), so any route that mints a session
 * through AuthService.session sets the refresh cookie without knowing about it.
 */
@Injectable()
export class SessionCookieInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') {
      return next.handle();
    }
    const res = context.switchToHttp().getResponse<Response>();
    const apply = () => {
      for (const c of RequestContext.cookies()) {
        if (res.headersSent) {
          return;
        }
        if (c.value === null) {
          res.clearCookie(c.name, c.options);
        } else {
          res.cookie(c.name, c.value, c.options);
        }
      }
    };
    return next.handle().pipe(tap({ next: apply, error: apply }));
  }
}
