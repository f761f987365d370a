import { useTranslation } from 'react-i18next';
import { useEffect, type ReactElement } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { Role } from './api/client';
import { RequireSession, SECOND_FACTOR_SETUP_PATH, useSession } from './auth/session';
import { Layout, NAV } from './components/Layout';
import { AdminAudit } from './pages/admin/Audit';
import { AdminSites } from './pages/admin/Sites';
import { ChangePassword } from './pages/account/ChangePassword';
import { AdminUsers } from './pages/admin/Users';
import { Allocations } from './pages/Allocations';
import { FollowUp } from './pages/FollowUp';
import { ForgotPassword } from './pages/ForgotPassword';
import { Notifications } from './pages/Notifications';
import { CalendarFeeds } from './pages/CalendarFeeds';
import { Codebook } from './pages/Codebook';
import { Exports } from './pages/Exports';
import { SdvProgress } from './pages/SdvProgress';
import { DataLocks } from './pages/DataLocks';
import { ParticipantPage } from './pages/participant/ParticipantPage';
import { Prescreening } from './pages/public/Prescreening';
import { Reports } from './pages/Reports';
import { ResetPassword } from './pages/ResetPassword';
import { SecondFactorSetup, Security } from './pages/Security';
import { SignIn } from './pages/SignIn';
import { SsoCallback } from './pages/SsoCallback';
import { Statistics } from './pages/Statistics';
import { TransplantCentre } from './pages/TransplantCentre';
import { VisitPage } from './pages/Visit';
import { Worklist } from './pages/Worklist';
import { AssessorWorklist } from './pages/AssessorWorklist';
import { QueriesPage } from './pages/Queries';

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
        <Route path="/forgot-password" element={<ForgotPassword />} />
        <Route path="/reset-password" element={<ResetPassword />} />
        <Route
          path={SECOND_FACTOR_SETUP_PATH}
          element={
            <RequireSession enrolment>
              <SecondFactorSetup />
            </RequireSession>
          }
        />
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
          <Route path="account/password" element={<ChangePassword />} />
          <Route
            path="statistics"
            element={
              <Only path="/statistics">
                <Statistics />
              </Only>
            }
          />
          <Route
            path="queries"
            element={
              <Only path="/queries">
                <QueriesPage />
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
            path="codebook"
            element={
              <Only path="/codebook">
                <Codebook />
              </Only>
            }
          />
          <Route
            path="exports"
            element={
              <Only path="/exports">
                <Exports />
              </Only>
            }
          />
          <Route
            path="sdv-progress"
            element={
              <Only path="/sdv-progress">
                <SdvProgress />
              </Only>
            }
          />
          <Route
            path="data-locks"
            element={
              <Only path="/data-locks">
                <DataLocks />
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
          <Route
            path="calendar-feeds"
            element={
              <Only path="/calendar-feeds">
                <CalendarFeeds />
              </Only>
            }
          />
          <Route path="security" element={<Security />} />
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
