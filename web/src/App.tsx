import { useTranslation } from 'react-i18next';
import { useEffect, type ReactElement } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { Role } from './api/client';
import { RequireSession, useSession } from './auth/session';
import { Layout, NAV } from './components/Layout';
import { AdminAudit } from './pages/admin/Audit';
import { AdminSites } from './pages/admin/Sites';
import { AdminUsers } from './pages/admin/Users';
import { Allocations } from './pages/Allocations';
import { FollowUp } from './pages/FollowUp';
import { Notifications } from './pages/Notifications';
import { ParticipantPage } from './pages/participant/ParticipantPage';
import { Prescreening } from './pages/public/Prescreening';
import { Reports } from './pages/Reports';
import { SignIn } from './pages/SignIn';
import { SsoCallback } from './pages/SsoCallback';
import { Statistics } from './pages/Statistics';
import { TransplantCentre } from './pages/TransplantCentre';
import { VisitPage } from './pages/Visit';
import { Worklist } from './pages/Worklist';
import { AssessorWorklist } from './pages/AssessorWorklist';

/** Each role starts on its main page. */
const HOME: [Role, string][] = [
  ['coordinator', '/worklist'],
  ['investigator', '/worklist'],
  ['blinded_assessor', '/assessments'],
  ['site_staff', '/follow-up'],
  ['statistician', '/statistics'],
  ['monitor', '/reports'],
  ['admin', '/admin/users'],
];

function Home() {
  const { hasRole } = useSession();
  const target = HOME.find(([role]) => hasRole(role))?.[1] ?? '/notifications';
  return <Navigate to={target} replace />;
}

/** A page only for some roles: others are sent home (the API would refuse them anyway). */
function Only({ path, children }: { path: string; children: ReactElement }) {
  const { hasRole } = useSession();
  const item = NAV.find((i) => i.to === path);
  if (item && !hasRole(...item.roles)) return <Navigate to="/" replace />;
  return children;
}

/** Moves focus to the page's heading after navigation, and names the page in the title. */
function FocusOnNavigate() {
  const location = useLocation();
  useEffect(() => {
    const t = window.setTimeout(() => {
      const h1 = document.querySelector('h1');
      if (h1) {
        document.title = `${h1.textContent ?? ''} · RAM-MS`;
        h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: true });
      }
    }, 50);
    return () => window.clearTimeout(t);
  }, [location.pathname]);
  return null;
}

export function App() {
  return (
    <>
      <FocusOnNavigate />
      <Routes>
        <Route path="/signin" element={<SignIn />} />
        <Route path="/sso/callback" element={<SsoCallback />} />
        <Route path="/prescreening" element={<Prescreening />} />
        <Route
          element={
            <RequireSession>
              <Layout />
            </RequireSession>
          }
        >
          <Route index element={<Home />} />
          <Route
            path="worklist"
            element={
              <Only path="/worklist">
                <Worklist />
              </Only>
            }
          />
          <Route path="participants/:id" element={<ParticipantPage />} />
          <Route
            path="allocations"
            element={
              <Only path="/allocations">
                <Allocations />
              </Only>
            }
          />
          <Route
            path="transplant"
            element={
              <Only path="/transplant">
                <TransplantCentre />
              </Only>
            }
          />
          <Route
            path="follow-up"
            element={
              <Only path="/follow-up">
                <FollowUp />
              </Only>
            }
          />
          <Route
            path="assessments"
            element={
              <Only path="/assessments">
                <AssessorWorklist />
              </Only>
            }
          />
          <Route path="visits/:visitId" element={<VisitPage />} />
          <Route path="notifications" element={<Notifications />} />
          <Route
            path="statistics"
            element={
              <Only path="/statistics">
                <Statistics />
              </Only>
            }
          />
          <Route
            path="reports"
            element={
              <Only path="/reports">
                <Reports />
              </Only>
            }
          />
          <Route
            path="admin/users"
            element={
              <Only path="/admin/users">
                <AdminUsers />
              </Only>
            }
          />
          <Route
            path="admin/sites"
            element={
              <Only path="/admin/sites">
                <AdminSites />
              </Only>
            }
          />
          <Route
            path="admin/audit"
            element={
              <Only path="/admin/audit">
                <AdminAudit />
              </Only>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('app.notFoundTitle')}</h1>
      <p>
        {t('app.notFoundText')} <a href="/app/">{t('app.notFoundLink')}</a>.
      </p>
    </>
  );
}
