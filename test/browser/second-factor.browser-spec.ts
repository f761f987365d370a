import { authenticator } from 'otplib';
import type { FixedClock } from 'src/common/clock/clock';
import { bearer, TEST_PASSWORD, type TestUser } from '../harness/factory';
import { screenshot, startBrowserApp, type BrowserApp } from './harness';

/** The second factor in the pages: forced set-up for a required role, and the sign-in's second step. */
describe('second factor in the browser', () => {
  let app: BrowserApp;
  let clock: FixedClock;
  let monitor: TestUser;

  beforeAll(async () => {
    app = await startBrowserApp({ now: '2026-03-01T10:00:05Z', worker: false });
    clock = app.t.clock as FixedClock;
    const admin = await app.t.factory.user('admin', { trialWide: true });
    await app.t
      .http()
      .put('/auth/second-factor/policy')
      .set(bearer(admin))
      .send({ roles: ['monitor'] })
      .expect(200);
    monitor = await app.t.factory.user('monitor', { trialWide: true });
  });
  afterAll(() => app.close());

  const codeNow = (secret: string) =>
    authenticator.clone({ epoch: clock.now().getTime() }).generate(secret);

  it('[REQ-AUTH-003] sends a user of a required role to set it up, then asks for the code at every sign-in', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/signin`);
    await p.getByLabel('E-mail address').fill(monitor.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();

    // The role requires a second factor: nothing else until it is set up.
    await p.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    await p.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await p.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await p.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(p, 'second-factor-setup');
    await p.getByLabel('Code from the app').fill(codeNow(secret));
    await p.getByRole('button', { name: 'Confirm set-up' }).click();
    const codes = p.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const recovery = await codes.nth(2).innerText();
    await p.getByRole('button', { name: 'I have saved my codes' }).click();
    await p.getByRole('heading', { name: 'Reports' }).waitFor();

    // Signing in again: the second step; a wrong code is refused, the next code works.
    await p.getByRole('button', { name: 'Sign out', exact: true }).click();
    await p.getByLabel('E-mail address').fill(monitor.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Enter your sign-in code' }).waitFor();
    await screenshot(p, 'sign-in-second-step');
    clock.advance(30_000);
    const right = codeNow(secret);
    await p.getByLabel('Code from the app').fill(right === '000000' ? '111111' : '000000');
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('alert').getByText('That code is not right').waitFor();
    await p.getByLabel('Code from the app').fill(right);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('heading', { name: 'Reports' }).waitFor();

    // A recovery code in place of the phone, once.
    await p.getByRole('button', { name: 'Sign out', exact: true }).click();
    await p.getByLabel('E-mail address').fill(monitor.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'I do not have my phone: use a recovery code' }).click();
    await p.getByLabel('Recovery code').fill(recovery);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('heading', { name: 'Reports' }).waitFor();

    // The Security page shows what is left and that the role keeps it.
    await p.getByRole('link', { name: 'Security' }).click();
    await p.getByText('9 recovery codes left.').waitFor();
    await p.getByText('It cannot be removed: your roles require it (Monitor).').waitFor();
  });
});
