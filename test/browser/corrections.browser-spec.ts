import { ramMsEligibleRecord } from 'src/modules/eligibility/engine/testing/screening.builders';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, type TestUser } from '../harness/factory';
import { screenshotAt, startBrowserApp, type BrowserApp } from './harness';

const NOW = '2026-03-10T10:00:00Z';
const RANDOMISED = '2026-03-01T09:00:00Z';

/**
 * Issue 13 as the nurse met it: a visit logged with a relapse, samples and questionnaires; the
 * correction form opens on the logged values; changing one value keeps every other one, on the
 * page and in the API; the correction history shows the change.
 */
describe('correcting a visit log in the browser', () => {
  let app: BrowserApp;
  let staff: TestUser;
  let participant: { id: string; studyId: string };

  beforeAll(async () => {
    app = await startBrowserApp({ now: NOW });
    staff = await app.t.factory.user('site_staff', { sites: ['NL-AMS'] });
    participant = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(participant.id, 'B', RANDOMISED);
    await app.t.app.get(FollowUpService).generateSchedule(participant.id);
  });
  afterAll(() => app.close());

  it('[REQ-CORR-001] logs W000 with a relapse, samples and questionnaires, corrects one value and keeps the rest', async () => {
    const [{ id }] = (await app.t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
      [participant.id],
    )) as { id: string }[];
    const p = await app.signedIn(staff);
    await p.goto(`${app.baseUrl}/app/visits/${id}`);
    const log = p.getByRole('form', { name: 'Log this visit' });
    await log.getByLabel('Date the visit took place').fill('2026-03-09');
    await log
      .getByRole('group', { name: 'New relapse since the previous visit?' })
      .getByLabel('Yes')
      .check();
    await log.getByRole('button', { name: 'Add a relapse' }).click();
    const relapse = log.getByRole('group', { name: 'Relapse 1' });
    await relapse.getByLabel('Relapse 1: onset').fill('2026-03-05');
    await relapse.getByLabel('Treated with high-dose steroids').check();
    await relapse.getByLabel('Description (no personal data)').fill('optic neuritis');
    for (const label of ['Bloods', 'Biobank', 'MSIS29', 'EQ5D']) {
      await log.getByLabel(label).check();
    }
    await log.getByLabel('Notes (no personal data)').fill('baseline done');
    await log.getByRole('button', { name: 'Log visit' }).click();

    // The correction form opens on what was logged, and the logged values are on the page.
    const form = p.getByRole('form', { name: 'Correct the visit log' });
    await form.waitFor();
    const values = p.getByTestId('logged-values');
    await values.getByText(/optic neuritis/).waitFor();
    expect(await values.innerText()).toMatch(
      /Yes[\s\S]*onset 5 Mar 2026 · steroid-treated · optic neuritis[\s\S]*Bloods: taken; Biobank: taken[\s\S]*MSIS29: done; EQ5D: done[\s\S]*baseline done/,
    );
    expect(
      await form
        .getByRole('group', { name: 'New relapse since the previous visit?' })
        .getByLabel('Yes')
        .isChecked(),
    ).toBe(true);
    expect(await form.getByLabel('Relapse 1: onset').inputValue()).toBe('2026-03-05');
    expect(await form.getByLabel('Treated with high-dose steroids').isChecked()).toBe(true);
    expect(await form.getByLabel('Description (no personal data)').inputValue()).toBe(
      'optic neuritis',
    );
    for (const label of ['Bloods', 'Biobank', 'MSIS29', 'EQ5D']) {
      expect(await form.getByLabel(label).isChecked()).toBe(true);
    }
    expect(await form.getByLabel('Urine').isChecked()).toBe(false);
    expect(await form.getByLabel('Notes (no personal data)').inputValue()).toBe('baseline done');

    // Change one value: urine was taken too.
    await form.getByLabel('Urine').check();
    await form.getByLabel('Reason for the correction').fill('urine sample found in the lab log');
    await screenshotAt(p, form, 'visit-correction');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await p.getByText('Visit saved.').waitFor();

    // Every value read back through the page ...
    await values.getByText(/Urine: taken/).waitFor();
    expect(await values.innerText()).toMatch(
      /Yes[\s\S]*onset 5 Mar 2026 · steroid-treated · optic neuritis[\s\S]*Bloods: taken; Biobank: taken; Urine: taken[\s\S]*MSIS29: done; EQ5D: done[\s\S]*baseline done/,
    );
    const history = p.getByRole('region', { name: 'Visit log' });
    await history.getByText('samples[urine]').waitFor();
    expect(await history.innerText()).toMatch(/urine sample found in the lab log/);

    // ... and through the API.
    const res = await app.t.http().get(`/follow-up/visits/${id}`).set(bearer(staff)).expect(200);
    expect(res.body.visit.loggedDate).toBe('2026-03-09');
    expect(res.body.visit.siteData).toEqual({
      relapseAssessment: {
        newRelapse: true,
        relapses: [
          {
            id: expect.any(String),
            onsetDate: '2026-03-05',
            steroidTreated: true,
            description: 'optic neuritis',
          },
        ],
      },
      samples: [
        { type: 'bloods', taken: true },
        { type: 'biobank', taken: true },
        { type: 'urine', taken: true },
      ],
      questionnaires: [
        { instrument: 'msis29', done: true },
        { instrument: 'eq5d', done: true },
      ],
      notes: 'baseline done',
    });
    const [audit] = (await app.t.dataSource.query(
      `SELECT before, after, reason FROM audit_log WHERE action = 'follow-up.visit_corrected' AND entity_id = $1`,
      [id],
    )) as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      reason: string;
    }[];
    expect(audit).toEqual({
      before: { 'samples[urine]': null },
      after: { 'samples[urine]': { type: 'urine', taken: true } },
      reason: 'urine sample found in the lab log',
    });
  });

  it('corrects one relapse of a recorded screening record on the participant page; the other relapse and every other field stay', async () => {
    const coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const siteId = await app.t.factory.site('NL-AMS');
    const reg = await app.t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId,
        // A distinct person (the same name and birth date twice is a likely duplicate).
        identity: {
          givenName: `Test${Date.now()}`,
          familyName: 'Screened',
          birthDate: '1990-05-10',
        },
      })
      .expect(201);
    const id = reg.body.id as string;
    for (const to of [
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ]) {
      await app.t
        .http()
        .post(`/participants/${id}/transitions`)
        .set(bearer(coordinator))
        .send({ to })
        .expect(200);
    }
    const { birthDate: _b, consent: _c, ...data } = ramMsEligibleRecord();
    data.relapses = [
      ...(data.relapses ?? []),
      { onsetDate: '2025-03-01', steroidTreated: false, clinicallyRelevant: true },
    ];
    const entered = await app.t
      .http()
      .patch(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .send(data)
      .expect(200);
    const before = entered.body.data as Record<string, unknown> & {
      relapses: { itemId: string; onsetDate: string }[];
    };

    const p = await app.signedIn(coordinator);
    await p.goto(`${app.baseUrl}/app/participants/${id}`);
    const form = p.locator('form[aria-labelledby="screening-h"]');
    // The form opens on the recorded values.
    expect(await form.getByLabel('Relapse 1: onset date').inputValue()).toBe('2025-09-01');
    expect(await form.getByLabel('Relapse 2: onset date').inputValue()).toBe('2025-03-01');
    expect(await form.getByLabel('EDSS score').inputValue()).toBe('3.5');
    await form.getByLabel('Relapse 2: onset date').fill('2025-03-02');
    await form.getByLabel('Reason for the correction').fill('onset date per the neurology letter');
    await form.getByRole('button', { name: 'Save screening data' }).click();
    await p.getByText('Screening data saved.').waitFor();
    await p
      .getByRole('region', { name: 'Screening record: correction history' })
      .getByText(`relapses[${before.relapses[1].itemId}].onsetDate`)
      .waitFor();

    const after = (
      await app.t.http().get(`/participants/${id}/screening`).set(bearer(coordinator)).expect(200)
    ).body.data as typeof before;
    expect(after).toEqual({
      ...before,
      relapses: [before.relapses[0], { ...before.relapses[1], onsetDate: '2025-03-02' }],
    });
    const rows = (await app.t.dataSource.query(
      `SELECT before, after, reason FROM audit_log WHERE action = 'screening.corrected' AND entity_id = $1`,
      [id],
    )) as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    }[];
    const path = `relapses[${before.relapses[1].itemId}].onsetDate`;
    expect(rows.map((r) => [r.before, r.after])).toEqual([
      [{ [path]: '2025-03-01' }, { [path]: '2025-03-02' }],
    ]);
  });
});
