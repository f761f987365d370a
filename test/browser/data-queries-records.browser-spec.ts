import type { Page } from 'playwright-core';
import { ramMsEligibleRecord } from 'src/modules/eligibility/engine/testing/screening.builders';
import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, type TestUser } from '../harness/factory';
import {
  assertBlind,
  description,
  screenshotAt,
  startBrowserApp,
  type BrowserApp,
} from './harness';

/**
 * Randomised 2026-03-28T23:30Z at Amsterdam (week 0 = 2026-03-29): W012 window 2026-06-07 …
 * 2026-07-05, W024 window 2026-08-30 … 2026-09-27 (as in test/e2e/edit-check-queries.e2e-spec.ts).
 */
const NOW = '2026-10-05T10:00:00Z';
const RANDOMISED = '2026-03-28T23:30:00Z';

type QueryEvent = {
  kind: string;
  text: string | null;
  by: string | null;
  role: string | null;
  recordVersion: number | null;
  before: unknown;
  after: unknown;
};
type QueryDetail = {
  id: string;
  status: string;
  origin: string;
  text: string;
  record: { entity: string; id: string };
  item: { id: string; path: string };
  events: QueryEvent[];
};

/**
 * Issue 18 in the browser beyond the visit log: a query on an adverse event (participant page:
 * the follow-up update form; visit page: the correction form), on the screening record, and an
 * edit check's query on the blinded EDSS, each marked on its field (the question its accessible
 * description), corrected with a reason where the value was wrong, answered, and closed.
 */
