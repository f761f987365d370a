import { startBrowserApp, type BrowserApp } from './harness';
import { startTestProvider, type TestProvider } from '../harness/oidc';
import { freePort } from '../harness/processes';
import type { TestUser } from '../harness/factory';

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
    await p.locator('button[type="submit"]').click();
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
    // Back in the app, the code gone from the address bar, the session the investigator's.
    expect(p.url()).not.toContain('code=');
    const stored = await p.evaluate<string | null>('sessionStorage.getItem("ram-ms.session")');
    expect(JSON.parse(stored ?? '{}').user.id).toBe(investigator.id);
  });
});
