import { TEST_PASSWORD, type TestUser } from '../harness/factory';
import { screenshot, startBrowserApp, visibleText, type BrowserApp } from './harness';

/**
 * A user with two roles acts in one at a time: chosen after signing in, switched in the menu. Each
 * role sees its own menu and data only, and the token the page holds acts in that role alone.
 */
describe('a two-role user switching role in the browser', () => {
  let app: BrowserApp;
  let user: TestUser;

  beforeAll(async () => {
    app = await startBrowserApp({ now: '2026-03-01T10:00:00Z' });
    user = await app.t.factory.user(['statistician', 'monitor'], { trialWide: true });
  });
  afterAll(() => app.close());

  const menu = async (p: Awaited<ReturnType<BrowserApp['page']>>) =>
    (await p.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).map((s) =>
      s.trim(),
    );
  // The page keeps its token in memory only: the test reads it off the requests the page sends.
  const sent = new WeakMap<object, string>();
  const watchTokens = (p: Awaited<ReturnType<BrowserApp['page']>>) =>
    p.on('request', (r) => {
      const header = r.headers().authorization;
      if (header?.startsWith('Bearer ')) {
        sent.set(p, header.slice(7));
      }
    });
  const actingToken = async (p: Awaited<ReturnType<BrowserApp['page']>>) => {
    const token = sent.get(p) ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      role: string;
    };
    return { token, actingRole: claims.role };
  };

  it('chooses a role after signing in, then switches, each with its own menu, pages and token', async () => {
    const p = await app.page();
    watchTokens(p);
    await p.goto(`${app.baseUrl}/app/signin`);
    await p.getByLabel('E-mail address').fill(user.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Choose your role' }).waitFor();
    await screenshot(p, 'choose-role', false);
    await p.getByRole('button', { name: 'Act as Monitor' }).click();

    // As monitor: the audit trail, follow-up and transplant pages; not the statistician's.
    await p.getByLabel('Acting as').waitFor();
    expect(await menu(p)).toEqual(
      expect.arrayContaining(['Audit trail', 'Follow-up', 'Transplant centre']),
    );
    expect(await menu(p)).not.toContain('Randomisation');
    expect(await p.getByLabel('Acting as').inputValue()).toBe('monitor');
    let session = await actingToken(p);
    expect(session.actingRole).toBe('monitor');
    await app.t.http().get('/audit').set('Authorization', `Bearer ${session.token}`).expect(200);
    await app.t
      .http()
      .get('/randomization/config/production')
      .set('Authorization', `Bearer ${session.token}`)
      .expect(403);
    await p.getByRole('link', { name: 'Audit trail' }).click();
    await p.getByRole('heading', { name: 'Audit trail' }).waitFor();
    // The statistician's page is not reachable while acting as monitor.
    await p.goto(`${app.baseUrl}/app/statistics`);
    await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    expect(p.url()).not.toContain('/statistics');

    // Switch to statistician in the menu.
    await p.getByLabel('Acting as').selectOption('statistician');
    await p.getByRole('link', { name: 'Randomisation' }).waitFor();
    expect(await menu(p)).not.toContain('Audit trail');
    expect(await menu(p)).not.toContain('Follow-up');
    await p.getByRole('link', { name: 'Randomisation' }).click();
    await p.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await visibleText(p)).toContain('Statistician');
    await screenshot(p, 'acting-role-switched', false);
    session = await actingToken(p);
    expect(session.actingRole).toBe('statistician');
    await app.t.http().get('/audit').set('Authorization', `Bearer ${session.token}`).expect(403);
    // Reached as statistician (not configured yet, so a 409 rather than a 403).
    expect(
      (
        await app.t
          .http()
          .get('/randomization/config/production')
          .set('Authorization', `Bearer ${session.token}`)
      ).status,
    ).not.toBe(403);
    await p.goto(`${app.baseUrl}/app/admin/audit`);
    await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    expect(p.url()).not.toContain('/admin/audit');
  });
});
