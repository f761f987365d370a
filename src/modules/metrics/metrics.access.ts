import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read the metrics, in one place for the API route and the worker's port: nobody while
 * METRICS_TOKEN is unset (`disabled`), else only `Authorization: Bearer <METRICS_TOKEN>`
 * (Prometheus `bearer_token`), compared in constant time.
 */
export function metricsAccess(
  token: string | undefined,
  authorization: string | undefined,
): 'disabled' | 'denied' | 'allowed' {
  if (!token) {
    return 'disabled';
  }
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) ? 'allowed' : 'denied';
}
