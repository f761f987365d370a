import { startBrowserApp, type BrowserApp } from './harness';
import { startTestProvider, type TestProvider } from '../harness/oidc';
import { freePort } from '../harness/processes';
import type { TestUser } from '../harness/factory';
import { assessedParticipant } from '../harness/pathway';

/** Single sign-on in Chromium: the sign-in page, the provider's login form, back signed in. */
describe('signing in with the hospital account in the browser', () => {
  let app: BrowserApp;
  let provider: TestProvider;
  let investigator: TestUser;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startTestProvider(
      [{ id: 'sub-browser', email: 'browser.sso@hospital.test', email_verified: true }],
      `http://127.0.0.1:${port}/app/sso/callback`,
    );
    app = await startBrowserApp({ now: '2026-03-01T10:00:00Z', port, env: provider.env });
    investigator = await app.t.factory.user('investigator', {
      sites: ['NL-AMS'],
      email: 'browser.sso@hospital.test',
      ssoOnly: true,
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('offers the hospital sign-in, goes through the provider and comes back signed in', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/signin`);
    await p.getByRole('button', { name: 'Sign in with your hospital account' }).click();
    // The provider's own (development) login form.
    await p.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await p.locator('input[name="login"]').fill('sub-browser');
    await p.locator('input[name="password"]').fill('anything');
    const answered = p.waitForResponse((r) => r.url().endsWith('/auth/sso/callback'));
    await p.locator('button[type="submit"]').click();
    await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    // Back in the app, the code gone from the address bar, the session the investigator's (held
    // in the page's memory only: nothing in the browser's storage).
    expect(p.url()).not.toContain('code=');
    const session = (await (await answered).json()) as { user: { id: string } };
    expect(session.user.id).toBe(investigator.id);
    expect(await p.evaluate('sessionStorage.getItem("ram-ms.session")')).toBeNull();
  });

  it('[REQ-ESIG-003] signs an eligibility decision after re-authenticating at the hospital (prompt=login)', async () => {
    const coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const { id } = await assessedParticipant(app.t, {
      coordinator,
      siteId: coordinator.siteIds[0],
    });
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/signin`);
    await p.getByRole('button', { name: 'Sign in with your hospital account' }).click();
    // A browser of its own (one context per person): the provider asks who it is.
    await p.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await p.locator('input[name="login"]').fill('sub-browser');
    await p.locator('input[name="password"]').fill('anything');
    await p.locator('button[type="submit"]').click();
    await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    await p.goto(`${app.baseUrl}/app/participants/${id}`);
    await p.getByRole('button', { name: 'Sign this assessment' }).click();
    const dialog = p.getByRole('dialog', { name: 'Sign the eligibility decision' });
    await dialog.getByRole('button', { name: 'Re-authenticate at your hospital' }).click();
    // prompt=login: the provider asks for the credentials again despite its open session.
    await p.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    await p.locator('input[name="login"]').fill('sub-browser');
    await p.locator('input[name="password"]').fill('anything');
    await p.locator('button[type="submit"]').click();
    await p.waitForURL(`${app.baseUrl}/app/participants/${id}`);
    await p.getByRole('button', { name: 'Sign this assessment' }).click();
    await dialog.getByText('You re-authenticated at your hospital').waitFor();
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await p.getByText('Eligible (signed)').first().waitFor();
    const [row] = await app.t.dataSource.query(
      `SELECT after FROM audit_log WHERE action = 'eligibility.signed' AND entity_id = $1`,
      [id],
    );
    expect(row.after).toMatchObject({
      signerId: investigator.id,
      signatureMethod: 'sso_reauthentication',
    });
  });
});