describe('[REQ-MON-001] data queries on adverse events, the screening record and the blinded assessment in the browser', () => {
  let app: BrowserApp;
  let monitor: TestUser;
  let coordinator: TestUser;
  let staff: TestUser;
  let assessor: TestUser;

  beforeAll(async () => {
    app = await startBrowserApp({ now: NOW });
    const { factory } = app.t;
    monitor = await factory.user('monitor', { trialWide: true });
    coordinator = await factory.user('coordinator', { sites: ['NL-AMS'] });
    staff = await factory.user('site_staff', { sites: ['NL-AMS'] });
    assessor = await factory.user('blinded_assessor', { sites: ['NL-AMS'] });
  });
  afterAll(() => app.close());

  /** A randomised arm-B participant at NL-AMS with its visit schedule; `visit(code)` → visit id. */
  async function randomised() {
    const p = await app.t.factory.participant('NL-AMS');
    await app.t.factory.allocation(p.id, 'B', RANDOMISED);
    await app.t.app.get(FollowUpService).generateSchedule(p.id);
    const visits = (await app.t.dataSource.query(
      `SELECT id, code FROM visits WHERE participant_id = $1`,
      [p.id],
    )) as { id: string; code: string }[];
    return { ...p, visit: (code: string) => visits.find((v) => v.code === code)!.id };
  }

  const detail = async (id: string) =>
    (await app.t.http().get(`/queries/${id}`).set(bearer(monitor)).expect(200)).body as QueryDetail;

  const raise = async (body: object) =>
    (await app.t.http().post('/queries').set(bearer(monitor)).send(body).expect(201))
      .body as QueryDetail;

  const audits = async (queryId: string) =>
    (
      (await app.t.dataSource.query(
        `SELECT action, actor_id AS "actorId", actor_role AS "actorRole" FROM audit_log
         WHERE entity = 'data_query' AND entity_id = $1 ORDER BY seq`,
        [queryId],
      )) as { action: string; actorId: string | null; actorRole: string }[]
    ).map((a) => [a.action, a.actorId, a.actorRole]);

  /** The open-queries table of a worklist: the row of `question`, or none once answered. */
  const openRow = (p: Page, question: string) =>
    p
      .getByRole('region', { name: /Open data queries/ })
      .getByRole('row')
      .filter({
        hasText: question,
      });

  /** Waits until the open-queries table of a worklist has loaded (rows, or none). */
  const worklistLoaded = async (p: Page) => {
    const open = p.getByRole('region', { name: /Open data queries/ });
    await open.getByRole('table').or(open.getByText('No open data queries.')).first().waitFor();
  };

  /** Answers the query (an item of a query panel) and waits until it shows as answered. */
  async function answer(item: ReturnType<Page['getByRole']>, text: string) {
    await item.getByRole('button', { name: 'Answer the query' }).click();
    const form = item.getByRole('form', { name: /Answer the query/ });
    // An empty answer is not sent.
    await form.getByRole('button', { name: 'Answer the query' }).click();
    await form.getByText('Write the answer').waitFor();
    await form.getByLabel('Your answer').fill(text);
    await form.getByRole('button', { name: 'Answer the query' }).click();
    await item.getByRole('heading').getByText('Answered', { exact: true }).waitFor();
  }

  it('[REQ-MON-001] adverse event on the participant page: the monitor raises on the CTCAE grade, the coordinator corrects it with a reason and answers, the monitor closes', async () => {
    const QUESTION = 'The lab report of 21 Sep shows neutrophils 0.8: CTCAE grade 3, not 2?';
    const REASON = 'grade per the lab report of 21 Sep';
    const ANSWER = 'Corrected to grade 3 per the lab report.';
    const p = await randomised();
    await app.t
      .http()
      .post(`/follow-up/participants/${p.id}/adverse-events`)
      .set(bearer(staff))
      .send({
        adverseEvents: [
          {
            term: 'Neutropenia',
            onsetDate: '2026-09-20',
            awareDate: '2026-09-21',
            severity: 'moderate',
            ctcaeGrade: 2,
            serious: false,
            outcome: 'recovering',
          },
        ],
      })
      .expect(201);
    const [ae] = (
      await app.t
        .http()
        .get(`/follow-up/adverse-events?participantId=${p.id}`)
        .set(bearer(staff))
        .expect(200)
    ).body.items as { id: string; version: number }[];

    // 1. The monitor raises the query from the adverse event's query panel.
    const m = await app.signedIn(monitor);
    await m.goto(`${app.baseUrl}/app/participants/${p.id}`);
    const monitorPanel = m
      .getByRole('region', { name: 'Adverse events' })
      .getByRole('region', { name: /Data queries on adverse event Neutropenia/ });
    await monitorPanel.getByText('No data queries on this record.').waitFor();
    await monitorPanel
      .getByRole('button', { name: 'Raise a query on adverse event Neutropenia' })
      .click();
    const raiseForm = monitorPanel.getByRole('form', {
      name: 'Raise a data query on adverse event Neutropenia',
    });
    await raiseForm.getByLabel('Field').selectOption({ label: 'CTCAE grade' });
    await raiseForm.getByLabel('Question to the site').fill(QUESTION);
    await raiseForm.getByRole('button', { name: 'Raise the query' }).click();
    const monitorItem = monitorPanel.getByRole('listitem').filter({ hasText: QUESTION }).first();
    await monitorItem.getByRole('heading').getByText('Open', { exact: true }).waitFor();
    expect(await monitorItem.getByRole('heading').innerText()).toMatch(/CTCAE grade\s+ctcaeGrade/);
    const [{ id: queryId }] = (await app.t.dataSource.query(
      `SELECT id FROM data_queries WHERE record_entity = 'adverse_event' AND record_id = $1`,
      [ae.id],
    )) as { id: string }[];

    // 2. The coordinator finds it on the worklist; its link opens the participant page at it.
    const c = await app.signedIn(coordinator);
    await c.goto(`${app.baseUrl}/app/worklist`);
    const row = openRow(c, QUESTION);
    await row.waitFor();
    expect(await row.innerText()).toMatch(
      new RegExp(`${p.studyId}[\\s\\S]*Adverse event[\\s\\S]*CTCAE grade`),
    );
    await row.getByRole('link', { name: p.studyId }).click();
    await c.waitForURL(new RegExp(`/app/participants/${p.id}#query-${queryId}$`));
    const section = c.getByRole('region', { name: 'Adverse events' });
    await section.getByText('1 unresolved').first().waitFor();

    // 3. On the follow-up update form the CTCAE grade is marked, the question its description.
    await section.getByRole('button', { name: 'Follow-up update of Neutropenia' }).click();
    const update = section.getByRole('form', { name: 'Follow-up update of Neutropenia' });
    const grade = update.getByLabel('CTCAE grade');
    await update.getByTestId('query-flag').waitFor();
    expect(await update.getByTestId('query-flag').count()).toBe(1);
    expect(await update.getByTestId('query-flag').innerText()).toContain(QUESTION);
    expect(await description(grade)).toContain(QUESTION);
    expect(await description(update.getByLabel('Outcome'))).toBe('');
    expect(await description(update.getByLabel('End (empty = ongoing)'))).toBe('');
    await screenshotAt(c, section, 'data-query-adverse-event');

    // Corrects the grade with a reason: the correction links itself to the query.
    expect(await grade.inputValue()).toBe('2');
    await grade.selectOption('3');
    await update.getByLabel('Reason / source of the update').fill(REASON);
    await update.getByRole('button', { name: 'Save update' }).click();
    await update.waitFor({ state: 'detached' });
    const sitePanel = section.getByRole('region', {
      name: /Data queries on adverse event Neutropenia/,
    });
    const siteItem = sitePanel.getByRole('listitem').filter({ hasText: QUESTION }).first();
    const corrected = siteItem.locator('li[data-kind="corrected"]');
    await corrected.waitFor();
    expect(await corrected.innerText()).toMatch(
      new RegExp(`Value corrected by Test coordinator[\\s\\S]*ctcaeGrade: 2 → 3[\\s\\S]*${REASON}`),
    );
    await answer(siteItem, ANSWER);
    // Answered, it is still marked (waiting for the monitor), but off the worklist.
    await section.getByRole('button', { name: 'Follow-up update of Neutropenia' }).click();
    expect(await update.getByTestId('query-flag').innerText()).toMatch(
      /Data query answered \(waiting for the monitor\)/,
    );
    await c.goto(`${app.baseUrl}/app/worklist`);
    await worklistLoaded(c);
    expect(await openRow(c, QUESTION).count()).toBe(0);

    // 4. The monitor sees the answer and the correction, and closes the query.
    await m.reload();
    const answered = m
      .getByRole('region', { name: /Data queries on adverse event Neutropenia/ })
      .getByRole('listitem')
      .filter({ hasText: QUESTION })
      .first();
    await answered.getByRole('heading').getByText('Answered', { exact: true }).waitFor();
    expect(await answered.getByRole('list', { name: 'Steps of the query' }).innerText()).toMatch(
      new RegExp(
        `Raised by Test monitor[\\s\\S]*Value corrected by Test coordinator[\\s\\S]*ctcaeGrade: 2 → 3[\\s\\S]*Answered by Test coordinator[\\s\\S]*${ANSWER.replace('.', '\\.')}`,
      ),
    );
    await answered.getByRole('button', { name: 'Close the query' }).click();
    await answered
      .getByRole('form', { name: /Close the query/ })
      .getByRole('button', { name: 'Close the query' })
      .click();
    await answered.getByRole('heading').getByText('Closed', { exact: true }).waitFor();

    // Closed, the field is no longer marked for the site.
    await c.goto(`${app.baseUrl}/app/participants/${p.id}`);
    const after = c.getByRole('region', { name: 'Adverse events' });
    await after
      .getByRole('region', { name: /Data queries on adverse event Neutropenia \(0 unresolved\)/ })
      .waitFor();
    await after.getByRole('button', { name: 'Follow-up update of Neutropenia' }).click();
    const reopened = after.getByRole('form', { name: 'Follow-up update of Neutropenia' });
    expect(await reopened.getByLabel('CTCAE grade').inputValue()).toBe('3');
    expect(await reopened.getByTestId('query-flag').count()).toBe(0);
    expect(await description(reopened.getByLabel('CTCAE grade'))).toBe('');
    expect(await after.getByText('1 unresolved').count()).toBe(0);

    // The stored value, the query's steps and the audit trail.
    const stored = await app.t
      .http()
      .get(`/follow-up/adverse-events/${ae.id}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(stored.body).toMatchObject({ ctcaeGrade: 3, version: ae.version + 1 });
    const q = await detail(queryId);
    expect(q).toMatchObject({
      status: 'closed',
      origin: 'manual',
      record: { entity: 'adverse_event', id: ae.id },
      item: { id: 'adverse_event.ctcaeGrade', path: 'ctcaeGrade' },
    });
    expect(q.events.map((e) => [e.kind, e.role])).toEqual([
      ['raised', 'monitor'],
      ['corrected', 'coordinator'],
      ['answered', 'coordinator'],
      ['closed', 'monitor'],
    ]);
    expect(q.events[1]).toMatchObject({
      text: REASON,
      recordVersion: ae.version + 1,
      before: { path: 'ctcaeGrade', value: 2 },
      after: { path: 'ctcaeGrade', value: 3 },
    });
    expect(await audits(queryId)).toEqual([
      ['query.raised', monitor.id, 'monitor'],
      ['query.correction_linked', coordinator.id, 'coordinator'],
      ['query.answered', coordinator.id, 'coordinator'],
      ['query.closed', monitor.id, 'monitor'],
    ]);
  });

  it('[REQ-MON-001] adverse event at a visit: site staff see the severity marked on the visit page correction form, correct it and answer', async () => {
    const QUESTION = 'The discharge letter says moderate: please check the severity.';
    const REASON = 'severity per the discharge letter';
    const p = await randomised();
    const visitId = p.visit('W000');
    await app.t
      .http()
      .post(`/follow-up/visits/${visitId}/log`)
      .set(bearer(staff))
      .send({
        visitDate: '2026-04-05',
        relapseAssessment: { newRelapse: false },
        adverseEvents: [
          {
            term: 'Headache',
            onsetDate: '2026-04-03',
            severity: 'mild',
            serious: false,
            outcome: 'recovered',
            endDate: '2026-04-04',
          },
        ],
      })
      .expect(200);
    const [ae] = (
      await app.t
        .http()
        .get(`/follow-up/adverse-events?participantId=${p.id}`)
        .set(bearer(staff))
        .expect(200)
    ).body.items as { id: string; version: number }[];
    const raised = await raise({
      recordEntity: 'adverse_event',
      recordId: ae.id,
      itemId: 'adverse_event.severity',
      text: QUESTION,
    });

    // Site staff see it among the site's open queries on the follow-up page.
    const s = await app.signedIn(staff);
    await s.getByRole('heading', { name: 'Follow-up at NL-AMS' }).waitFor();
    await openRow(s, QUESTION).waitFor();
    expect(await openRow(s, QUESTION).innerText()).toMatch(/Adverse event[\s\S]*Severity/);

    await s.goto(`${app.baseUrl}/app/visits/${visitId}`);
    const atVisit = s.getByRole('region', { name: 'Adverse events at this visit' });
    await atVisit.getByText('1 unresolved').first().waitFor();
    await atVisit.getByRole('button', { name: 'Correct adverse event Headache' }).click();
    const form = atVisit.getByRole('form', { name: 'Correct adverse event Headache' });
    const severity = form.getByLabel('Severity');
    await form.getByTestId('query-flag').waitFor();
    expect(await form.getByTestId('query-flag').count()).toBe(1);
    expect(await description(severity)).toContain(QUESTION);
    for (const other of ['Term (no personal data)', 'Onset', 'Outcome']) {
      expect(await description(form.getByLabel(other))).toBe('');
    }
    await screenshotAt(s, form, 'data-query-adverse-event-visit');

    await severity.selectOption('moderate');
    await form.getByLabel('Reason for the correction').fill(REASON);
    await form.getByRole('button', { name: 'Save correction' }).click();
    await form.waitFor({ state: 'detached' });
    const item = atVisit
      .getByRole('region', { name: /Data queries on adverse event Headache/ })
      .getByRole('listitem')
      .filter({ hasText: QUESTION })
      .first();
    await item.locator('li[data-kind="corrected"]').getByText('severity').waitFor();
    expect(await item.locator('li[data-kind="corrected"]').innerText()).toMatch(
      new RegExp(
        `Value corrected by Test site_staff[\\s\\S]*severity: mild → moderate[\\s\\S]*${REASON}`,
      ),
    );
    await answer(item, 'Corrected to moderate.');

    // The monitor closes it; the visit page no longer marks the event.
    await app.t
      .http()
      .post(`/queries/${raised.id}/close`)
      .set(bearer(monitor))
      .send({})
      .expect(200);
    await s.reload();
    await atVisit
      .getByRole('region', { name: /Data queries on adverse event Headache \(0 unresolved\)/ })
      .waitFor();
    await atVisit.getByRole('button', { name: 'Correct adverse event Headache' }).click();
    expect(await form.getByLabel('Severity').inputValue()).toBe('moderate');
    expect(await form.getByTestId('query-flag').count()).toBe(0);

    const q = await detail(raised.id);
    expect(q.events.map((e) => [e.kind, e.role])).toEqual([
      ['raised', 'monitor'],
      ['corrected', 'site_staff'],
      ['answered', 'site_staff'],
      ['closed', 'monitor'],
    ]);
    expect(q.events[1]).toMatchObject({
      text: REASON,
      before: { path: 'severity', value: 'mild' },
      after: { path: 'severity', value: 'moderate' },
    });
    const stored = await app.t
      .http()
      .get(`/follow-up/adverse-events/${ae.id}`)
      .set(bearer(staff))
      .expect(200);
    expect(stored.body).toMatchObject({ severity: 'moderate', term: 'Headache' });
  });

  it('[REQ-MON-001] adverse event between visits: site staff correct its severity and onset date on the participant page with a reason; the correction is linked to the query on the severity', async () => {
    const QUESTION = 'The GP letter says moderate fatigue: please check the severity.';
    const REASON = 'severity and onset per the GP letter of 22 Sep';
    const p = await randomised();
    await app.t
      .http()
      .post(`/follow-up/participants/${p.id}/adverse-events`)
      .set(bearer(staff))
      .send({
        adverseEvents: [
          {
            term: 'Fatigue',
            onsetDate: '2026-09-20',
            awareDate: '2026-09-22',
            severity: 'mild',
            serious: false,
            outcome: 'recovering',
          },
        ],
      })
      .expect(201);
    const [ae] = (
      await app.t
        .http()
        .get(`/follow-up/adverse-events?participantId=${p.id}`)
        .set(bearer(staff))
        .expect(200)
    ).body.items as { id: string; version: number; visitId: string | null }[];
    expect(ae.visitId).toBeNull();
    const raised = await raise({
      recordEntity: 'adverse_event',
      recordId: ae.id,
      itemId: 'adverse_event.severity',
      text: QUESTION,
    });
    const stored = async () =>
      (await app.t.http().get(`/follow-up/adverse-events/${ae.id}`).set(bearer(staff)).expect(200))
        .body as { severity: string; onsetDate: string; version: number };

    // The monitor sees the event and the query, but may not correct it (as the API).
    const m = await app.signedIn(monitor);
    await m.goto(`${app.baseUrl}/app/participants/${p.id}`);
    const monitorSection = m.getByRole('region', { name: 'Adverse events' });
    await monitorSection
      .getByRole('region', { name: /Data queries on adverse event Fatigue/ })
      .waitFor();
    expect(
      await monitorSection.getByRole('button', { name: /^Correct adverse event/ }).count(),
    ).toBe(0);

    // Site staff: the query panel's hint names the button on screen; the form marks the severity.
    const s = await app.signedIn(staff);
    await s.goto(`${app.baseUrl}/app/participants/${p.id}`);
    const section = s.getByRole('region', { name: 'Adverse events' });
    await section.getByText('1 unresolved').first().waitFor();
    const panel = section.getByRole('region', { name: /Data queries on adverse event Fatigue/ });
    const item = panel.getByRole('listitem').filter({ hasText: QUESTION }).first();
    await item.getByRole('button', { name: 'Answer the query' }).click();
    expect(await item.innerText()).toContain('“Correct adverse event”');
    await item.getByRole('button', { name: 'Cancel' }).click();
    await section.getByRole('button', { name: 'Correct adverse event Fatigue' }).click();
    const form = section.getByRole('form', { name: 'Correct adverse event Fatigue' });
    const severity = form.getByLabel('Severity');
    const onset = form.getByLabel('Onset');
    await form.getByTestId('query-flag').waitFor();
    expect(await form.getByTestId('query-flag').count()).toBe(1);
    expect(await description(severity)).toContain(QUESTION);
    for (const other of ['Term (no personal data)', 'Onset', 'Outcome', 'CTCAE grade']) {
      expect(await description(form.getByLabel(other))).toBe('');
    }
    expect(await severity.inputValue()).toBe('mild');
    expect(await onset.inputValue()).toBe('2026-09-20');
    expect(await form.getByLabel('Date the site became aware').inputValue()).toBe('2026-09-22');
    await screenshotAt(s, form, 'adverse-event-correction-between-visits');

    // Without a reason nothing is sent; an onset after the awareness date is refused by the API, the
    // problem shown on the field.
    await severity.selectOption('moderate');
    await onset.fill('2026-09-23');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await form.getByText('Give the reason for the correction').waitFor();
    await form.getByLabel('Reason for the correction').fill(REASON);
    await form.getByRole('button', { name: 'Save correction' }).click();
    await form.locator('.error').first().waitFor();
    // (The API puts the date-order problem on the later date.)
    const aware = form.getByLabel('Date the site became aware');
    expect(await description(aware)).toMatch(/2026-09-23/);
    expect(await description(onset)).toBe('');
    expect(await stored()).toMatchObject({ severity: 'mild', version: ae.version });

    await onset.fill('2026-09-19');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await form.waitFor({ state: 'detached' });
    const corrected = item.locator('li[data-kind="corrected"]');
    await corrected.waitFor();
    expect(await corrected.innerText()).toMatch(
      new RegExp(
        `Value corrected by Test site_staff[\\s\\S]*severity: mild → moderate[\\s\\S]*${REASON}`,
      ),
    );
    expect(await section.innerText()).toMatch(/Fatigue[\s\S]*Moderate[\s\S]*onset 19 Sep 2026/);

    // The stored values, the new version, the audit row and the query's step.
    expect(await stored()).toMatchObject({
      severity: 'moderate',
      onsetDate: '2026-09-19',
      version: ae.version + 1,
    });
    const audit = (await app.t.dataSource.query(
      `SELECT before, after, reason FROM audit_log
       WHERE action = 'follow-up.adverse_event_corrected' AND entity_id = $1`,
      [ae.id],
    )) as { before: unknown; after: unknown; reason: string }[];
    expect(audit).toEqual([
      {
        before: { severity: 'mild', onsetDate: '2026-09-20' },
        after: { severity: 'moderate', onsetDate: '2026-09-19' },
        reason: REASON,
      },
    ]);
    const q = await detail(raised.id);
    expect(q.events.map((e) => [e.kind, e.role])).toEqual([
      ['raised', 'monitor'],
      ['corrected', 'site_staff'],
    ]);
    expect(q.events[1]).toMatchObject({
      text: REASON,
      recordVersion: ae.version + 1,
      before: { path: 'severity', value: 'mild' },
      after: { path: 'severity', value: 'moderate' },
    });

    // Reopened, the form starts from the corrected values.
    await section.getByRole('button', { name: 'Correct adverse event Fatigue' }).click();
    expect(await form.getByLabel('Severity').inputValue()).toBe('moderate');
    expect(await form.getByLabel('Onset').inputValue()).toBe('2026-09-19');

    // Changed by someone else meanwhile: the correction is refused (stale version), nothing changes.
    await app.t
      .http()
      .patch(`/follow-up/adverse-events/${ae.id}`)
      .set(bearer(coordinator))
      .send({ outcome: 'recovered', endDate: '2026-10-01', reason: 'phone call' })
      .expect(200);
    await form.getByLabel('Severity').selectOption('severe');
    await form.getByLabel('Reason for the correction').fill('second thoughts');
    await form.getByRole('button', { name: 'Save correction' }).click();
    const stale = form.getByRole('alert').filter({ hasText: 'Someone changed this record' });
    await stale.waitFor();
    expect(await stale.innerText()).toMatch(/outcome[\s\S]*endDate|endDate[\s\S]*outcome/);
    expect(await stored()).toMatchObject({ severity: 'moderate', version: ae.version + 2 });
  });

  it('[REQ-MON-001] screening record: a query on the screening EDSS is marked on the screening form; the coordinator corrects and answers', async () => {
    const QUESTION = 'The neurology letter of the screening visit says EDSS 4.0.';
    const REASON = 'EDSS per the neurology letter';
    const ANSWER = 'Corrected to 4.0 from the letter.';
    const siteId = await app.t.factory.site('NL-AMS');
    const reg = await app.t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId,
        identity: { givenName: 'Query', familyName: 'Screening', birthDate: '1988-02-14' },
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
    const entered = await app.t
      .http()
      .patch(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .send(data)
      .expect(200);
    const episode = entered.body as { id: string; version: number; data: { edss: object } };
    expect(episode.data.edss).toMatchObject({ score: 3.5 });
    const raised = await raise({
      recordEntity: 'screening_record',
      recordId: episode.id,
      itemId: 'screening.edss',
      text: QUESTION,
    });
    expect(raised).toMatchObject({ item: { path: 'edss.score' } });

    // The coordinator's worklist links to the participant page at the query.
    const c = await app.signedIn(coordinator);
    await c.goto(`${app.baseUrl}/app/worklist`);
    await openRow(c, QUESTION).waitFor();
    expect(await openRow(c, QUESTION).innerText()).toMatch(/Screening record[\s\S]*EDSS/);
    await openRow(c, QUESTION).getByRole('link').first().click();
    await c.waitForURL(new RegExp(`/app/participants/${id}#query-${raised.id}$`));

    // The screening form marks the EDSS score, and only it.
    const form = c.locator('form[aria-labelledby="screening-h"]');
    const edss = form.getByLabel('EDSS score');
    await form.getByTestId('query-flag').waitFor();
    expect(await form.getByTestId('query-flag').count()).toBe(1);
    expect(await description(edss)).toContain(QUESTION);
    expect(await description(form.getByLabel('EDSS date'))).toBe('');
    expect(await description(form.getByLabel('Disease course'))).toBe('');
    await screenshotAt(c, form.getByRole('group', { name: 'EDSS' }), 'data-query-screening');

    expect(await edss.inputValue()).toBe('3.5');
    await edss.selectOption('4.0');
    await form.getByLabel('Reason for the correction').fill(REASON);
    await form.getByRole('button', { name: 'Save screening data' }).click();
    await c.getByText('Screening data saved.').waitFor();
    const item = c
      .getByRole('region', { name: /Data queries on the screening record/ })
      .getByRole('listitem')
      .filter({ hasText: QUESTION })
      .first();
    await item.locator('li[data-kind="corrected"]').waitFor();
    expect(await item.locator('li[data-kind="corrected"]').innerText()).toMatch(
      new RegExp(
        `Value corrected by Test coordinator[\\s\\S]*edss\\.score: 3\\.5 → 4[\\s\\S]*${REASON}`,
      ),
    );
    await answer(item, ANSWER);
    // Answered and waiting for the monitor: still marked on the form.
    expect(await form.getByTestId('query-flag').innerText()).toMatch(
      /Data query answered \(waiting for the monitor\)/,
    );

    // Closed by the monitor: no longer marked.
    await app.t
      .http()
      .post(`/queries/${raised.id}/close`)
      .set(bearer(monitor))
      .send({ text: 'Thank you' })
      .expect(200);
    await c.reload();
    await c
      .getByRole('region', { name: /Data queries on the screening record \(0 unresolved\)/ })
      .waitFor();
    expect(await form.getByLabel('EDSS score').inputValue()).toBe('4.0');
    expect(await form.getByTestId('query-flag').count()).toBe(0);
    expect(await description(form.getByLabel('EDSS score'))).not.toContain(QUESTION);

    const stored = await app.t
      .http()
      .get(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .expect(200);
    expect(stored.body.data.edss).toMatchObject({ score: 4 });
    const q = await detail(raised.id);
    expect(q.events.map((e) => [e.kind, e.role])).toEqual([
      ['raised', 'monitor'],
      ['corrected', 'coordinator'],
      ['answered', 'coordinator'],
      ['closed', 'monitor'],
    ]);
    expect(q.events[1]).toMatchObject({
      text: REASON,
      before: { path: 'edss.score', value: 3.5 },
      after: { path: 'edss.score', value: 4 },
    });
    expect(q.events[2]).toMatchObject({ text: ANSWER });
  });

  it('[REQ-MON-002] [REQ-BLIND-001] an edit check raises a query on the blinded EDSS: on the assessor worklist and marked on the assessor form, nothing arm-revealing on screen; the assessor answers', async () => {
    const ANSWER = 'Score confirmed on re-examination; no relapse reported to me.';
    const p = await randomised();
    const [w12, w24] = [p.visit('W012'), p.visit('W024')];
    const log = (visitId: string, visitDate: string) =>
      app.t
        .http()
        .post(`/follow-up/visits/${visitId}/log`)
        .set(bearer(staff))
        .send({ visitDate, relapseAssessment: { newRelapse: false } })
        .expect(200);
    const edss = (visitId: string, score: number, assessedOn: string) =>
      app.t
        .http()
        .post(`/follow-up/visits/${visitId}/assessment`)
        .set(bearer(assessor))
        .send({ edss: { score, rater: 'NS-4711', assessedOn } })
        .expect(200);
    await log(w12, '2026-06-20');
    await edss(w12, 3, '2026-06-20');
    await log(w24, '2026-09-12');
    await edss(w24, 4, '2026-09-12');
    const raisedRows = (await app.t.dataSource.query(
      `SELECT id FROM data_queries WHERE check_id = 'edss_rise_without_relapse' AND record_id = $1`,
      [w24],
    )) as { id: string }[];
    expect(raisedRows).toHaveLength(1);
    const queryId = raisedRows[0].id;
    const raised = await detail(queryId);
    expect(raised).toMatchObject({
      status: 'open',
      origin: 'edit_check',
      record: { entity: 'visit_assessment', id: w24 },
      item: { id: 'assessment.edss', path: 'edss.score' },
    });
    const question = raised.text;
    expect(question).toContain('EDSS 4.0 is 1.0 above the previous EDSS');

    // 1. On the assessor's worklist, with a link to the visit.
    const a = await app.signedIn(assessor);
    await a.getByRole('heading', { name: 'Assessments to do' }).waitFor();
    const row = openRow(a, question);
    await row.waitFor();
    expect(await row.innerText()).toMatch(
      new RegExp(`${p.studyId}[\\s\\S]*Blinded assessment[\\s\\S]*EDSS`),
    );
    await assertBlind(a, 'the assessor worklist with an open query');
    await row.getByRole('link', { name: p.studyId }).click();
    await a.waitForURL(new RegExp(`/app/visits/${w24}#query-${queryId}$`));

    // 2. The EDSS score is marked on the assessor's form, the question its description.
    const form = a.getByRole('form', { name: 'Blinded assessment' });
    const score = form.getByLabel('EDSS score');
    await form.getByTestId('query-flag').waitFor();
    expect(await form.getByTestId('query-flag').count()).toBe(1);
    expect(await description(score)).toContain(question);
    expect(await description(form.getByLabel('Rater (certified, blinded)'))).not.toContain(
      question,
    );
    expect(await score.inputValue()).toBe('4.0');
    const panel = a.getByRole('region', { name: /Data queries on the blinded assessment/ });
    const item = panel.getByRole('listitem').filter({ hasText: question }).first();
    await item.getByRole('heading').getByText('Open', { exact: true }).waitFor();
    expect(await item.getByRole('list', { name: 'Steps of the query' }).innerText()).toMatch(
      /Raised by the system \(edit check\)/,
    );
    // The assessor raises nothing (the monitor does), and the site's visit log is not shown.
    expect(await panel.getByRole('button', { name: /Raise a query/ }).count()).toBe(0);
    expect(await a.getByRole('region', { name: /Data queries on the visit log/ }).count()).toBe(0);
    await assertBlind(a, 'the visit page with the query');
    await screenshotAt(a, form, 'data-query-assessor-edss');

    // 3. Answers (the score stands): answered, still marked until the monitor closes it.
    await answer(item, ANSWER);
    expect(await form.getByTestId('query-flag').innerText()).toMatch(
      /Data query answered \(waiting for the monitor\)/,
    );
    await assertBlind(a, 'the visit page after answering');
    await a.goto(`${app.baseUrl}/app/assessments`);
    await worklistLoaded(a);
    expect(await openRow(a, question).count()).toBe(0);
    await assertBlind(a, 'the assessor worklist after answering');

    const q = await detail(queryId);
    expect(q.status).toBe('answered');
    expect(q.events.map((e) => [e.kind, e.by, e.role, e.text])).toEqual([
      ['raised', null, 'system', expect.any(String)],
      ['answered', 'Test blinded_assessor', 'blinded_assessor', ANSWER],
    ]);
    expect(await audits(queryId)).toEqual([
      ['query.raised', null, 'system'],
      ['query.answered', assessor.id, 'blinded_assessor'],
    ]);
    const visit = await app.t
      .http()
      .get(`/follow-up/visits/${w24}`)
      .set(bearer(assessor))
      .expect(200);
    expect(visit.body.visit.edss).toMatchObject({ score: 4 });
  });
});
