import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { api, call } from '../api/client';
import type { Role } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { QueueDashboardButton } from './QueueDashboardButton';

/** `label`: the translation key of the page's name. */
type Item = { to: string; label: string; roles: Role[] };

/** Each role sees the pages its API scope allows (the API enforces it regardless). */
export const NAV: Item[] = [
  { to: '/worklist', label: 'nav.worklist', roles: ['coordinator', 'investigator'] },
  {
    to: '/allocations',
    label: 'nav.allocations',
    roles: ['investigator', 'coordinator', 'site_staff', 'statistician', 'monitor'],
  },
  {
    to: '/transplant',
    label: 'nav.transplant',
    roles: ['coordinator', 'investigator', 'site_staff', 'monitor'],
  },
  {
    to: '/follow-up',
    label: 'nav.followUp',
    roles: ['coordinator', 'investigator', 'site_staff', 'blinded_assessor', 'monitor'],
  },
  { to: '/assessments', label: 'nav.assessorWorklist', roles: ['blinded_assessor'] },
  { to: '/statistics', label: 'nav.statistics', roles: ['statistician'] },
  {
    to: '/queries',
    label: 'nav.queries',
    // A blinded assessor's queries (on their own assessments only) are on their worklist.
    roles: ['monitor', 'statistician', 'coordinator', 'investigator', 'site_staff'],
  },
  {
    to: '/reports',
    label: 'nav.reports',
    roles: ['coordinator', 'investigator', 'site_staff', 'statistician', 'monitor', 'admin'],
  },
  { to: '/codebook', label: 'nav.codebook', roles: ['statistician', 'monitor', 'admin'] },
  {
    to: '/exports',
    label: 'nav.exports',
    roles: [
      'statistician',
      'monitor',
      'coordinator',
      'investigator',
      'site_staff',
      'blinded_assessor',
    ],
  },
  {
    to: '/sdv-progress',
    label: 'nav.sdvProgress',
    roles: ['monitor', 'statistician', 'investigator', 'coordinator'],
  },
  { to: '/data-locks', label: 'nav.dataLocks', roles: ['statistician', 'monitor', 'admin'] },
  { to: '/admin/users', label: 'nav.users', roles: ['admin'] },
  { to: '/admin/sites', label: 'nav.sites', roles: ['admin'] },
  { to: '/admin/audit', label: 'nav.audit', roles: ['admin', 'monitor'] },
  {
    to: '/calendar-feeds',
    label: 'nav.calendarFeeds',
    roles: ['coordinator', 'investigator', 'site_staff', 'blinded_assessor', 'monitor'],
  },
  {
    to: '/security',
    label: 'nav.security',
    roles: [
      'coordinator',
      'investigator',
      'site_staff',
      'blinded_assessor',
      'statistician',
      'monitor',
      'admin',
    ],
  },
];

function UnreadBadge() {
  const { t } = useTranslation();
  const { data } = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => call(api.GET('/notifications/unread-count')),
    refetchInterval: 60_000,
  });
  if (!data?.unread) return null;
  return (
    <span className="badge" aria-label={t('layout.unread', { count: data.unread })}>
      {data.unread}
    </span>
  );
}

/** The acting role, and a switch for users who hold several. */
function ActingRole() {
  const { t } = useTranslation();
  const user = useUser();
  const { session, switchRole } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  if (!session) return null;
  if (user.actingRoles.length <= 1) return <>{t(`role.${session.actingRole}`)}</>;
  return (
    <>
      <label htmlFor="acting-role" className="small">
        {t('layout.actingAs')}
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
            {t(`role.${r}`)}
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
  const { t } = useTranslation();
  const user = useUser();
  const { signOut, signOutEverywhere, hasRole } = useSession();
  const [everywhereError, setEverywhereError] = useState<string | null>(null);
  // With a temporary password nothing but changing it is open (the API refuses the rest).
  const nav = user.passwordChangeRequired ? [] : NAV.filter((i) => hasRole(...i.roles));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('layout.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="brand">{t('layout.brand')}</div>
        <nav aria-label={t('nav.main')}>
          <ul>
            {nav.map((i) => (
              <li key={i.to}>
                <NavLink to={i.to}>{t(i.label)}</NavLink>
              </li>
            ))}
            {hasRole('admin') && !user.passwordChangeRequired && (
              <li>
                <QueueDashboardButton />
              </li>
            )}
            {!user.passwordChangeRequired && (
              <li>
                <NavLink to="/notifications">
                  {t('nav.notifications')} <UnreadBadge />
                </NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="who">
          {t('layout.signedInAs')} <strong>{user.displayName}</strong>
          <br />
          <ActingRole />
          {user.trialWide ? t('layout.allSites') : ''}
        </div>
        <div style={{ margin: '0 0.6rem' }}>
          <p>
            <NavLink to="/account/password">{t('password.menuLink')}</NavLink>
          </p>
          <button type="button" className="secondary" onClick={() => void signOut('signed_out')}>
            {t('layout.signOut')}
          </button>
          <button
            type="button"
            className="secondary small"
            title={t('session.signOutEverywhereHint')}
            style={{ marginTop: '0.4rem' }}
            onClick={() => {
              setEverywhereError(null);
              signOutEverywhere().catch((e: unknown) =>
                setEverywhereError(e instanceof Error ? e.message : String(e)),
              );
            }}
          >
            {t('session.signOutEverywhere')}
          </button>
          {everywhereError && (
            <div className="error" role="alert">
              {everywhereError}
            </div>
          )}
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        {children ?? <Outlet />}
      </main>
    </div>
  );
}
