import type { TestUser } from '../harness/factory';
import { screenshot, startBrowserApp, type BrowserApp } from './harness';

/** Issue 17: the codebook page shows the data dictionary by dataset, full or blinded. */
describe('the codebook page in the browser', () => {
  let app: BrowserApp;
  let statistician: TestUser;

  beforeAll(async () => {
    app = await startBrowserApp({ now: '2026-03-02T10:00:00Z' });
    statistician = await app.t.factory.user('statistician', { trialWide: true });
  });
  afterAll(() => app.close());

  it('lists the variables by dataset with codes, and leaves the arm out when blinded', async () => {
    const p = await app.signedIn(statistician);
    await p.getByRole('link', { name: 'Data dictionary' }).click();
    await p.getByRole('heading', { level: 1, name: 'Data dictionary' }).waitFor();
    const participants = p.getByRole('region', { name: /participants: Participants/ });
    await participants.waitFor();
    const arm = participants.locator('tr[data-variable="arm"]');
    expect(await arm.innerText()).toMatch(/Allocated arm[\s\S]*1 = A: aHSCT[\s\S]*2 = B/);
    const edss = p.locator('section[data-dataset="visits"] tr[data-variable="edss"]');
    expect(await edss.innerText()).toMatch(/EDSS score\s+Decimal\s+EDSS points/);
    expect(await p.locator('section[data-dataset="tx_phases"]').count()).toBe(1);
    await screenshot(p, 'codebook', false);

    await p.getByLabel('Show the blinded dictionary (without arm-revealing variables)').check();
    await p.getByText(/^Blinded dictionary, version/).waitFor();
    expect(await p.locator('tr[data-variable="arm"]').count()).toBe(0);
    expect(await p.locator('tr[data-variable="armb_drug"]').count()).toBe(0);
    expect(await p.locator('section[data-dataset="tx_phases"]').count()).toBe(0);
    expect(await p.locator('tr[data-variable="edss"]').count()).toBe(1);
  });
});
