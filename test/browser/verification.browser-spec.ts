import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, TEST_PASSWORD, type TestUser } from '../harness/factory';
import { startBrowserApp, type BrowserApp } from './harness';

/**
 * Issue 18 in the browser: the monitor marks a visit log verified on the participant page; a
 * correction by the site clears the mark (shown with the change that cleared it) and the SDV
 * progress page counts it; the investigator signs the casebook at the end of follow-up and sees
 * the manifest, which a later correction shows as void.
 */
describe('source-data verification and casebook sign-off in the browser', () => {
  let app: BrowserApp;
  let monitor: TestUser;
  let staff: TestUser;
  let coordinator: TestUser;
  let investigator: TestUser;
  let participantId: string;
  let studyId: string;
  let visitId: string;

  beforeAll(async () => {
    app = await startBrowserApp({ now: '2026-07-10T10:00:00Z', worker: false });
    const t = app.t;
    monitor = await t.factory.user('monitor', { trialWide: true });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const p = await t.factory.participant('NL-AMS');
    participantId = p.id;
    studyId = p.studyId;
    await t.factory.allocation(p.id, 'B', '2026-03-28T23:30:00Z');
    await t.app.get(FollowUpService).generateSchedule(p.id);
    const rows: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
      [p.id],
    );
    visitId = rows[0].id;
    await t
      .http()
      .post(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-04-05', relapseAssessment: { newRelapse: false }, notes: 'first' })
      .expect(200);
  });
  afterAll(() => app.close());

  const correct = async (notes: string) => {
    const [{ version }]: { version: number }[] = await app.t.dataSource.query(
      `SELECT version FROM visits WHERE id = $1`,
      [visitId],
    );
    await app.t
      .http()
      .patch(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({ notes, reason: 'transcription error', expectedVersion: version })
      .expect(200);
  };

  it('[REQ-MON-003] the monitor marks a record verified; a correction clears it; progress counts it', async () => {
    const p = await app.signedIn(monitor);
    await p.goto(`${app.baseUrl}/app/participants/${participantId}`);
    const panel = p.locator('section', {
      has: p.getByRole('heading', { name: 'Source-data verification' }),
    });
    const row = panel.locator(`tr[data-record="visit_log:${visitId}"]`);
    await row.getByText('Not verified').waitFor();
    await panel.getByText('0 of 1 records verified (0%)').waitFor();
    await row.getByRole('button', { name: /^Mark verified/ }).click();
    await row.getByText('Verified', { exact: true }).waitFor();
    await panel.getByText('1 of 1 records verified (100%)').waitFor();
    // Withdrawn (marked by mistake), then marked again.
    await row.getByRole('button', { name: 'Withdraw the mark' }).click();
    const dialog = p.getByRole('dialog', { name: 'Withdraw the verification' });
    await dialog.getByLabel('Why is the mark withdrawn?').fill('marked by mistake');
    await dialog.getByRole('button', { name: 'Withdraw the mark' }).click();
    await row.getByText(/Mark withdrawn by .*: marked by mistake/).waitFor();
    await row.getByRole('button', { name: /^Mark verified/ }).click();
    await row.getByText('Verified', { exact: true }).waitFor();

    await correct('second');
    await p.reload();
    await row.getByText('Not verified').waitFor();
    await row.getByText(/Cleared by version 2 \(notes\)/).waitFor();

    await p.getByRole('link', { name: 'SDV progress' }).click();
    await p.getByRole('heading', { level: 1, name: 'SDV progress' }).waitFor();
    const line = p.getByRole('row', { name: new RegExp(studyId) });
    await line.waitFor();
    expect((await line.innerText()).replace(/\s+/g, ' ')).toContain('1 0 0%');
  });

  it('[REQ-MON-004] the investigator signs the casebook at the end of follow-up; a correction voids it', async () => {
    await app.t
      .http()
      .post(`/participants/${participantId}/outcome`)
      .set(bearer(coordinator))
      .send({ outcome: 'completed', reason: 'week 240 reached' })
      .expect(200);
    const p = await app.signedIn(investigator);
    await p.goto(`${app.baseUrl}/app/participants/${participantId}`);
    const panel = p.locator('section', {
      has: p.getByRole('heading', { name: 'Casebook sign-off' }),
    });
    await panel.getByRole('button', { name: 'Sign the casebook' }).click();
    const dialog = p.getByRole('dialog', { name: 'Sign the casebook' });
    await dialog.getByLabel('Your password, again').fill('not my password');
    await dialog.getByRole('button', { name: 'Sign with my password' }).click();
    await dialog.getByText('The password is not correct; nothing was signed.').waitFor();
    await dialog.getByLabel('Your password, again').fill(TEST_PASSWORD);
    await dialog.getByRole('button', { name: 'Sign with my password' }).click();
    await panel.getByText('Signed', { exact: true }).waitFor();
    const [{ display_name: name }]: { display_name: string }[] = await app.t.dataSource.query(
      `SELECT display_name FROM users WHERE id = $1`,
      [investigator.id],
    );
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await panel
      .getByText(
        new RegExp(
          `Signed by ${escaped} \\(investigator\\), 10 Jul 2026, 12:00 .*: “I approve this participant's casebook as complete and accurate”`,
        ),
      )
      .first()
      .waitFor();

    // The end of follow-up froze the participant's records: the monitor unfreezes the visit first.
    await app.t
      .http()
      .post('/data-cuts/unfreezes')
      .set(bearer(monitor))
      .send({ entity: 'visit_log', entityId: visitId, reason: 'source shows another note' })
      .expect(201);
    await correct('third');
    await p.reload();
    await panel.getByText(/Voided .* by a change of Visit log \(version 3, notes\)/).waitFor();
    await panel.getByRole('button', { name: 'Sign the casebook again' }).waitFor();
  });
});
