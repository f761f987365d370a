import type { TestUser } from '../harness/factory';
import { screenshot, startBrowserApp, type BrowserApp } from './harness';

/**
 * Issue 18: the "Data cuts & lock" page. The statistician declares a data cut, a monitor confirms
 * it; the statistician asks to lock the trial and an admin approves: the page shows the lock.
 */
describe('the data cuts and lock page in the browser', () => {
  let app: BrowserApp;
  let statistician: TestUser;
  let monitor: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    app = await startBrowserApp({ now: '2026-07-10T10:00:00Z', worker: false });
    statistician = await app.t.factory.user('statistician', { trialWide: true });
    monitor = await app.t.factory.user('monitor', { trialWide: true });
    admin = await app.t.factory.user('admin', { trialWide: true });
  });
  afterAll(() => app.close());

  it('declares and confirms a cut, and locks the trial with two people', async () => {
    const s = await app.signedIn(statistician);
    await s.getByRole('link', { name: 'Data cuts & lock' }).click();
    await s.getByRole('heading', { level: 1, name: 'Data cuts & lock' }).waitFor();
    await s.getByLabel('Name').fill('Week 96 primary analysis');
    await s.getByLabel('Cut-off date').fill('2026-07-09');
    await s.getByRole('button', { name: 'Declare data cut' }).click();
    await s.getByRole('cell', { name: 'Week 96 primary analysis' }).waitFor();
    await s.getByText('declared', { exact: true }).waitFor();

    const m = await app.signedIn(monitor);
    await m.getByRole('link', { name: 'Data cuts & lock' }).click();
    await m.getByRole('button', { name: 'Confirm (data is clean)' }).click();
    await m.getByText('confirmed', { exact: true }).waitFor();
    const [cut]: { status: string }[] = await app.t.dataSource.query(
      `SELECT status FROM data_cuts`,
    );
    expect(cut.status).toBe('confirmed');

    await s.reload();
    await s.getByText('The trial is not locked.').waitFor();
    await s.getByLabel('Reason').fill('final analysis');
    await s.getByRole('button', { name: 'Ask to lock' }).click();
    await s.getByRole('cell', { name: 'final analysis' }).waitFor();

    const a = await app.signedIn(admin);
    await a.getByRole('link', { name: 'Data cuts & lock' }).click();
    await a.getByRole('button', { name: 'Approve' }).click();
    await a.getByText(/The trial is locked since/).waitFor();
    await screenshot(a, 'data-locks');
  });
});
