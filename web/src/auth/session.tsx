import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError, call, configureAuth } from '../api/client';
import type { Role, SessionResponse, User } from '../api/client';
import { Loading } from '../components/ui';
import { flushDrafts } from '../lib/drafts';
import { ROLE_LABELS } from '../lib/labels';

/**
 * The session as this tab holds it, in memory only (nothing in the browser's storage): the access
 * token and when it expires, the session's idle and absolute deadlines (page clock), when it was
 * last renewed, the user and the one role it acts in (`chosen`: whether a multi-role user has
 * picked it yet). The refresh token is in an httpOnly cookie no script can read.
 */
type Stored = {
  token: string;
  expiresAt: number;
  idleExpiresAt: number;
  absoluteExpiresAt: number;
  renewedAt: number;
  user: User;
  actingRole: Role;
  chosen: boolean;
  /** The role requires a second factor not set up yet: the session may only set it up. */
  enrolmentRequired: boolean;
};
/** The sign-in's second step: a code of the authenticator app, or one of the recovery codes. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };
export type SignOutReason = 'signed_out' | 'expired' | 'everywhere';
/** The dialog before the session ends: inactivity (stay signed in) or its absolute limit. */
type Warning = 'idle' | 'limit' | null;
type SessionContext = {
  session: Stored | null;
  /** True until the first renewal from the cookie answered (a reload, a new tab). */
  restoring: boolean;
  notice: SignOutReason | null;
  /** Signs in, or answers the challenge of the second step when the account has a second factor. */
  signIn: (email: string, password: string) => Promise<{ challenge: string } | null>;
  completeSecondFactor: (challenge: string, proof: SecondFactorProof) => Promise<void>;
  signOut: (reason?: SignOutReason) => Promise<void>;
  /** Ends every session of the account, on every computer. */
  signOutEverywhere: () => Promise<void>;
  /** Acts in another of the user's roles: a new token, and nothing cached from the old role is kept. */
  switchRole: (role: Role) => Promise<void>;
  /** Whether the acting role is one of these (never another role the user also holds). */
  hasRole: (...roles: Role[]) => boolean;
  /**
   * Goes on with a session the API minted elsewhere: after a password change (other sessions
   * ended) or after setting up the second factor.
   */
  adopt: (res: SessionAnswer) => void;
};
/** What the API answers sign-in, a role switch and a password change with. */
export type SessionAnswer = SessionResponse;
/** Where an account with a temporary password is sent until it has chosen its own. */
export const CHANGE_PASSWORD_PATH = '/account/password';

/** Tabs tell each other about sign-in, renewal and sign-out: one sign-in serves every tab. */
const CHANNEL = 'ram-ms.session';
type Message = { type: 'session'; session: Stored } | { type: 'signed_out'; reason: SignOutReason };
/**
 * Renewals hold this lock (Web Locks API) across the tabs: a refresh token works once, and two
 * tabs presenting the same one at once would look like theft and end the session. Holding the
 * lock, a tab renews with the cookie the previous holder has already replaced.
 */
const REFRESH_LOCK = 'ram-ms.session-refresh';
/** How long before the end the warning shows (at most half the idle time). */
const WARN_MS = 2 * 60_000;
/** User input: what counts as someone being there. */
const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart', 'mousemove'] as const;

const Ctx = createContext<SessionContext | null>(null);

function toStored(res: SessionResponse, chosen: boolean): Stored {
  const now = Date.now();
  return {
    token: res.accessToken,
    expiresAt: now + res.expiresIn * 1000,
    idleExpiresAt: now + res.idleExpiresIn * 1000,
    absoluteExpiresAt: now + res.absoluteExpiresIn * 1000,
    renewedAt: now,
    user: res.user,
    actingRole: res.actingRole,
    chosen,
    enrolmentRequired: res.secondFactorEnrolmentRequired === true,
  };
}

async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as { locks?: LockManager }).locks;
  return locks ? ((await locks.request(REFRESH_LOCK, fn)) as T) : fn();
}

