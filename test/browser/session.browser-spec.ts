import type { Page } from 'playwright-core';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, TEST_PASSWORD, type TestUser } from '../harness/factory';
import { screenshot, startBrowserApp, type BrowserApp } from './harness';

const NOW = '2026-03-01T10:00:00Z';

/**
 * Sign-in messages, sign-out (in every tab), one sign-in for every tab, silent renewal of the
 * access token, the warning before the idle limit with "Stay signed in", and a half-filled form
 * that survives the renewal, the end of the session, a new sign-in and a reload: its draft is
 * kept on the server, nothing in the browser's storage.
 */
describe('signing in and out, sessions and drafts in the browser', () => {
  let app: BrowserApp;
  let coordinator: TestUser;

  beforeAll(async () => {
    // Access tokens live 60 seconds (the shortest allowed), sessions end after 3 idle minutes;
    // the page's clock is fast-forwarded past both (the server's FixedClock stands still).
    app = await startBrowserApp({
      now: NOW,
      env: { JWT_TTL_SECONDS: '60', SESSION_IDLE_MINUTES: '3' },
      fakeTimers: true,
    });
    coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
  });
  afterAll(() => app.close());

  const signInOn = async (p: Page, user: TestUser) => {
    await p.getByLabel('E-mail address').fill(user.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
  };
  const storageIsEmpty = (p: Page) =>
    p.evaluate<boolean>(
      'localStorage.length === 0 && sessionStorage.length === 0 && !document.cookie.includes("ram-ms")',
    );

  it('says clearly when the e-mail address or password is wrong, and when a field is empty', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/`);
    await p.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByText('Enter your e-mail address').waitFor();
    await p.getByText('Enter your password').waitFor();
    await p.getByLabel('E-mail address').fill(coordinator.email);
    await p.getByLabel('Password').fill('wrong password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').getByText('The e-mail address or password is not right').waitFor();
  });

  it('returns to the page asked for; one sign-in serves every tab, and signing out in one signs out all', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/allocations`);
    await p.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();
    await signInOn(p, coordinator);
    await p.getByRole('heading', { name: 'Allocations' }).waitFor();
    expect(p.url()).toBe(`${app.baseUrl}/app/allocations`);
    // The token stays in memory; the refresh token is in an httpOnly cookie no script reads.
    expect(await storageIsEmpty(p)).toBe(true);

    // Another tab of the same browser is signed in already.
    const second = await app.tab(p);
    await second.goto(`${app.baseUrl}/app/worklist`);
    await second.getByRole('heading', { name: 'Candidate worklist' }).waitFor();
    // Another browser (another person) is not.
    const other = await app.page();
    await other.goto(`${app.baseUrl}/app/worklist`);
    await other.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();

    await p.getByRole('button', { name: 'Sign out', exact: true }).click();
    await p.getByText('You are signed out.').waitFor();
    await second.getByText('You are signed out.').waitFor();
    await second.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();
    const live: unknown[] = await app.t.dataSource.query(
      `SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`,
      [coordinator.id],
    );
    expect(live).toHaveLength(0);
    // A reload stays signed out (the cookie's session has ended).
    await second.reload();
    await second.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();
  });

  it('[REQ-AUTH-002] keeps a half-filled visit form across a silent renewal, a refused token, the idle warning, the end of the session, a new sign-in and a reload', async () => {
    const staff = await app.t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const participant = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(participant.id, 'B', '2026-01-05T10:00:00Z');
    await app.t.app.get(FollowUpService).generateSchedule(participant.id);
    const [visit]: { id: string; version: number }[] = await app.t.dataSource.query(
      `SELECT id, version FROM visits WHERE participant_id = $1 ORDER BY target_date LIMIT 1`,
      [participant.id],
    );
    const draftKey = `visit-log:${visit.id}:${visit.version}`;
    const serverDraft = async () => {
      const res = await app.t.http().get(`/drafts/${draftKey}`).set(bearer(staff));
      return res.status === 200 ? (res.body.data as Record<string, unknown>) : null;
    };
    const refreshes = async () => {
      const rows: { n: number }[] = await app.t.dataSource.query(
        `SELECT count(*)::int AS n FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
         WHERE s.user_id = $1 AND t.used_at IS NOT NULL`,
        [staff.id],
      );
      return rows[0].n;
    };

    const p = await app.signedIn(staff);
    await p.goto(`${app.baseUrl}/app/visits/${visit.id}`);
    const form = p.getByRole('form', { name: 'Log this visit' });
    await form.getByLabel('Date the visit took place').fill('2026-02-20');
    await form.getByLabel('Notes (no personal data)').fill('EDSS still to do');
    await form.getByText(/^Draft saved/).waitFor();
    expect(await serverDraft()).toMatchObject({
      visitDate: '2026-02-20',
      notes: 'EDSS still to do',
    });
    expect(await storageIsEmpty(p)).toBe(true);

    // The token nears its end while the user is active: the page renews it silently.
    const before = await refreshes();
    const renewed = p.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.ok());
    await p.clock.fastForward('00:50');
    await renewed;
    expect(await refreshes()).toBe(before + 1);
    expect(await form.getByLabel('Notes (no personal data)').inputValue()).toBe('EDSS still to do');

    // The server refuses the token (here: the next draft save carries a broken one): the page
    // renews the session once and sends the request again.
    let broken = false;
    await p.route('**/drafts/**', async (route) => {
      if (!broken && route.request().method() === 'PUT') {
        broken = true;
        await route.continue({
          headers: { ...route.request().headers(), authorization: 'Bearer not-a-token' },
        });
        return;
      }
      await route.continue();
    });
    const retried = p.waitForResponse(
      (r) => r.url().includes('/drafts/') && r.request().method() === 'PUT' && r.ok(),
    );
    await form.getByLabel('Notes (no personal data)').fill('EDSS still to do; MRI booked');
    await retried;
    expect(broken).toBe(true);
    expect(await refreshes()).toBe(before + 2);
    expect((await serverDraft())?.notes).toBe('EDSS still to do; MRI booked');

    // Nothing happens for a while: a warning offers to stay signed in.
    await p.clock.fastForward('01:31');
    const warning = p.getByRole('dialog', { name: 'Are you still there?' });
    await warning.getByText(/You will be signed out in (2 minutes|1 minute)/).waitFor();
    await screenshot(p, 'session-warning', false);
    const stayed = p.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.ok());
    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    await stayed;
    await warning.waitFor({ state: 'hidden' });
    expect(await refreshes()).toBe(before + 3);
    expect(await form.getByLabel('Date the visit took place').inputValue()).toBe('2026-02-20');

    // Nothing again: the session ends at the idle limit; the sign-in page says so.
    await p.clock.fastForward('03:05');
    await p.getByText('Your session expired. Sign in again to continue').waitFor();
    const live: unknown[] = await app.t.dataSource.query(
      `SELECT 1 FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`,
      [staff.id],
    );
    expect(live).toHaveLength(0);

    // Signing in again returns to the visit, with the draft restored from the server.
    await signInOn(p, staff);
    const again = p.getByRole('form', { name: 'Log this visit' });
    await again.getByText(/^Draft restored from/).waitFor();
    expect(await again.getByLabel('Notes (no personal data)').inputValue()).toBe(
      'EDSS still to do; MRI booked',
    );
    expect(await again.getByLabel('Date the visit took place').inputValue()).toBe('2026-02-20');
    await screenshot(p, 'draft-restored', false);

    // A reload: the session comes back from the cookie, the draft from the server.
    await p.reload();
    const reloaded = p.getByRole('form', { name: 'Log this visit' });
    await reloaded.getByText(/^Draft restored from/).waitFor();
    expect(await reloaded.getByLabel('Notes (no personal data)').inputValue()).toBe(
      'EDSS still to do; MRI booked',
    );
    expect(await storageIsEmpty(p)).toBe(true);

    // Discard: the form is as it was, the draft gone from the server.
    const deleted = p.waitForResponse(
      (r) => r.url().includes('/drafts/') && r.request().method() === 'DELETE' && r.ok(),
    );
    await reloaded.getByRole('button', { name: 'Discard the draft' }).click();
    await reloaded.getByText(/^Draft restored from/).waitFor({ state: 'hidden' });
    expect(await reloaded.getByLabel('Notes (no personal data)').inputValue()).toBe('');
    await deleted;
    expect(await serverDraft()).toBeNull();
  });
});
