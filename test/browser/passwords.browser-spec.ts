import { screenshot, startBrowserApp, type BrowserApp } from './harness';
import type { TestUser } from '../harness/factory';

/** Passwords in the browser: an admin's reset, the forced change after it, and the forgotten-password pages. */
describe('passwords in the browser', () => {
  let app: BrowserApp;
  let admin: TestUser;
  let coordinator: TestUser;

  beforeAll(async () => {
    app = await startBrowserApp({
      now: '2026-03-01T10:00:00Z',
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    admin = await app.t.factory.user('admin', { trialWide: true });
    coordinator = await app.t.factory.user('coordinator', {
      sites: ['NL-AMS'],
      email: 'coordinator.reset@hospital.test',
    });
  });
  afterAll(() => app.close());

  it('an admin resets a password; the user must choose a new one before anything else', async () => {
    const a = await app.signedIn(admin);
    await a.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await a.getByRole('button', { name: `Change Test coordinator` }).first().click();
    await a.getByLabel('Reason (audited)').fill('Locked out, confirmed by phone');
    await a.getByRole('button', { name: 'Reset the password of Test coordinator' }).click();
    const shown = a.getByTestId('temporary-password');
    await shown.waitFor();
    const temporary = (await shown.innerText()).trim();
    expect(temporary).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await a.getByText('It is shown only now').waitFor();
    await a.getByRole('button', { name: 'Copy' }).waitFor();

    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/allocations`);
    await p.getByLabel('E-mail address').fill(coordinator.email);
    await p.getByLabel('Password', { exact: true }).fill(temporary);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Change your password' }).waitFor();
    await p.getByText('You signed in with a temporary password').waitFor();
    expect(p.url()).toBe(`${app.baseUrl}/app/account/password`);
    // Nothing else is open: no navigation, and a deep link comes back here.
    expect(await p.getByRole('link', { name: 'Worklist' }).count()).toBe(0);
    await screenshot(p, 'password-change-forced');

    await p.getByLabel('Temporary password').fill(temporary);
    await p.getByLabel('New password', { exact: true }).fill('short');
    await p.getByLabel('Repeat the new password').fill('short');
    await p.getByRole('button', { name: 'Change password' }).click();
    await p.getByText('Use at least 12 characters').waitFor();
    await p.getByLabel('New password', { exact: true }).fill(temporary);
    await p.getByLabel('Repeat the new password').fill(temporary);
    await p.getByRole('button', { name: 'Change password' }).click();
    await p
      .getByText('newPassword is a recent password')
      .or(p.getByText('Is a recent password'))
      .first()
      .waitFor();

    await p.getByLabel('New password', { exact: true }).fill('my own coordinator passphrase');
    await p.getByLabel('Repeat the new password').fill('my own coordinator passphrase');
    await p.getByRole('button', { name: 'Change password' }).click();
    await p.getByRole('heading', { name: 'Allocations' }).waitFor();
    await p.getByRole('link', { name: 'Worklist' }).waitFor();
  });

  it('links "Forgot your password?" from the sign-in page and never says whether the account exists', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/signin`);
    await p.getByRole('link', { name: 'Forgot your password?' }).click();
    await p.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await p.getByLabel('E-mail address').fill('nobody@hospital.test');
    await p.getByRole('button', { name: 'Send me a link' }).click();
    await p.getByText('Check your e-mail.').waitFor();
    await screenshot(p, 'password-forgot-sent');

    await p.goto(`${app.baseUrl}/app/reset-password#token=${'A'.repeat(43)}`);
    await p.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(new URL(p.url()).hash).toBe(''); // the token leaves the address bar at once
    await p.getByLabel('New password', { exact: true }).fill('some new passphrase here');
    await p.getByLabel('Repeat the new password').fill('some new passphrase here');
    await p.getByRole('button', { name: 'Set new password' }).click();
    await p.getByText('This link cannot be used').waitFor();
    await p.getByRole('link', { name: 'Ask for a new link' }).waitFor();
  });
});
