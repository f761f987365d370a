import type { Page } from 'playwright-core';
import { screenshot, startBrowserApp, type BrowserApp } from './harness';
import type { TestUser } from '../harness/factory';

/**
 * Every page at tablet width (768 px): nothing runs off the side of the screen, so no control
 * needs sideways scrolling. The pages a role opens from its menu, the account pages (security,
 * password) and the public ones, each with its own role's session.
 */
describe('pages at tablet width (768 px)', () => {
  let app: BrowserApp;
  const users: Record<string, TestUser> = {};

  beforeAll(async () => {
    app = await startBrowserApp({ now: '2026-03-01T10:00:00Z' });
    users.coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
    users.statistician = await app.t.factory.user('statistician', { trialWide: true });
    users.monitor = await app.t.factory.user('monitor', { trialWide: true });
    users.admin = await app.t.factory.user('admin', { trialWide: true });
  });
  afterAll(() => app.close());

  /**
   * How far the page reaches beyond the viewport, and the first elements that do: anything outside
   * a scrolling region (a wide data table may scroll inside its own region), and any control
   * (button, link, field) that lies outside the visible part of its scrolling region.
   */
  const overflow = (p: Page) =>
    p.evaluate(`(() => {
      const width = document.documentElement.clientWidth;
      const scroller = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return a;
        }
        return null;
      };
      const name = (el) => el.tagName.toLowerCase() + (el.textContent ? ' "' + el.textContent.trim().slice(0, 30) + '"' : '');
      const beyond = [...document.querySelectorAll('body *')]
        .filter((el) => el.getClientRects().length > 0)
        .filter((el) => {
          const right = el.getBoundingClientRect().right;
          const region = scroller(el);
          if (!region) return right > width + 1;
          const control = el.matches('a, button, input, select, textarea');
          return control && right > region.getBoundingClientRect().right + 1;
        })
        .slice(0, 3)
        .map(name);
      return { by: document.documentElement.scrollWidth - width, beyond };
    })()`) as Promise<{ by: number; beyond: string[] }>;

  const check = async (p: Page, path: string, name: string) => {
    await p.setViewportSize({ width: 768, height: 1024 });
    await p.goto(`${app.baseUrl}${path}`);
    await p.getByRole('heading', { level: 1 }).first().waitFor();
    await p.waitForLoadState('networkidle');
    await screenshot(p, `tablet-${name}`);
    expect({ path, ...(await overflow(p)) }).toEqual({ path, by: 0, beyond: [] });
  };

  it.each([
    ['/app/signin', 'signin'],
    ['/app/forgot-password', 'forgot-password'],
    ['/app/prescreening', 'prescreening'],
  ])('public page %s', async (path, name) => {
    await check(await app.page(), path, name);
  });

  it.each([
    ['coordinator', '/app/security', 'security'],
    ['coordinator', '/app/account/password', 'password-change'],
    ['coordinator', '/app/notifications', 'notifications'],
    ['coordinator', '/app/calendar-feeds', 'calendar-feeds'],
    ['statistician', '/app/statistics', 'statistics'],
    ['statistician', '/app/reports', 'reports'],
    ['statistician', '/app/codebook', 'codebook'],
    ['monitor', '/app/admin/audit', 'audit'],
    ['monitor', '/app/queries', 'queries'],
    ['monitor', '/app/sdv-progress', 'sdv-progress'],
    ['statistician', '/app/data-locks', 'data-locks'],
    ['admin', '/app/admin/users', 'users'],
    ['admin', '/app/admin/sites', 'sites'],
  ])('%s: %s', async (role, path, name) => {
    await check(await app.signedIn(users[role]), path, name);
  });

  it("the admin's user panels (role change, password reset, second-factor reset)", async () => {
    const p = await app.signedIn(users.admin);
    await p.setViewportSize({ width: 768, height: 1024 });
    await p.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await p.getByRole('button', { name: 'Change Test coordinator' }).first().click();
    await p.getByLabel('Reason (audited)').first().waitFor();
    expect(await overflow(p)).toEqual({ by: 0, beyond: [] });
    await screenshot(p, 'tablet-user-panels');
  });
});
