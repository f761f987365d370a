import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError, call, configureAuth } from '../api/client';
import type { Role, User } from '../api/types';

type Stored = { token: string; expiresAt: number; user: User };
export type SignOutReason = 'signed_out' | 'expired';
type SessionContext = {
  session: Stored | null;
  notice: SignOutReason | null;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: (reason?: SignOutReason) => void;
  hasRole: (...roles: Role[]) => boolean;
};

/** sessionStorage, not localStorage: the token ends with the tab and is never in a URL. */
const KEY = 'ram-ms.session';
const Ctx = createContext<SessionContext | null>(null);

function load(): Stored | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

/** The signed-in user and token; the session ends when the token does (JWT_TTL_SECONDS). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Stored | null>(load);
  const [notice, setNotice] = useState<SignOutReason | null>(null);
  const ref = useRef(session);
  ref.current = session;

  const signOut = useCallback(
    (reason: SignOutReason = 'signed_out') => {
      if (!ref.current) return;
      sessionStorage.removeItem(KEY);
      ref.current = null;
      setSession(null);
      setNotice(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  // Set during render (idempotent), so the first queries of a reloaded page already send the token.
  configureAuth(() => ref.current?.token ?? null, () => signOut('expired'));

  useEffect(() => {
    if (!session) return;
    const timer = window.setTimeout(() => signOut('expired'), Math.max(0, session.expiresAt - Date.now()));
    return () => window.clearTimeout(timer);
  }, [session, signOut]);

  const signIn = useCallback(async (email: string, password: string) => {
    const res = await call(api.POST('/auth/login', { body: { email, password } }));
    const stored: Stored = { token: res.accessToken, expiresAt: Date.now() + res.expiresIn * 1000, user: res.user };
    sessionStorage.setItem(KEY, JSON.stringify(stored));
    ref.current = stored;
    setNotice(null);
    setSession(stored);
  }, []);

  const value = useMemo<SessionContext>(
    () => ({
      session,
      notice,
      signIn,
      signOut,
      hasRole: (...roles: Role[]) => !!session && roles.some((r) => session.user.roles.includes(r)),
    }),
    [session, notice, signIn, signOut],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user (only inside RequireSession). */
export function useUser(): User {
  const { session } = useSession();
  if (!session) throw new Error('no session');
  return session.user;
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

/** Minutes left in the session, updated every 15 s (for the expiry warning). */
export function useMinutesLeft(): number | null {
  const { session } = useSession();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(t);
  }, []);
  return session ? Math.max(0, Math.ceil((session.expiresAt - now) / 60_000)) : null;
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