/**
 * The signed-in user and the access token. Sign-in sets the refresh cookie; a reload or another
 * tab renews from it. While the user is active the token is renewed shortly before it expires
 * (and once after a refused token); without activity the session ends at its idle deadline,
 * after a warning that offers to stay signed in, and always at its absolute limit.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Stored | null>(null);
  const [restoring, setRestoring] = useState(true);
  const [notice, setNotice] = useState<SignOutReason | null>(null);
  const [warning, setWarning] = useState<Warning>(null);
  const ref = useRef(session);
  const lastActivity = useRef(0);
  const inflight = useRef<Promise<string | null> | null>(null);
  const channel = useRef<BroadcastChannel | null>(null);

  const post = (m: Message) => channel.current?.postMessage(m);

  const keep = useCallback((stored: Stored) => {
    ref.current = stored;
    setSession(stored);
    setWarning(null);
  }, []);

  const endLocally = useCallback(
    (reason: SignOutReason) => {
      if (!ref.current) return;
      ref.current = null;
      setSession(null);
      setWarning(null);
      setNotice(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  /** Renews the session from the cookie (one renewal at a time, across tabs); the new token or null. */
  const refresh = useCallback((): Promise<string | null> => {
    if (inflight.current) return inflight.current;
    const asked = Date.now();
    const p = withRefreshLock(async () => {
      const current = ref.current;
      // Another tab renewed while this one waited for the lock (its session was adopted).
      if (current && current.renewedAt > asked) return current.token;
      const { data, response } = await api.POST('/auth/refresh');
      if (!data) {
        // The session has ended (a tab that had none only learns it is signed out).
        if (response.status === 401 && current) {
          endLocally('expired');
          post({ type: 'signed_out', reason: 'expired' });
        }
        return null;
      }
      const stored = toStored(data, ref.current?.chosen ?? true);
      keep(stored);
      post({ type: 'session', session: stored });
      return stored.token;
    })
      .catch(() => null)
      .finally(() => {
        inflight.current = null;
      });
    inflight.current = p;
    return p;
  }, [endLocally, keep]);

  const active = () => !!ref.current && lastActivity.current > ref.current.renewedAt;

  // Set during render (idempotent), so the first queries already send the token. A refused token
  // is renewed only when someone was active since the last renewal: polling alone never keeps an
  // unattended session alive.
  configureAuth(
    () => ref.current?.token ?? null,
    () => (active() ? refresh() : Promise.resolve(null)),
  );

  // One sign-in serves every tab: sessions and sign-outs from the other tabs.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const c = new BroadcastChannel(CHANNEL);
    channel.current = c;
    c.onmessage = (e: MessageEvent<Message>) => {
      const m = e.data;
      if (m.type === 'session') {
        const before = ref.current;
        if (
          before &&
          (before.user.id !== m.session.user.id || before.actingRole !== m.session.actingRole)
        ) {
          queryClient.clear();
        }
        setNotice(null);
        keep({ ...m.session, renewedAt: Math.max(m.session.renewedAt, Date.now()) });
        setRestoring(false);
      } else if (m.type === 'signed_out') {
        endLocally(m.reason);
      }
    };
    return () => {
      c.close();
      channel.current = null;
    };
  }, [endLocally, keep, queryClient]);

  // A reload or a new tab: the session comes back from the cookie, if there is one.
  useEffect(() => {
    void refresh().finally(() => setRestoring(false));
  }, [refresh]);

  const expire = useCallback(async () => {
    await flushDrafts();
    await api.POST('/auth/logout').catch(() => undefined);
    endLocally('expired');
    post({ type: 'signed_out', reason: 'expired' });
  }, [endLocally]);

  // Activity: someone is there. A token about to expire is renewed at once.
  useEffect(() => {
    let checked = 0;
    const onActivity = () => {
      const now = Date.now();
      lastActivity.current = now;
      if (now - checked < 5000) return;
      checked = now;
      const s = ref.current;
      if (s && now > s.expiresAt - Math.min(60_000, (s.expiresAt - s.renewedAt) / 4))
        void refresh();
    };
    for (const e of ACTIVITY)
      window.addEventListener(e, onActivity, { passive: true, capture: true });
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, onActivity, { capture: true });
    };
  }, [refresh]);

  // The token is renewed shortly before it expires if someone was active; the warning comes before
  // the idle deadline (or the absolute limit); at the deadline the session ends.
  useEffect(() => {
    if (!session) return;
    const now = Date.now();
    const timers: number[] = [];
    const at = (t: number, fn: () => void) =>
      timers.push(window.setTimeout(fn, Math.max(0, t - now)));
    const margin = Math.min(60_000, (session.expiresAt - session.renewedAt) / 4);
    const lead = Math.min(WARN_MS, (session.idleExpiresAt - session.renewedAt) / 2);
    at(session.expiresAt - margin, () => {
      if (active()) void refresh();
    });
    if (session.idleExpiresAt < session.absoluteExpiresAt) {
      at(session.idleExpiresAt - lead, () => {
        if (active()) void refresh();
        else setWarning('idle');
      });
    } else {
      at(session.absoluteExpiresAt - lead, () => setWarning('limit'));
    }
    at(Math.min(session.idleExpiresAt, session.absoluteExpiresAt), () => void expire());
    return () => timers.forEach((t) => window.clearTimeout(t));
  }, [session, refresh, expire]);

  const adopt = useCallback(
    (res: SessionAnswer, chosen = ref.current?.chosen ?? res.user.actingRoles.length <= 1) => {
      setNotice(null);
      queryClient.clear();
      const stored = toStored(res, chosen);
      keep(stored);
      post({ type: 'session', session: stored });
    },
    [keep, queryClient],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const res = await call(api.POST('/auth/login', { body: { email, password } }));
      if ('challenge' in res) return { challenge: res.challenge };
      adopt(res, res.user.actingRoles.length <= 1);
      return null;
    },
    [adopt],
  );

  const completeSecondFactor = useCallback(
    async (challenge: string, proof: SecondFactorProof) => {
      const res = await call(
        api.POST('/auth/login/second-factor', { body: { challenge, ...proof } }),
      );
      adopt(res, res.user.actingRoles.length <= 1);
    },
    [adopt],
  );

  const signOut = useCallback(
    async (reason: SignOutReason = 'signed_out') => {
      if (!ref.current) return;
      if (reason === 'expired') return expire();
      await flushDrafts();
      await api.POST('/auth/logout').catch(() => undefined);
      endLocally(reason);
      post({ type: 'signed_out', reason });
    },
    [endLocally, expire],
  );

  const signOutEverywhere = useCallback(async () => {
    await flushDrafts();
    await call(api.POST('/auth/logout-everywhere'));
    endLocally('everywhere');
    post({ type: 'signed_out', reason: 'everywhere' });
  }, [endLocally]);

  const switchRole = useCallback(
    async (role: Role) => {
      adopt(await call(api.POST('/auth/role', { body: { role } })), true);
    },
    [adopt],
  );

  const value = useMemo<SessionContext>(
    () => ({
      session,
      restoring,
      notice,
      signIn,
      completeSecondFactor,
      adopt: (res: SessionAnswer) => adopt(res),
      signOut,
      signOutEverywhere,
      switchRole,
      hasRole: (...roles: Role[]) => !!session && roles.includes(session.actingRole),
    }),
    [
      session,
      restoring,
      notice,
      signIn,
      completeSecondFactor,
      adopt,
      signOut,
      signOutEverywhere,
      switchRole,
    ],
  );
  return (
    <Ctx.Provider value={value}>
      {children}
      {session && warning && (
        <SessionWarning
          kind={warning}
          endsAt={Math.min(session.idleExpiresAt, session.absoluteExpiresAt)}
          onStay={() => void refresh()}
          onSignOut={() => void signOut('signed_out')}
          onClose={() => setWarning(null)}
        />
      )}
    </Ctx.Provider>
  );
}

