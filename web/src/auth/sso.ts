import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';

/**
 * Single sign-on at the hospital's identity provider. The page leaves for the provider and comes
 * back to /app/sso/callback; what it was doing is kept in sessionStorage (this tab only): the
 * flow, where to return, and after a re-authentication the signing assertion (single use,
 * minutes). Nothing of it is ever in a URL of ours except the provider's own code and state.
 */
const FLOW = 'ram-ms.sso.flow';
const ASSERTION = 'ram-ms.sso.assertion';

export type SsoPurpose = 'signature' | 'signing_password';
type Flow = { kind: 'sign_in' } | { kind: 'reauth'; purpose: SsoPurpose; returnTo: string };
type Kept = { assertion: string; purpose: SsoPurpose; expiresAt: number };

/** Whether single sign-on is on (a public answer, no secrets). */
export function useSsoEnabled(): boolean {
  const q = useQuery({
    queryKey: ['sso-config'],
    queryFn: () => call(api.GET('/auth/sso/config')),
    staleTime: 5 * 60_000,
  });
  return q.data?.enabled ?? false;
}

/** Leaves for the provider to sign in (it sends the browser back to /app/sso/callback). */
export async function startSsoSignIn(): Promise<void> {
  const res = await call(api.POST('/auth/sso/start', { body: {} }));
  sessionStorage.setItem(FLOW, JSON.stringify({ kind: 'sign_in' } satisfies Flow));
  window.location.assign(res.authorizationUrl);
}

/** Leaves for the provider to authenticate again (prompt=login), then returns to `returnTo`. */
export async function startReauthentication(purpose: SsoPurpose, returnTo: string): Promise<void> {
  const res = await call(api.POST('/auth/sso/reauth', { body: { purpose } }));
  sessionStorage.setItem(
    FLOW,
    JSON.stringify({ kind: 'reauth', purpose, returnTo } satisfies Flow),
  );
  window.location.assign(res.authorizationUrl);
}

/** The flow this tab started (and forgets it). */
export function takeFlow(): Flow | null {
  const raw = sessionStorage.getItem(FLOW);
  sessionStorage.removeItem(FLOW);
  try {
    return raw ? (JSON.parse(raw) as Flow) : null;
  } catch {
    return null;
  }
}

export function keepAssertion(assertion: string, purpose: SsoPurpose, expiresIn: number): void {
  const kept: Kept = { assertion, purpose, expiresAt: Date.now() + expiresIn * 1000 };
  sessionStorage.setItem(ASSERTION, JSON.stringify(kept));
}

/** A signing assertion for `purpose` still valid, if the user re-authenticated (not used up here). */
export function peekAssertion(purpose: SsoPurpose): string | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(ASSERTION) ?? 'null') as Kept | null;
    return kept && kept.purpose === purpose && kept.expiresAt > Date.now() ? kept.assertion : null;
  } catch {
    return null;
  }
}

export function dropAssertion(): void {
  sessionStorage.removeItem(ASSERTION);
}
