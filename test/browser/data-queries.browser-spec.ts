import type { Locator, Page } from 'playwright-core';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, type TestUser } from '../harness/factory';
import { screenshot, screenshotAt, startBrowserApp, type BrowserApp } from './harness';

const NOW = '2026-07-10T10:00:00Z';
const RANDOMISED = '2026-03-28T23:30:00Z';
const QUESTION = 'The lab report shows bloods were taken on 5 Apr: please check.';
const REASON = 'transcription error: see lab report';
const ANSWER = 'Corrected: bloods were taken, per the lab report.';

/**
 * Issue 18 in the browser: the monitor raises a data query on one field of a logged visit; the
 * coordinator finds it on the worklist and the field marked on the form, corrects the value with
 * a reason (the correction links itself to the query) and answers; the monitor sees the answer
 * and the correction (before → after) and closes the query.
 */
describe('[REQ-MON-001] data queries in the browser', () => {
  let app: BrowserApp;
  let monitor: TestUser;
  let coordinator: TestUser;
  let participant: { id: string; studyId: string };
  let visitId: string;

  beforeAll(async () => {
    app = await startBrowserApp({ now: NOW });
    monitor = await app.t.factory.user('monitor', { trialWide: true });
    coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
    participant = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(participant.id, 'B', RANDOMISED);
    await app.t.app.get(FollowUpService).generateSchedule(participant.id);
    [{ id: visitId }] = (await app.t.dataSource.query(
      `SELECT id FROM visits WHERE participant_id = $1 AND code = 'W000'`,
      [participant.id],
    )) as { id: string }[];
    // The site logged the visit: bloods not taken, urine taken.
    await app.t
      .http()
      .post(`/follow-up/visits/${visitId}/log`)
      .set(bearer(coordinator))
      .send({
        visitDate: '2026-04-05',
        relapseAssessment: { newRelapse: false },
        samples: [
          { type: 'bloods', taken: false },
          { type: 'urine', taken: true },
        ],
        questionnaires: [{ instrument: 'msis29', done: true }],
      })
      .expect(200);
  });
  afterAll(() => app.close());

  /** How far the page reaches beyond the viewport (0: nothing needs sideways scrolling). */
  const overflowBy = (p: Page) =>
    p.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    ) as Promise<number>;

  /** The accessible description of a control: the texts of the elements its aria-describedby names. */
  const description = async (control: Locator): Promise<string> => {
    const ids = (await control.getAttribute('aria-describedby')) ?? '';
    const texts: string[] = [];
    for (const id of ids.split(/\s+/).filter(Boolean)) {
      texts.push(await control.page().locator(`[id="${id}"]`).innerText());
    }
    return texts.join(' ');
  };

  it('[REQ-MON-001] raise on a visit-log field → the site corrects with a reason and answers → the monitor sees the correction and closes', async () => {
    // 1. The monitor raises a query on "Sample taken: Bloods" from the visit page.
    const m = await app.signedIn(monitor);
    await m.goto(`${app.baseUrl}/app/visits/${visitId}`);
    const panel = m.getByRole('region', { name: /Data queries on the visit log/ });
    await panel.getByRole('button', { name: 'Raise a query on the visit log' }).click();
    const raise = panel.getByRole('form', { name: 'Raise a data query on the visit log' });
    // Sending without a field or a question says what is missing and sends nothing.
    await raise.getByRole('button', { name: 'Raise the query' }).click();
    await raise.getByText('Choose the field').waitFor();
    await raise.getByText('Write the question').waitFor();
    await raise.getByLabel('Field').selectOption({ label: 'Sample taken: Bloods' });
    await raise.getByLabel('Question to the site').fill(QUESTION);
    await raise.getByRole('button', { name: 'Raise the query' }).click();
    const item = panel.getByRole('listitem').filter({ hasText: QUESTION }).first();
    await item.getByRole('heading').getByText('Open', { exact: true }).waitFor();
    expect(await item.innerText()).toMatch(/Sample taken[\s\S]*samples\[bloods\]\.taken/);
    // The logged value is marked for the monitor too.
    const values = m.getByTestId('logged-values');
    expect(await values.getByTestId('query-flag').innerText()).toContain(QUESTION);
    await screenshotAt(m, values, 'data-query-raised-monitor');

    const [{ id: queryId }] = (await app.t.dataSource.query(
      `SELECT id FROM data_queries WHERE record_id = $1`,
      [visitId],
    )) as { id: string }[];

    // The monitor's ageing report per site counts it.
    await m.goto(`${app.baseUrl}/app/queries`);
    const ageing = m.getByRole('region', { name: 'Query ageing per site' });
    const ams = ageing.getByRole('row').filter({ hasText: 'NL-AMS' });
    await ams.waitFor();
    expect((await ams.getByRole('cell').allInnerTexts()).slice(0, 3)).toEqual(['NL-AMS', '1', '0']);

    // 2. The coordinator sees it on the worklist, with a link to the record.
    const c = await app.signedIn(coordinator);
    await c.goto(`${app.baseUrl}/app/worklist`);
    const open = c.getByRole('region', { name: /Open data queries/ });
    const row = open.getByRole('row').filter({ hasText: QUESTION });
    await row.waitFor();
    expect(await row.innerText()).toContain(participant.studyId);
    expect(await row.innerText()).toMatch(/Visit log[\s\S]*Sample taken \(bloods\)/);
    await screenshotAt(c, open, 'data-query-worklist-1280');
    await c.setViewportSize({ width: 768, height: 1024 });
    await screenshotAt(c, open, 'data-query-worklist-768');
    expect(await overflowBy(c)).toBe(0);
    await c.setViewportSize({ width: 1280, height: 900 });

    await row.getByRole('link', { name: participant.studyId }).click();
    await c.waitForURL(new RegExp(`/app/visits/${visitId}#query-${queryId}$`));

    // 3. On the correction form the queried field is marked, the question its description.
    const form = c.getByRole('form', { name: 'Correct the visit log' });
    const bloods = form.getByLabel('Bloods');
    await form.getByTestId('query-flag').waitFor();
    expect(await description(bloods)).toContain(QUESTION);
    expect(await description(form.getByLabel('Urine'))).toBe('');
    expect(await form.getByTestId('query-flag').count()).toBe(1);
    await screenshotAt(
      c,
      form.getByRole('group', { name: 'Samples taken' }),
      'data-query-form-1280',
    );
    await c.setViewportSize({ width: 768, height: 1024 });
    await screenshotAt(
      c,
      form.getByRole('group', { name: 'Samples taken' }),
      'data-query-form-768',
    );
    expect(await overflowBy(c)).toBe(0);
    await c.setViewportSize({ width: 1280, height: 900 });

    // Corrects the value with a reason: the correction links itself to the query.
    expect(await bloods.isChecked()).toBe(false);
    await bloods.check();
    await form.getByLabel('Reason for the correction').fill(REASON);
    await form.getByRole('button', { name: 'Save correction' }).click();
    await c.getByText('Visit saved.').waitFor();
    const sitePanel = c.getByRole('region', { name: /Data queries on the visit log/ });
    const siteItem = sitePanel.getByRole('listitem').filter({ hasText: QUESTION }).first();
    const corrected = siteItem.locator('li[data-kind="corrected"]');
    await corrected.waitFor();
    expect(await corrected.innerText()).toMatch(
      /Value corrected[\s\S]*samples\[bloods\]\.taken: false → true[\s\S]*transcription error: see lab report/,
    );
    // Answers.
    await siteItem.getByRole('button', { name: 'Answer the query' }).click();
    const answer = siteItem.getByRole('form', { name: /Answer the query/ });
    await answer.getByLabel('Your answer').fill(ANSWER);
    await answer.getByRole('button', { name: 'Answer the query' }).click();
    await siteItem.getByRole('heading').getByText('Answered', { exact: true }).waitFor();
    // Answered, the query no longer waits on the site's worklist.
    await c.goto(`${app.baseUrl}/app/worklist`);
    await c
      .getByRole('region', { name: /Open data queries/ })
      .getByText('No open data queries.')
      .waitFor();

    // 4. The monitor sees the answer and the correction (before → after), and closes it.
    await m.goto(`${app.baseUrl}/app/visits/${visitId}`);
    const monitorItem = m
      .getByRole('region', { name: /Data queries on the visit log/ })
      .getByRole('listitem')
      .filter({ hasText: QUESTION })
      .first();
    await monitorItem.getByRole('heading').getByText('Answered', { exact: true }).waitFor();
    const steps = monitorItem.getByRole('list', { name: 'Steps of the query' });
    expect(await steps.innerText()).toMatch(
      new RegExp(
        `Raised by Test monitor[\\s\\S]*Value corrected by Test coordinator[\\s\\S]*samples\\[bloods\\]\\.taken: false → true[\\s\\S]*${REASON}[\\s\\S]*Answered by Test coordinator[\\s\\S]*${ANSWER.replace(/[.,]/g, '.')}`,
      ),
    );
    await screenshotAt(m, monitorItem, 'data-query-answered-monitor');
    await monitorItem.getByRole('button', { name: 'Close the query' }).click();
    const close = monitorItem.getByRole('form', { name: /Close the query/ });
    await close.getByLabel('Note (optional)').fill('Thank you');
    await close.getByRole('button', { name: 'Close the query' }).click();
    await monitorItem.getByRole('heading').getByText('Closed', { exact: true }).waitFor();
    // Closed, the field is no longer marked.
    expect(await m.getByTestId('logged-values').getByTestId('query-flag').count()).toBe(0);

    // The corrected value, the link and the audit rows.
    const visit = await app.t
      .http()
      .get(`/follow-up/visits/${visitId}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(visit.body.visit.siteData.samples).toEqual([
      { type: 'bloods', taken: true },
      { type: 'urine', taken: true },
    ]);
    const detail = await app.t.http().get(`/queries/${queryId}`).set(bearer(monitor)).expect(200);
    expect(detail.body.status).toBe('closed');
    expect((detail.body.events as { kind: string }[]).map((e) => e.kind)).toEqual([
      'raised',
      'corrected',
      'answered',
      'closed',
    ]);
    expect(detail.body.events[1]).toMatchObject({
      kind: 'corrected',
      text: REASON,
      before: { path: 'samples[bloods].taken', value: false },
      after: { path: 'samples[bloods].taken', value: true },
    });
    const audit = (await app.t.dataSource.query(
      `SELECT action, actor_id FROM audit_log WHERE entity = 'data_query' AND entity_id = $1 ORDER BY seq`,
      [queryId],
    )) as { action: string; actor_id: string }[];
    expect(audit.map((a) => a.action)).toEqual([
      'query.raised',
      'query.correction_linked',
      'query.answered',
      'query.closed',
    ]);
    expect(audit.map((a) => a.actor_id)).toEqual([
      monitor.id,
      coordinator.id,
      coordinator.id,
      monitor.id,
    ]);
    const [correction] = (await app.t.dataSource.query(
      `SELECT before, after, reason FROM audit_log WHERE action = 'follow-up.visit_corrected' AND entity_id = $1`,
      [visitId],
    )) as { before: unknown; after: unknown; reason: string }[];
    expect(correction).toEqual({
      before: { 'samples[bloods].taken': false },
      after: { 'samples[bloods].taken': true },
      reason: REASON,
    });
    await screenshot(m, 'data-query-closed-monitor');
  });

  it('[REQ-MON-001] a participant page with several adverse events, each queried, asks for its queries a bounded number of times', async () => {
    const AES = 6;
    const p = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(p.id, 'B', RANDOMISED);
    await app.t.app.get(FollowUpService).generateSchedule(p.id);
    const terms = Array.from({ length: AES }, (_, i) => `Headache ${i + 1}`);
    const reported = await app.t
      .http()
      .post(`/follow-up/participants/${p.id}/adverse-events`)
      .set(bearer(coordinator))
      .send({
        adverseEvents: terms.map((term) => ({
          term,
          onsetDate: '2026-07-01',
          awareDate: '2026-07-02',
          severity: 'mild',
          serious: false,
          outcome: 'recovering',
          assessments: [{ intervention: 'arm_b_drug', causality: 'not_related' }],
        })),
      })
      .expect((r) => expect(r.status === 201 ? 201 : r.body).toBe(201));
    for (const ae of reported.body as { id: string; term: string }[]) {
      await app.t
        .http()
        .post('/queries')
        .set(bearer(monitor))
        .send({
          recordEntity: 'adverse_event',
          recordId: ae.id,
          itemId: 'adverse_event.outcome',
          text: `Outcome of ${ae.term}: please check.`,
        })
        .expect(201);
    }

    const c = await app.signedIn(coordinator);
    const asked: string[] = [];
    c.on('request', (r) => {
      const { pathname, search } = new URL(r.url());
      if (pathname === '/queries' || pathname.startsWith('/queries/')) {
        asked.push(pathname + search);
      }
    });
    await c.goto(`${app.baseUrl}/app/participants/${p.id}`);
    const section = c.getByRole('region', { name: 'Adverse events' });
    // Every adverse event shows its query with its steps, as before.
    for (const term of terms) {
      const panel = section.getByRole('region', {
        name: new RegExp(`^Data queries on adverse event ${term} \\(`),
      });
      const item = panel
        .getByRole('listitem')
        .filter({ hasText: `Outcome of ${term}` })
        .first();
      await item.getByRole('heading').getByText('Open', { exact: true }).waitFor();
      expect(await item.getByRole('list', { name: 'Steps of the query' }).innerText()).toMatch(
        /Raised by Test monitor/,
      );
    }
    await c.waitForLoadState('networkidle');
    // The participant's queries with their steps in one request (a page of up to 200), whatever
    // the number of records and queries: before, one list per record and one request per query
    // (here 12).
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.length).toBeLessThanOrEqual(2);
    for (const url of asked) {
      expect(url).toMatch(new RegExp(`^/queries\\?.*participantId=${p.id}`));
      expect(url).toContain('include=events');
    }

    // The site corrects the queried outcome of one event (the correction links itself to the
    // query) and answers: its panel shows both, each write reading the queries once more.
    asked.length = 0;
    const [first] = terms;
    const firstPanel = section.getByRole('region', {
      name: new RegExp(`^Data queries on adverse event ${first} \\(`),
    });
    await section.getByRole('button', { name: `Follow-up update of ${first}` }).click();
    const update = section.getByRole('form', { name: `Follow-up update of ${first}` });
    expect(await update.getByTestId('query-flag').innerText()).toContain(`Outcome of ${first}`);
    await update.getByLabel('Outcome').selectOption('not_recovered');
    await update.getByLabel('Reason / source of the update').fill('per the discharge letter');
    await update.getByRole('button', { name: 'Save update' }).click();
    const firstItem = firstPanel.getByRole('listitem').filter({ hasText: `Outcome of ${first}` });
    await firstItem.first().locator('li[data-kind="corrected"]').waitFor();
    expect(await firstItem.first().locator('li[data-kind="corrected"]').innerText()).toMatch(
      /outcome: recovering → not_recovered/,
    );
    await firstItem.first().getByRole('button', { name: 'Answer the query' }).click();
    const answer = firstItem.first().getByRole('form', { name: /Answer the query/ });
    await answer.getByLabel('Your answer').fill('Corrected per the discharge letter.');
    await answer.getByRole('button', { name: 'Answer the query' }).click();
    await firstItem.first().getByRole('heading').getByText('Answered', { exact: true }).waitFor();
    await c.waitForLoadState('networkidle');
    // Two writes: one read of the participant's queries after each (none per record or query).
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.length).toBeLessThanOrEqual(2 * 2);
  });
});
