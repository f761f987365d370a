import { startBrowserApp, type BrowserApp } from './harness';
import { TEST_PASSWORD, type TestUser } from '../harness/factory';

/** Sign-in messages, sign-out, deep links, and a session that ends when its token does. */
describe('signing in and out in the browser', () => {
  let app: BrowserApp;
  let coordinator: TestUser;

  beforeAll(async () => {
    // Tokens live 60 seconds (the shortest allowed); the page's clock is fast-forwarded past that.
    app = await startBrowserApp({
      now: '2026-03-01T10:00:00Z',
      env: { JWT_TTL_SECONDS: '60' },
      fakeTimers: true,
    });
    coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
  });
  afterAll(() => app.close());

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

  it('returns to the page asked for after signing in, signs out, and ends the session with the token', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/allocations`);
    await p.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();
    await p.getByLabel('E-mail address').fill(coordinator.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Allocations' }).waitFor();
    expect(p.url()).toBe(`${app.baseUrl}/app/allocations`);
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByText('You are signed out.').waitFor();
    expect(await p.evaluate<string | null>('sessionStorage.getItem("ram-ms.session")')).toBeNull();

    await p.getByLabel('E-mail address').fill(coordinator.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Allocations' }).waitFor();
    await p.clock.fastForward('00:45');
    await p
      .getByText('Your session ends in 1 minute')
      .or(p.getByText('Your session ends in less than a minute'))
      .first()
      .waitFor();
    await p.clock.fastForward('00:20');
    await p.getByText('Your session expired. Sign in again to continue.').waitFor();
    await p.getByRole('heading', { name: 'Sign in to RAM-MS' }).waitFor();
  });
});