/** "You will be signed out in N minutes — Stay signed in / Sign out" (or the absolute limit). */
function SessionWarning({
  kind,
  endsAt,
  onStay,
  onSignOut,
  onClose,
}: {
  kind: 'idle' | 'limit';
  endsAt: number;
  onStay: () => void;
  onSignOut: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 15_000);
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => window.clearInterval(timer);
  }, []);
  const minutes = Math.max(0, Math.ceil((endsAt - now) / 60_000));
  return (
    <dialog ref={dialog} aria-labelledby={id} onCancel={(e) => (e.preventDefault(), onClose())}>
      <h2 id={id}>{kind === 'idle' ? t('session.idleTitle') : t('session.limitTitle')}</h2>
      <p>
        {kind === 'idle'
          ? minutes <= 1 && endsAt - now < 60_000
            ? t('session.idleTextSoon')
            : t('session.idleText', { count: minutes })
          : t('session.limitText', { count: minutes })}
      </p>
      <div className="row" style={{ marginTop: '1rem' }}>
        {kind === 'idle' ? (
          <>
            <button type="button" onClick={onStay}>
              {t('session.staySignedIn')}
            </button>
            <button type="button" className="secondary" onClick={onSignOut}>
              {t('session.signOut')}
            </button>
          </>
        ) : (
          <button type="button" onClick={onClose}>
            {t('session.understood')}
          </button>
        )}
      </div>
    </dialog>
  );
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

/** The page where a session restricted to setting up the second factor is sent. */
export const SECOND_FACTOR_SETUP_PATH = '/security/setup';

/** A signed-in page; `enrolment`: also for a session that may only set up its second factor. */
export function RequireSession({
  children,
  enrolment = false,
}: {
  children: ReactNode;
  enrolment?: boolean;
}) {
  const { t } = useTranslation();
  const { session, restoring } = useSession();
  const location = useLocation();
  if (!session && restoring) return <Loading what={t('session.restoring')} />;
  if (!session) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  // A temporary password (generated, or reset by an admin) opens nothing but choosing a new one.
  if (session.user.passwordChangeRequired) {
    if (location.pathname !== CHANGE_PASSWORD_PATH)
      return <Navigate to={CHANGE_PASSWORD_PATH} replace state={{ from: location.pathname }} />;
    return <>{children}</>;
  }
  if (session.enrolmentRequired && !enrolment)
    return <Navigate to={SECOND_FACTOR_SETUP_PATH} replace />;
  if (!session.chosen && !enrolment) return <ChooseRole />;
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
        <button type="button" className="secondary" onClick={() => void signOut('signed_out')}>
          Sign out
        </button>
      </p>
    </main>
  );
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
