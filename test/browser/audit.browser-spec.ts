import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, type TestUser } from '../harness/factory';
import { screenshotAt, startBrowserApp, type BrowserApp } from './harness';

const NOW = '2026-03-10T10:00:00Z';
const RANDOMISED = '2026-03-01T09:00:00Z';

/**
 * Issue 18 as the monitor meets it: the audit trail filtered by a participant's study id shows
 * who by name, the study id and the correction in words, and offers the participant's history.
 */
describe('the audit trail in the browser', () => {
  let app: BrowserApp;
  let staff: TestUser;
  let monitor: TestUser;
  let participant: { id: string; studyId: string };

  beforeAll(async () => {
    app = await startBrowserApp({ now: NOW });
    staff = await app.t.factory.user('site_staff', { sites: ['NL-AMS'] });
    monitor = await app.t.factory.user('monitor', { trialWide: true });
    await app.t.dataSource.query(`UPDATE users SET display_name = 'Anna Jansen' WHERE id = $1`, [
      staff.id,
    ]);
    participant = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(participant.id, 'B', RANDOMISED);
    await app.t.app.get(FollowUpService).generateSchedule(participant.id);
    const [{ id }] = (await app.t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
      [participant.id],
    )) as { id: string }[];
    const logged = await app.t
      .http()
      .post(`/follow-up/visits/${id}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-03-09',
        relapseAssessment: { newRelapse: false },
        samples: [{ type: 'bloods', taken: true }],
      })
      .expect(200);
    await app.t
      .http()
      .patch(`/follow-up/visits/${id}/log`)
      .set(bearer(staff))
      .send({
        samples: { change: [{ type: 'bloods', taken: false }] },
        reason: 'transcription error',
        expectedVersion: (logged.body as { visit: { version: number } }).visit.version,
      })
      .expect(200);
  });
  afterAll(() => app.close());

  it('[REQ-MON-006] filters by study id and shows the name, the study id and the change in words', async () => {
    const p = await app.signedIn(monitor);
    await p.goto(`${app.baseUrl}/app/admin/audit`);
    await p.getByLabel('Study id').fill(participant.studyId);
    const row = p.getByRole('row', { name: /follow-up\.visit_corrected/ });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('Anna Jansen');
    expect(text).toContain(participant.studyId);
    expect(text).toContain(
      'Sample taken [bloods] yes → no, reason: transcription error, by Anna Jansen',
    );
    expect(text).not.toContain(staff.id.slice(0, 8));
    // Every row shown is the participant's.
    const rows = p.locator('tbody tr');
    for (let i = 0; i < (await rows.count()); i++) {
      expect(await rows.nth(i).locator('td').nth(3).innerText()).toBe(participant.studyId);
    }
    await p.getByRole('button', { name: 'Download history (CSV)' }).waitFor();
    await screenshotAt(p, row, 'audit-trail-in-words');
  });
});
