import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError, call, configureAuth } from '../api/client';
import type { Role, Schemas, User } from '../api/client';
import { ROLE_LABELS } from '../lib/labels';

/** `actingRole`: the one role the token acts in; `chosen`: whether a multi-role user has picked it yet. */
type Stored = { token: string; expiresAt: number; user: User; actingRole: Role; chosen: boolean };
export type SignOutReason = 'signed_out' | 'expired';
type SessionContext = {
  session: Stored | null;
  notice: SignOutReason | null;
  signIn: (email: string, password: string) => Promise<void>;
  /** Takes a session signed in elsewhere (single sign-on: POST /auth/sso/callback). */
  adopt: (res: Schemas['LoginResponseDto']) => void;
  signOut: (reason?: SignOutReason) => void;
  /** Acts in another of the user's roles: a new token, and nothing cached from the old role is kept. */
  switchRole: (role: Role) => Promise<void>;
  /** Whether the acting role is one of these (never another role the user also holds). */
  hasRole: (...roles: Role[]) => boolean;
};

/** sessionStorage, not localStorage: the token ends with the tab and is never in a URL. */
const KEY = 'ram-ms.session';
const Ctx = createContext<SessionContext | null>(null);

function load(): Stored | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
    return s && s.actingRole && s.expiresAt > Date.now() ? s : null;
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
  configureAuth(
    () => ref.current?.token ?? null,
    () => signOut('expired'),
  );

  useEffect(() => {
    if (!session) return;
    const timer = window.setTimeout(
      () => signOut('expired'),
      Math.max(0, session.expiresAt - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [session, signOut]);

  const keep = useCallback((stored: Stored) => {
    sessionStorage.setItem(KEY, JSON.stringify(stored));
    ref.current = stored;
    setSession(stored);
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const res = await call(api.POST('/auth/login', { body: { email, password } }));
      const chosen = res.user.actingRoles.length <= 1;
      setNotice(null);
      keep({
        token: res.accessToken,
        expiresAt: Date.now() + res.expiresIn * 1000,
        user: res.user,
        actingRole: res.actingRole,
        chosen,
      });
    },
    [keep],
  );

  const adopt = useCallback(
    (res: Schemas['LoginResponseDto']) => {
      setNotice(null);
      keep({
        token: res.accessToken,
        expiresAt: Date.now() + res.expiresIn * 1000,
        user: res.user,
        actingRole: res.actingRole,
        chosen: res.user.actingRoles.length <= 1,
      });
    },
    [keep],
  );

  const switchRole = useCallback(
    async (role: Role) => {
      const res = await call(api.POST('/auth/role', { body: { role } }));
      queryClient.clear();
      keep({
        token: res.accessToken,
        expiresAt: Date.now() + res.expiresIn * 1000,
        user: res.user,
        actingRole: res.actingRole,
        chosen: true,
      });
    },
    [keep, queryClient],
  );

  const value = useMemo<SessionContext>(
    () => ({
      session,
      notice,
      signIn,
      adopt,
      signOut,
      switchRole,
      hasRole: (...roles: Role[]) => !!session && roles.includes(session.actingRole),
    }),
    [session, notice, signIn, adopt, signOut, switchRole],
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
  if (!session.chosen) return <ChooseRole />;
  return <>{children}</>;
}

/** After signing in, a user with several roles chooses the one to act in (switchable later in the menu). */
function ChooseRole() {
  const { session, switchRole, signOut } = useSession();
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;
  return (
    <main className="signin">
      <h1>Choose your role</h1>
      <p>
        You hold several roles. You act in one at a time: what you see and may do follow that role
        alone. You can switch later in the menu.
      </p>
      {error && (
        <div className="alert error" role="alert">
          {error}
        </div>
      )}
      <div className="role-choice">
        {session.user.actingRoles.map((r) => (
          <button
            key={r}
            type="button"
            onClick={() =>
              switchRole(r).catch((e: unknown) =>
                setError(e instanceof Error ? e.message : String(e)),
              )
            }
          >
            Act as {ROLE_LABELS[r]}
          </button>
        ))}
      </div>
      <p>
        <button type="button" className="secondary" onClick={() => signOut('signed_out')}>
          Sign out
        </button>
      </p>
    </main>
  );
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
