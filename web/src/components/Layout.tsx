import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { api, call } from '../api/client';
import type { Role } from '../api/client';
import { useMinutesLeft, useSession, useUser } from '../auth/session';
import { ROLE_LABELS } from '../lib/labels';

type Item = { to: string; label: string; roles: Role[] };

/** Each role sees the pages its API scope allows (the API enforces it regardless). */
export const NAV: Item[] = [
  { to: '/worklist', label: 'Worklist', roles: ['coordinator', 'investigator'] },
  {
    to: '/allocations',
    label: 'Allocations',
    roles: ['investigator', 'coordinator', 'site_staff', 'statistician', 'monitor'],
  },
  {
    to: '/transplant',
    label: 'Transplant centre',
    roles: ['coordinator', 'investigator', 'site_staff', 'monitor'],
  },
  {
    to: '/follow-up',
    label: 'Follow-up',
    roles: ['coordinator', 'investigator', 'site_staff', 'blinded_assessor', 'monitor'],
  },
  { to: '/statistics', label: 'Randomisation', roles: ['statistician'] },
  {
    to: '/reports',
    label: 'Reports',
    roles: ['coordinator', 'investigator', 'site_staff', 'statistician', 'monitor', 'admin'],
  },
  { to: '/admin/users', label: 'Users', roles: ['admin'] },
  { to: '/admin/sites', label: 'Sites & capacity', roles: ['admin'] },
  { to: '/admin/audit', label: 'Audit trail', roles: ['admin', 'monitor'] },
];

function UnreadBadge() {
  const { data } = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => call(api.GET('/notifications/unread-count')),
    refetchInterval: 60_000,
  });
  if (!data?.unread) return null;
  return (
    <span className="badge" aria-label={`${data.unread} unread`}>
      {data.unread}
    </span>
  );
}

/** The acting role, and a switch for users who hold several. */
function ActingRole() {
  const user = useUser();
  const { session, switchRole } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;
  if (user.actingRoles.length <= 1) return <>{ROLE_LABELS[session.actingRole]}</>;
  return (
    <>
      <label htmlFor="acting-role" className="small">
        Acting as
      </label>
      <select
        id="acting-role"
        value={session.actingRole}
        onChange={(e) => {
          setError(null);
          switchRole(e.target.value as Role)
            .then(() => navigate('/', { replace: true }))
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
        }}
      >
        {user.actingRoles.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

export function Layout({ children }: { children?: ReactNode }) {
  const user = useUser();
  const { signOut, hasRole } = useSession();
  const minutes = useMinutesLeft();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">RAM-MS trial</div>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((i) => hasRole(...i.roles)).map((i) => (
              <li key={i.to}>
                <NavLink to={i.to}>{i.label}</NavLink>
              </li>
            ))}
            <li>
              <NavLink to="/notifications">
                Notifications <UnreadBadge />
              </NavLink>
            </li>
          </ul>
        </nav>
        <div className="who">
          Signed in as <strong>{user.displayName}</strong>
          <br />
          <ActingRole />
          {user.trialWide ? ' (all sites)' : ''}
        </div>
        <div style={{ margin: '0 0.6rem' }}>
          <button type="button" className="secondary" onClick={() => signOut('signed_out')}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        {minutes !== null && minutes <= 2 && (
          <div className="alert warn" role="status">
            Your session ends in {minutes <= 1 ? 'less than a minute' : `${minutes} minutes`}; save
            your work and sign in again.
          </div>
        )}
        {children ?? <Outlet />}
      </main>
    </div>
  );
}
