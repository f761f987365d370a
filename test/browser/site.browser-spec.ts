import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { bearer, type TestUser } from '../harness/factory';
import { assertBlind, screenshot, screenshotAt, startBrowserApp, type BrowserApp } from './harness';

const NOW = '2026-03-02T10:00:00Z';
const RANDOMISED = '2026-03-01T09:00:00Z';

/**
 * After randomisation, in the browser: a transplant booking on the centre page, a site logging a
 * visit (with a serious adverse event and its reporting clock), the blinded assessor entering
 * EDSS with nothing on screen that reveals the arm, the notifications inbox, reports and admin.
 */
describe('transplant centre, follow-up and blinded assessment in the browser', () => {
  let app: BrowserApp;
  let coordinator: TestUser;
  let staff: TestUser;
  let assessor: TestUser;
  let armA: { id: string; studyId: string };
  let armB: { id: string; studyId: string };

  beforeAll(async () => {
    app = await startBrowserApp({ now: NOW });
    const { factory } = app.t;
    coordinator = await factory.user('coordinator', { sites: ['NL-AMS'] });
    await factory.user('investigator', { sites: ['NL-AMS'] });
    staff = await factory.user('site_staff', { sites: ['NL-AMS'] });
    assessor = await factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    const followUp = app.t.app.get(FollowUpService);
    armA = await factory.participant('NL-AMS');
    await factory.allocation(armA.id, 'A', RANDOMISED);
    await followUp.generateSchedule(armA.id);
    await followUp.reanchor(armA.id, '2026-04-20');
    armB = await factory.participant('NL-AMS');
    await factory.allocation(armB.id, 'B', RANDOMISED);
    await followUp.generateSchedule(armB.id);
  });
  afterAll(() => app.close());

  const visitId = async (participantId: string, code: string) =>
    (
      (await app.t.dataSource.query(
        `SELECT id FROM visits WHERE participant_id = $1 AND code = $2`,
        [participantId, code],
      )) as { id: string }[]
    )[0].id;

  it('books a transplant place on the transplant centre page', async () => {
    const p = await app.signedIn(coordinator);
    await p.getByRole('link', { name: 'Transplant centre' }).click();
    await p
      .getByRole('heading', { name: 'Transplant centre: Amsterdam UMC, location VUmc' })
      .waitFor();
    const quarters = p.getByRole('table', { name: 'Transplant places per quarter' });
    await quarters.getByRole('row', { name: /2026-Q2/ }).waitFor();
    await p.getByRole('heading', { name: 'Arm-A participants without a booking' }).waitFor();
    await p.getByRole('button', { name: `Book a transplant place for ${armA.studyId}` }).click();

    const detail = p.getByRole('region', { name: `Booking of ${armA.studyId} at NL-AMS` });
    await detail.waitFor();
    const bookings = await app.t
      .http()
      .get(`/scheduling/participants/${armA.id}/bookings`)
      .set(bearer(coordinator))
      .expect(200);
    expect(bookings.body).toHaveLength(1);
    const booking = bookings.body[0];
    expect(['booked', 'waitlisted']).toContain(booking.status);
    expect(await detail.innerText()).toContain(
      booking.status === 'booked' ? `Booked for ${booking.quarter}` : 'Waitlisted',
    );
    if (booking.quarter) {
      const row = await quarters
        .getByRole('row', { name: new RegExp(booking.quarter) })
        .innerText();
      expect(row.split('\t')[2]?.trim()).toBe('1'); // booked
    }
    // The booking is listed, and nobody is left without one.
    await p
      .getByRole('table')
      .filter({ hasText: 'Planned admission' })
      .getByRole('row', { name: new RegExp(armA.studyId) })
      .waitFor();
    expect(
      await p.getByRole('heading', { name: 'Arm-A participants without a booking' }).count(),
    ).toBe(0);
    await screenshotAt(p, p.getByRole('heading', { level: 1 }), 'transplant-centre');

    // The arm-A plan: record the actual dates of the first phase.
    await detail.getByRole('button', { name: 'Record phase: Pre-transplant evaluation' }).click();
    const phase = detail.getByRole('form', { name: 'Record phase evaluation' });
    await phase.getByLabel('Actual first day').fill('2026-03-02');
    await phase.getByLabel('Actual last day').fill('2026-03-02');
    await phase.getByRole('button', { name: 'Save phase' }).click();
    await detail
      .getByRole('row', { name: /Pre-transplant evaluation/ })
      .getByText('2 Mar 2026 – 2 Mar 2026')
      .waitFor();
    const recorded = await app.t
      .http()
      .get(`/scheduling/bookings/${booking.id}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(recorded.body.plan.phases[0]).toMatchObject({
      code: 'evaluation',
      outcome: 'done',
      actualStart: '2026-03-02',
    });
    await screenshotAt(p, detail, 'transplant-booking');
  });

  it('lets site staff log a visit, with a serious adverse event whose reporting clock starts', async () => {
    const p = await app.signedIn(staff);
    await p.getByRole('heading', { name: 'Follow-up at NL-AMS' }).waitFor();
    const upcoming = p.getByRole('region', { name: 'Upcoming visits' });
    await upcoming
      .getByRole('row', { name: new RegExp(`${armB.studyId}.*W000`) })
      .getByRole('link')
      .click();
    await p.getByRole('heading', { name: 'Visit W000: Randomisation / baseline' }).waitFor();
    const form = p.getByRole('form', { name: 'Log this visit' });
    expect(await form.getByLabel('Date the visit took place').inputValue()).toBe('2026-03-02');
    await form
      .getByRole('group', { name: 'New relapse since the previous visit?' })
      .getByLabel('No')
      .check();
    await form.getByLabel('Bloods').check();
    await form.getByLabel('MSIS29').check();
    await form.getByRole('button', { name: 'Add an adverse event' }).click();
    const ae = form.getByRole('group', { name: 'Adverse event 1' });
    await ae.getByLabel('Term (no personal data)').fill('Pneumonia');
    await ae.getByLabel('Onset').fill('2026-03-01');
    await ae.getByLabel('Severity').selectOption('severe');
    await ae.getByLabel(/Serious \(SAE/).check();
    await ae.getByLabel('Hospitalisation').check();
    await screenshotAt(p, form, 'visit-log');
    await form.getByRole('button', { name: 'Log visit' }).click();
    await p.getByText('Visit saved.').waitFor();
    await p.getByText('Logged', { exact: true }).waitFor();

    const logged = await app.t
      .http()
      .get(`/follow-up/visits/${await visitId(armB.id, 'W000')}`)
      .set(bearer(staff))
      .expect(200);
    expect(logged.body.visit).toMatchObject({ status: 'logged', loggedDate: '2026-03-02' });
    expect(logged.body.adverseEvents).toEqual([
      expect.objectContaining({ term: 'Pneumonia', serious: true }),
    ]);

    await p.getByRole('link', { name: 'Follow-up' }).click();
    const sae = p.getByRole('region', { name: /Serious adverse events/ });
    await sae.getByText('Pneumonia (onset 1 Mar 2026)').waitFor();
    expect(await sae.innerText()).toMatch(/due 3 Mar 2026, 11:00 \S+ \(24 h left\)/);
    await screenshot(p, 'follow-up');
  });

  it('[REQ-BLIND-001] lets the blinded assessor record EDSS with nothing on screen that reveals the arm', async () => {
    const p = await app.signedIn(assessor);
    // The assessor lands on their worklist, where the visit the site logged waits for its reads.
    await p.getByRole('heading', { name: 'Assessments to do' }).waitFor();
    const todo = p.getByRole('row', { name: new RegExp(`${armB.studyId}.*W000.*Logged`) });
    await todo.waitFor();
    await assertBlind(p, 'the assessor worklist');
    await screenshot(p, 'assessor-worklist');
    await p.setViewportSize({ width: 768, height: 900 });
    await screenshot(p, 'assessor-worklist-768');
    await p.setViewportSize({ width: 1280, height: 900 });
    await todo.getByRole('link').click();
    await p.getByRole('heading', { name: 'Blinded assessment' }).waitFor();
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Follow-up' })
      .click();
    await p.getByRole('heading', { name: 'Follow-up at NL-AMS' }).waitFor();
    const upcoming = p.getByRole('region', { name: 'Upcoming visits' });
    await upcoming.getByRole('row', { name: new RegExp(`${armA.studyId}.*W000`) }).waitFor();
    expect(
      await p
        .getByRole('heading', { name: 'Serious adverse events: the 24-hour reporting clock' })
        .count(),
    ).toBe(0);
    await assertBlind(p, 'the follow-up page');

    await upcoming
      .getByRole('row', { name: new RegExp(`${armA.studyId}.*W000`) })
      .getByRole('link')
      .click();
    await p.getByRole('heading', { name: 'Blinded assessment' }).waitFor();
    await assertBlind(p, 'the visit page');
    const form = p.getByRole('form', { name: 'Blinded assessment' });
    await form.getByLabel('EDSS score').selectOption('3.0');
    await form.getByLabel('Rater (certified, blinded)').fill('NS-4711');
    expect(await form.getByLabel('Examination date').inputValue()).toBe('2026-03-02');
    await form.getByRole('button', { name: 'Save assessment' }).click();
    await p.getByText('Assessment saved.').waitFor();
    await p.getByText(/Recorded: EDSS 3\.0 on 2 Mar 2026 by NS-4711/).waitFor();
    await assertBlind(p, 'the visit page after saving');
    await screenshot(p, 'blinded-assessment');

    await p.getByRole('link', { name: armA.studyId }).click();
    await p.getByRole('heading', { name: armA.studyId, level: 1 }).waitFor();
    await p.getByRole('region', { name: 'Visits' }).getByRole('link').first().waitFor();
    await assertBlind(p, 'the participant page');
    for (const nav of await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link')
      .allInnerTexts()) {
      expect([
        'Assessments to do',
        'Follow-up',
        'Calendar subscriptions',
        'Security',
        'Notifications',
        'Exports',
      ]).toContain(nav.trim());
    }
    // The assessor's exports are always blinded: the page says so and shows nothing arm-revealing.
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Exports' })
      .click();
    await p.getByRole('heading', { name: 'Exports', level: 1 }).waitFor();
    await assertBlind(p, 'the exports page');

    const visit = await app.t
      .http()
      .get(`/follow-up/visits/${await visitId(armA.id, 'W000')}`)
      .set(bearer(staff))
      .expect(200);
    expect(visit.body.visit.edss).toEqual({ score: 3, assessedOn: '2026-03-02', rater: 'NS-4711' });
  });

  it('shows the notifications inbox with its unread count', async () => {
    await app.t.drainJobs(30_000);
    const unread = await app.t
      .http()
      .get('/notifications/unread-count')
      .set(bearer(coordinator))
      .expect(200);
    const p = await app.signedIn(coordinator);
    const link = p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Notifications/ });
    if (unread.body.unread > 0) {
      await link.getByText(String(unread.body.unread), { exact: true }).waitFor();
    }
    await link.click();
    await p.getByRole('heading', { name: 'Notifications' }).waitFor();
    await p.getByText(`${unread.body.unread} unread`).waitFor();
    await screenshot(p, 'notifications');
    await p.getByRole('button', { name: 'Mark all read' }).click();
    await p.getByText('0 unread').waitFor();
    expect(await link.locator('.badge').count()).toBe(0);
  });

  it('shows the reports and the admin pages', async () => {
    const monitor = await app.t.factory.user('monitor', { trialWide: true });
    const m = await app.signedIn(monitor);
    await m.getByRole('heading', { name: 'Reports' }).waitFor();
    const consort = m.getByRole('img', {
      name: /CONSORT flow: \d+ assessed for eligibility, 2 randomised/,
    });
    await consort.waitFor();
    expect(
      await consort.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(100);
    await m
      .getByRole('heading', { name: 'Follow-up and retention per site (this month)' })
      .waitFor();
    await m
      .getByRole('row', { name: /NL-AMS/ })
      .first()
      .waitFor();
    await screenshot(m, 'reports');

    const admin = await app.t.factory.user('admin', { trialWide: true });
    const a = await app.signedIn(admin);
    await a.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await a.getByRole('row', { name: new RegExp(assessor.email) }).waitFor();
    await screenshot(a, 'admin-users');
    await a.getByRole('link', { name: 'Sites & capacity' }).click();
    await a.getByRole('button', { name: 'Change NL-AMS' }).click();
    await a.getByLabel('Reason for a change (audited)').fill('Extra theatre time');
    await a.getByLabel('Places in 2026-Q4').fill('3');
    await a.getByRole('button', { name: 'Set 2026-Q4' }).click();
    await a.getByText('(differs from the default)').waitFor();
    await screenshotAt(
      a,
      a.getByRole('heading', { name: 'Transplant places per quarter' }),
      'admin-capacity',
    );
    await a.getByRole('link', { name: 'Audit trail' }).click();
    await a.getByRole('button', { name: 'Verify the chain' }).click();
    await a.getByText(/The chain is intact: \d+ rows verified\./).waitFor();
    await a
      .getByRole('cell', { name: 'site.capacity_set' })
      .or(a.getByRole('cell', { name: /capacity/ }))
      .first()
      .waitFor();
    await screenshot(a, 'audit');
  });
});
