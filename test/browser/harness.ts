import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { createTestApp, type TestApp, type TestAppOptions } from '../harness/app';
import { TEST_PASSWORD, type TestUser } from '../harness/factory';

jest.setTimeout(180_000);

/** Debian's Chromium (apt-get install chromium); no browser download is possible here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where screenshots go: docs/screenshots (linked from the README), or SCREENSHOT_DIR (e.g. CI artefacts). */
export const SCREENSHOTS =
  process.env.SCREENSHOT_DIR ?? path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type BrowserApp = {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /**
   * A page in a new browser context: another person's browser, with its own cookies, so its own
   * signed-in user (the session's refresh cookie serves every tab of one browser).
   */
  page: () => Promise<Page>;
  /** Another tab of the same browser as `page` (shares its cookies, hence its session). */
  tab: (page: Page) => Promise<Page>;
  /** A page in a new browser context, signed in as `user` through the sign-in page. */
  signedIn: (user: TestUser) => Promise<Page>;
  close: () => Promise<void>;
};

/**
 * The whole system under test: the app of the test harness (its own database, a FixedClock at
 * `now`, the worker's processors) listening on a free port and serving the built web
 * application, and Chromium: each person in a fresh browser context (own cookies) whose clock
 * shows the same `now`.
 */
export async function startBrowserApp(
  options: TestAppOptions & { now: string; fakeTimers?: boolean; port?: number },
): Promise<BrowserApp> {
  const t = await createTestApp(options);
  await t.app.listen(options.port ?? 0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  } catch (error) {
    await t.close();
    throw new Error(
      `Chromium did not start from ${CHROMIUM} (apt-get install -y chromium; CHROMIUM_PATH to point elsewhere): ${(error as Error).message}`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });

  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (e) => errors.push(e.message));
    return p;
  };
  const page = async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      timezoneId: 'Europe/Amsterdam',
    });
    contexts.push(context);
    // The pages compute "waiting for N days" and today's date from the browser clock: the same
    // instant as the server's FixedClock.
    // With fakeTimers the clock starts there and runs on, and a test can fast-forward timers.
    if (options.fakeTimers) {
      await context.clock.install({ time: new Date(options.now) });
    } else {
      await context.clock.setFixedTime(new Date(options.now));
    }
    context.setDefaultTimeout(15_000);
    return watch(await context.newPage());
  };
  const tab = async (p: Page) => watch(await p.context().newPage());
  const signedIn = async (user: TestUser) => {
    const p = await page();
    await p.goto(`${baseUrl}/app/signin`);
    await p.getByLabel('E-mail address').fill(user.email);
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    return p;
  };
  return {
    t,
    baseUrl,
    browser,
    page,
    tab,
    signedIn,
    close: async () => {
      for (const c of contexts) {
        await c.close().catch(() => undefined);
      }
      await browser.close().catch(() => undefined);
      await t.close();
      if (errors.length > 0) {
        throw new Error(`uncaught errors in the pages: ${errors.join('; ')}`);
      }
    },
  };
}

/** Saves a screenshot of the page for the README (docs/screenshots/<name>.png). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage,
    animations: 'disabled',
  });
}

/** The visible text of the page (what a person would read). */
export async function visibleText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** A screenshot of the viewport with `target` scrolled to the top. */
export async function screenshotAt(page: Page, target: Locator, name: string): Promise<void> {
  await target.evaluate((el) =>
    (el as unknown as { scrollIntoView: (o: object) => void }).scrollIntoView({ block: 'start' }),
  );
  await screenshot(page, name, false);
}

/** Words that would tell a blinded assessor the arm, a transplant, or arm-A-only material. */
export const ARM_REVEALING =
  /\barm\b|\barms\b|aHSCT|HSCT|transplant|stem.?cell|alemtuzumab|ocrelizumab|cladribine|ofatumumab|best available|high-efficacy|\bDMT\b|allocat|mobilis|conditioning|reinfusion|aplasia|harvest|urine|day \+\d/i;

/** Fails when the page shows the blinded assessor anything that reveals the arm (`where`: which page). */
export async function assertBlind(page: Page, where: string): Promise<void> {
  const text = await visibleText(page);
  const leak = ARM_REVEALING.exec(text);
  if (leak) {
    throw new Error(
      `${where} shows “${leak[0]}” to the blinded assessor: …${text.slice(Math.max(0, leak.index - 80), leak.index + 80)}…`,
    );
  }
}

/** The accessible description of a control: the texts of the elements its aria-describedby names. */
export async function description(control: Locator): Promise<string> {
  const ids = (await control.getAttribute('aria-describedby')) ?? '';
  const texts: string[] = [];
  for (const id of ids.split(/\s+/).filter(Boolean)) {
    texts.push(await control.page().locator(`[id="${id}"]`).innerText());
  }
  return texts.join(' ');
}
