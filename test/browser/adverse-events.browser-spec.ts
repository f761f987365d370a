import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, type TestUser } from '../harness/factory';
import { startBrowserApp, type BrowserApp } from './harness';

const NOW = '2026-07-10T10:00:00Z';
const RANDOMISED = '2026-03-28T23:30:00Z';

/**
 * Issue 15 on the participant's page: an unscheduled visit added from the visit list opens like
 * any other visit; an adverse event reported between visits with its awareness date and causality
 * per intervention shows the SAE and SUSAR clocks; a follow-up update keeps the history; its other
 * fields are corrected on the same page with a reason.
 */
describe('adverse events and unscheduled visits in the browser', () => {
  let app: BrowserApp;
  let staff: TestUser;
  let participant: { id: string; studyId: string };

  beforeAll(async () => {
    app = await startBrowserApp({ now: NOW });
    staff = await app.t.factory.user('site_staff', { sites: ['NL-AMS'] });
    participant = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(participant.id, 'A', RANDOMISED);
    await app.t.app.get(FollowUpService).generateSchedule(participant.id);
  });
  afterAll(() => app.close());

  it('adds an unscheduled visit from the visit list and opens it', async () => {
    const p = await app.signedIn(staff);
    await p.goto(`${app.baseUrl}/app/participants/${participant.id}`);
    const visits = p.getByRole('region', { name: 'Visits' });
    await visits.getByRole('button', { name: 'Add unscheduled visit' }).click();
    const form = p.getByRole('form', { name: 'Add unscheduled visit' });
    expect(await form.getByLabel('Visit date').inputValue()).toBe('2026-07-10');
    await form.getByLabel('Visit date').fill('2026-07-09');
    await form.getByLabel('Reason').selectOption('adverse_event');
    await form.getByRole('button', { name: 'Add and open the visit' }).click();
    await p.waitForURL(/\/app\/visits\/[0-9a-f-]{36}$/);
    const visitId = p.url().split('/').pop() ?? '';
    const res = await app.t
      .http()
      .get(`/follow-up/visits/${visitId}`)
      .set(bearer(staff))
      .expect(200);
    expect(res.body.visit).toMatchObject({
      participantId: participant.id,
      kind: 'unscheduled',
      loggedDate: '2026-07-09',
    });
    await p
      .getByRole('heading', { name: new RegExp(`Visit ${res.body.visit.code as string}`) })
      .waitFor();
  });

  it('reports an adverse event between visits: a SUSAR with its 7-day clock beside the 24-hour clock; an outcome update keeps the history; a correction changes its MedDRA code and causality', async () => {
    const p = await app.signedIn(staff);
    await p.goto(`${app.baseUrl}/app/participants/${participant.id}`);
    const section = p.getByRole('region', { name: 'Adverse events' });
    await section.getByRole('button', { name: 'Report adverse event' }).click();
    const form = section.getByRole('form', { name: 'Report an adverse event' });
    await form.getByLabel('Term (no personal data)').fill('Sepsis');
    await form.getByLabel('MedDRA code (LLT or PT, 8 digits, optional)').fill('10040047');
    await form.getByLabel('Onset').fill('2026-07-05');
    await form.getByLabel('Date the site became aware').fill('2026-07-08');
    await form.getByLabel('Severity').selectOption('severe');
    await form.getByLabel('CTCAE grade').selectOption('4');
    await form.getByLabel('Serious', { exact: true }).check();
    await form.getByLabel('Life-threatening').check();
    // Arm A: the aHSCT procedure and its phases, not the arm-B drug.
    expect(await form.getByRole('group', { name: 'Arm-B drug' }).count()).toBe(0);
    const conditioning = form.getByRole('group', { name: 'aHSCT conditioning' });
    await conditioning.getByLabel('Causality').selectOption('possibly_related');
    await conditioning.getByLabel('Expectedness (RSI)').selectOption('unexpected');
    await form.getByRole('button', { name: 'Report adverse event' }).click();

    const clocks = section.getByTestId('ae-clocks');
    await clocks.waitFor();
    expect(await section.innerText()).toContain('SUSAR');
    expect(await clocks.innerText()).toMatch(
      /SUSAR 7 days from 8 Jul 2026: due 15 Jul 2026 \(5 days left\)/,
    );
    expect(await clocks.innerText()).toMatch(/SAE 24 h: overdue since 9 Jul 2026/);
    const list = await app.t
      .http()
      .get(`/follow-up/adverse-events?participantId=${participant.id}`)
      .set(bearer(staff))
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    const ae = list.body.items[0];
    expect(ae).toMatchObject({
      visitId: null,
      awareDate: '2026-07-08',
      ctcaeGrade: 4,
      susar: true,
    });
    expect(ae.assessments).toEqual([
      expect.objectContaining({ intervention: 'conditioning', rsiVersion: '1.0' }),
    ]);

    await section.getByRole('button', { name: 'Follow-up update of Sepsis' }).click();
    const update = section.getByRole('form', { name: 'Follow-up update of Sepsis' });
    await update.getByLabel('Outcome').selectOption('recovered');
    await update.getByLabel('End (empty = ongoing)').fill('2026-07-09');
    await update.getByLabel('Reason / source of the update').fill('Discharged');
    await update.getByRole('button', { name: 'Save update' }).click();
    await update.waitFor({ state: 'detached' });
    const after = await app.t
      .http()
      .get(`/follow-up/adverse-events/${ae.id as string}/history`)
      .set(bearer(staff))
      .expect(200);
    expect(after.body[0]).toMatchObject({ version: 1, reason: 'Discharged' });
    await section.getByRole('button', { name: 'Follow-up update of Sepsis' }).click();
    await section
      .getByRole('region', { name: 'Adverse event Sepsis: history' })
      .getByText('Discharged')
      .waitFor();

    // Its other fields are corrected on the same page: the MedDRA code and the causality per
    // intervention (no longer related: no longer a SUSAR), with a reason; only they change.
    await section.getByRole('button', { name: 'Correct adverse event Sepsis' }).click();
    const correct = section.getByRole('form', { name: 'Correct adverse event Sepsis' });
    const meddra = correct.getByLabel('MedDRA code (LLT or PT, 8 digits, optional)');
    expect(await meddra.inputValue()).toBe('10040047');
    expect(await correct.getByLabel('Outcome').inputValue()).toBe('recovered');
    const causality = correct
      .getByRole('group', { name: 'aHSCT conditioning' })
      .getByLabel('Causality');
    expect(await causality.inputValue()).toBe('possibly_related');
    await meddra.fill('10040070');
    await causality.selectOption('not_related');
    await correct.getByLabel('Reason for the correction').fill('Blood cultures: line infection');
    await correct.getByRole('button', { name: 'Save correction' }).click();
    await correct.waitFor({ state: 'detached' });
    await section.getByText('[MedDRA 10040070]').waitFor();
    const corrected = await app.t
      .http()
      .get(`/follow-up/adverse-events/${ae.id as string}`)
      .set(bearer(staff))
      .expect(200);
    expect(corrected.body).toMatchObject({
      meddraCode: '10040070',
      susar: false,
      outcome: 'recovered',
      endDate: '2026-07-09',
      version: 2,
    });
    expect(corrected.body.assessments).toEqual([
      expect.objectContaining({
        intervention: 'conditioning',
        causality: 'not_related',
        expectedness: 'unexpected',
        rsiVersion: '1.0',
      }),
    ]);
    const [audit] = (await app.t.dataSource.query(
      `SELECT before, after, reason FROM audit_log
       WHERE action = 'follow-up.adverse_event_corrected' AND entity_id = $1
       ORDER BY seq DESC LIMIT 1`,
      [ae.id],
    )) as { before: unknown; after: unknown; reason: string }[];
    expect(audit).toEqual({
      before: { meddraCode: '10040047', 'assessments[conditioning].causality': 'possibly_related' },
      after: { meddraCode: '10040070', 'assessments[conditioning].causality': 'not_related' },
      reason: 'Blood cultures: line infection',
    });
  });
});
