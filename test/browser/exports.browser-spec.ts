import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportRunner } from 'src/modules/exports/export-runner.service';
import type { TestUser } from '../harness/factory';
import { screenshot, startBrowserApp, type BrowserApp } from './harness';

/**
 * Issue 17: the Exports page starts an export, shows its progress bar while it waits and runs,
 * then its files with their SHA-256, and downloads a file. The app runs without its worker here,
 * so the export stays queued until the test runs it (as the worker would): the progress bar is
 * seen for certain, not by the luck of timing.
 */
describe('the exports page in the browser', () => {
  let app: BrowserApp;
  let statistician: TestUser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ram-ms-exports-browser-'));
    app = await startBrowserApp({
      now: '2026-03-02T10:00:00Z',
      worker: false,
      env: { EXPORT_DIR: dir },
    });
    statistician = await app.t.factory.user('statistician', { trialWide: true });
    for (let i = 0; i < 3; i++) {
      const p = await app.t.factory.participant('NL-AMS');
      await app.t.factory.allocation(p.id, i % 2 === 0 ? 'A' : 'B', '2026-02-01T10:00:00Z');
    }
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts an export, shows its progress, lists its files with hashes and downloads one', async () => {
    const p = await app.signedIn(statistician);
    await p.getByRole('link', { name: 'Exports' }).click();
    await p.getByRole('heading', { level: 1, name: 'Exports' }).waitFor();
    await p.getByRole('radio', { name: /CSV/ }).check();
    await p.getByLabel('Dates as days since randomisation').check();
    await p.getByRole('button', { name: 'Start export' }).click();
    const bar = p.getByRole('progressbar', { name: 'Export progress' });
    await bar.waitFor();
    expect(await bar.getAttribute('value')).toBe('0');
    await screenshot(p, 'exports-running', false);

    const [{ id }]: { id: string }[] = await app.t.dataSource.query(
      `SELECT id FROM exports ORDER BY seq DESC LIMIT 1`,
    );
    await app.t.app.get(ExportRunner).run(id);
    const link = p.getByRole('button', { name: 'participants.csv' });
    await link.waitFor();
    expect(await bar.count()).toBe(0);
    const [{ files }]: { files: { name: string; sha256: string }[] }[] =
      await app.t.dataSource.query(`SELECT files FROM exports WHERE id = $1`, [id]);
    const participants = files.find((f) => f.name === 'participants.csv')!;
    await p.getByText(participants.sha256).waitFor();

    const [download] = await Promise.all([p.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('participants.csv');
    const saved = join(dir, 'downloaded.csv');
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(participants.sha256);
    expect(bytes.toString('utf8').split('\n').filter(Boolean)).toHaveLength(1 + 3);
    await screenshot(p, 'exports');
    await p.setViewportSize({ width: 768, height: 1024 });
    await screenshot(p, 'exports-768');
    // Nothing overflows the page sideways at 768 px.
    const overflow = await p.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
