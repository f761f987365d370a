import type { Page } from 'playwright-core';
import { bearer, type TestUser } from '../harness/factory';
import { PATHWAY_NOW } from '../harness/pathway';
import { screenshot, screenshotAt, startBrowserApp, visibleText, type BrowserApp } from './harness';

/**
 * The enrolment pathway in the browser (ram-ms.md §6): the public questionnaire stops one person
 * and registers another; a coordinator takes the candidate through the pathway to an eligible
 * assessment the investigator signs; the statistician takes randomisation live; the investigator
 * randomises and sees the allocation. Each step is read back through the API.
 */
describe('enrolment in the browser', () => {
  let app: BrowserApp;
  let coordinator: TestUser;
  let investigator: TestUser;
  let statistician: TestUser;
  let candidateId: string;

  beforeAll(async () => {
    app = await startBrowserApp({ now: PATHWAY_NOW });
    coordinator = await app.t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await app.t.factory.user('investigator', { sites: ['NL-AMS'] });
    statistician = await app.t.factory.user('statistician', { trialWide: true });
  });
  afterAll(() => app.close());

  const participants = async () =>
    (await app.t.dataSource.query(
      `SELECT id, status, study_id AS "studyId" FROM participants`,
    )) as { id: string; status: string; studyId: string | null }[];
  const group = (p: Page, legend: string) => p.getByRole('group', { name: legend, exact: true });

  /** Answers of someone who may qualify (the engine builders' eligible record, in lay terms). */
  async function answerHopefully(p: Page): Promise<void> {
    await p.getByLabel('What is your date of birth?').fill('1990-05-10');
    await group(p, 'Which type of MS did your neurologist diagnose?')
      .getByLabel('Relapsing-remitting MS (RRMS)')
      .check();
    await p.getByLabel('Which MS medicine do you use now?').selectOption('interferon_beta');
    await p.getByLabel('Since when (approximately)?').fill('2024-01-01');
    const relapse = group(p, 'Did you have a relapse (an attack) in the last 12 months?');
    await relapse.getByLabel('Yes', { exact: true }).check();
    await p.getByLabel('When did that relapse start (approximately)?').fill('2025-09-01');
    await group(
      p,
      'Was that relapse treated with a high dose of corticosteroids (e.g. methylprednisolone)?',
    )
      .getByLabel('Yes', { exact: true })
      .check();
    await group(p, 'Did an MRI in the last 12 months show new or active spots (lesions)?')
      .getByLabel("I don't know")
      .check();
    await group(p, 'Are you pregnant or breastfeeding?').getByLabel('No', { exact: true }).check();
    await group(p, 'Are you treated by a neurologist who can send us your medical records?')
      .getByLabel('Yes', { exact: true })
      .check();
    await group(
      p,
      'In the study a computer decides which treatment you get (a lottery). Do you agree to that?',
    )
      .getByLabel('Yes', { exact: true })
      .check();
    await group(
      p,
      'Do you want to hear the results of the tests for TB, hepatitis and HIV that are part of the screening?',
    )
      .getByLabel('Yes', { exact: true })
      .check();
  }

  it('[REQ-ELIG-005] stops, kindly and in Dutch, someone who cannot qualify, and stores nothing', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/prescreening`);
    await screenshot(p, 'prescreening-questions');
    await p.getByRole('button', { name: 'Taal: Nederlands' }).click();
    await p
      .getByRole('heading', { name: 'Stamceltherapie bij MS: is het onderzoek iets voor u?' })
      .waitFor();
    expect(await p.locator('html').getAttribute('lang')).toBe('nl');

    await p.getByLabel('Wat is uw geboortedatum?').fill('1988-02-02');
    await group(p, 'Welke vorm van MS heeft uw neuroloog vastgesteld?')
      .getByLabel('Relapsing-remitting MS (RRMS)')
      .check();
    await p.getByLabel('Welk MS-medicijn gebruikt u nu?').selectOption('natalizumab');
    await group(p, 'Bent u ooit behandeld met een van deze? (vink alles aan wat geldt)')
      .getByLabel('Alemtuzumab (Lemtrada)')
      .check();
    await group(p, 'Heeft u de afgelopen 12 maanden een schub (aanval) gehad?')
      .getByLabel('Weet ik niet')
      .check();
    await group(
      p,
      'Liet een MRI in de afgelopen 12 maanden nieuwe of actieve plekken (laesies) zien?',
    )
      .getByLabel('Weet ik niet')
      .check();
    await group(p, 'Bent u zwanger of geeft u borstvoeding?')
      .getByLabel('Nee', { exact: true })
      .check();
    await group(
      p,
      'Wordt u behandeld door een neuroloog die uw medische gegevens naar ons kan sturen?',
    )
      .getByLabel('Ja', { exact: true })
      .check();
    // Unanswered questions are named before anything is sent.
    await p.getByRole('button', { name: 'Controleer mijn antwoorden' }).click();
    await p.getByText('Verbeter de antwoorden die hieronder zijn gemarkeerd.').waitFor();
    await group(
      p,
      'In het onderzoek bepaalt een computer welke behandeling u krijgt (loting). Gaat u daarmee akkoord?',
    )
      .getByLabel('Nee', { exact: true })
      .check();
    await group(
      p,
      'Wilt u de uitslagen horen van de testen op tbc, hepatitis en hiv die bij de screening horen?',
    )
      .getByLabel('Ja', { exact: true })
      .check();
    await p.getByRole('button', { name: 'Controleer mijn antwoorden' }).click();

    await p.getByRole('heading', { name: 'Dank u voor uw belangstelling' }).waitFor();
    const text = await visibleText(p);
    expect(text).toContain(
      'Mensen die eerder zijn behandeld met alemtuzumab, cladribine, ocrelizumab of een stamceltransplantatie kunnen niet meedoen.',
    );
    expect(text).toContain('In het onderzoek bepaalt een computer de behandeling.');
    expect(text).toContain('Uw antwoorden zijn niet opgeslagen.');
    // It stops: no registration form is offered.
    expect(await p.getByRole('button', { name: 'Aanmelden' }).count()).toBe(0);
    await screenshot(p, 'prescreening-stop');
    expect(await participants()).toEqual([]);
  });

  it('registers someone who may qualify as a pre-screened candidate at the chosen site', async () => {
    const p = await app.page();
    await p.goto(`${app.baseUrl}/app/prescreening`);
    await answerHopefully(p);
    await p.getByRole('button', { name: 'Check my answers' }).click();
    await p.getByRole('heading', { name: 'You may qualify: register' }).waitFor();
    expect(
      await p
        .getByLabel('Where would you like to be screened?')
        .locator('option:checked')
        .innerText(),
    ).toMatch(/Amsterdam/);
    await p.getByLabel('Given name').fill('Anna');
    await p.getByLabel('Family name').fill('de Vries');
    await p.getByLabel('E-mail address').fill('anna@example.org');
    await p.getByLabel('Phone number').fill('+31 6 1234 5678');
    await p.getByRole('button', { name: 'Register', exact: true }).click();
    await p.getByText('Tick this box to register').waitFor();
    await p.getByLabel(/I agree that the study team stores my answers/).check();
    await p.getByRole('button', { name: 'Register', exact: true }).click();
    await p.getByRole('heading', { name: 'Thank you: you are registered' }).waitFor();
    const text = await visibleText(p);
    expect(text).toContain('Your registration was sent to Amsterdam UMC');
    expect(text).toContain('a member of the team calls you');
    expect(text).toContain('screening visit');
    expect(p.url()).toBe(`${app.baseUrl}/app/prescreening`); // nothing personal in the address
    await screenshot(p, 'prescreening-registered');

    const rows = await participants();
    expect(rows).toEqual([{ id: expect.any(String), status: 'pre_screened', studyId: null }]);
    candidateId = rows[0].id;
    const identity = await app.t
      .http()
      .get(`/participants/${candidateId}/identity`)
      .set(bearer(coordinator))
      .expect(200);
    expect(identity.body).toMatchObject({
      givenName: 'Anna',
      familyName: 'de Vries',
      birthDate: '1990-05-10',
    });
  });

  it('[REQ-ESIG-001] lets a coordinator take the candidate through the pathway to an eligible assessment the investigator signs', async () => {
    const p = await app.signedIn(coordinator);
    await p.getByRole('heading', { name: 'Candidate worklist' }).waitFor();
    const preScreened = p.getByRole('region', { name: /Pre-screened \(web form\)/ });
    await preScreened.getByRole('link', { name: /Pre-screened candidate/ }).waitFor();
    expect(await preScreened.innerText()).toContain('Team review of the web questionnaire');
    await screenshot(p, 'worklist');
    await preScreened.getByRole('link', { name: /Pre-screened candidate/ }).click();
    await p.getByRole('heading', { name: 'Answers from the web questionnaire' }).waitFor();
    expect(p.url()).toBe(`${app.baseUrl}/app/participants/${candidateId}`);

    // The pathway steps, each recorded with who and when.
    await p.getByRole('button', { name: 'Register (assign a study id)' }).click();
    await p.getByRole('heading', { name: 'NL-AMS-0001', level: 1 }).waitFor();
    for (const step of [
      'Phone check done',
      'Records reviewed',
      'Screening visit planned',
      'Screening visit done',
    ]) {
      await p.getByRole('button', { name: step, exact: true }).click();
      await p.getByRole('list').getByText(step, { exact: true }).first().waitFor();
    }
    await p.getByText('Waiting for: Screening data, the eligibility assessment').waitFor();
    expect(await p.locator('.timeline').innerText()).toContain('by Test coordinator');

    // Every field of the screening record, from the records and the screening visit.
    const form = p.locator('form[aria-labelledby="screening-h"]');
    await form.getByLabel('Disease course').selectOption('RRMS');
    await form.getByLabel('Revised McDonald criteria met').selectOption('true');
    await form.getByLabel('Symptom onset date').fill('2019-02-01');
    await form.getByLabel('Diagnosis date').fill('2019-06-01');
    await form.getByLabel('EDSS score').selectOption('3.5');
    await form.getByLabel('EDSS date').fill('2026-02-15');
    await form.getByLabel('Assessed in a stable phase').selectOption('true');
    await form.getByRole('button', { name: 'Add a relapse' }).click();
    await form.getByLabel('Relapse 1: onset date').fill('2026-06-01'); // in the future: the API refuses it
    await form.getByLabel('Treated with high-dose steroids').selectOption('true');
    await form.getByLabel('Clinically relevant', { exact: true }).selectOption('true');
    await form.getByRole('button', { name: 'Add an MRI exam' }).click();
    await form.getByLabel('MRI 1: exam date').fill('2025-10-01');
    await form.getByLabel('Exam id (optional)').fill('mri-1');
    await form.getByLabel('Gd-enhancing T1 lesions').fill('1');
    await form.getByLabel('New or enlarging T2 lesions').fill('0');
    await form.getByRole('button', { name: 'Add a treatment' }).click();
    await form.getByLabel('Treatment 1: drug').selectOption('interferon_beta');
    await form.getByLabel('Start date').fill('2024-01-01');
    await form.getByLabel('Still on it').check();
    for (const test of [
      'Tuberculosis (TB)',
      'HIV',
      'Hepatitis B (HBsAg)',
      'Hepatitis C (HCV PCR)',
      'Syphilis',
    ]) {
      await form.getByLabel(test, { exact: true }).selectOption('negative');
    }
    for (const label of ['CMV', 'EBV', 'HSV', 'VZV', 'Toxoplasmosis']) {
      await form.getByLabel(label, { exact: true }).selectOption('false');
    }
    for (const label of [
      'Contraindication or hypersensitivity to study medication',
      'Disease that rules out the needed medication',
      'Severe depression',
      'Alcohol or drug addiction',
      'Clinically relevant cardiovascular risk',
      'Active malignancy',
      'Past malignancy other than basal-cell carcinoma or CIN',
      'Pregnant or breastfeeding',
    ]) {
      await form.getByLabel(label, { exact: true }).selectOption('false');
    }
    for (const label of [
      'Childbearing potential (self or partner)',
      'Agrees to highly effective contraception',
      'Referred from a neurology department',
      'Willing to be randomised',
      'Willing to learn the infection test results',
    ]) {
      await form.getByLabel(label, { exact: true }).selectOption('true');
    }
    await form.getByRole('button', { name: 'Save screening data' }).click();

    // The API's field-level error appears at the field, and nothing is saved.
    const onset = form.getByLabel('Relapse 1: onset date');
    await form.getByText('Is after today (2026-03-01)').waitFor();
    expect(await onset.getAttribute('aria-invalid')).toBe('true');
    const described = (await onset.getAttribute('aria-describedby')) ?? '';
    expect(await p.locator(`[id="${described.split(' ').pop()}"]`).innerText()).toBe(
      'Is after today (2026-03-01)',
    );
    await screenshotAt(p, form.getByRole('group', { name: 'Relapse 1' }), 'screening-field-error');
    await onset.fill('2025-09-01');
    await form.getByRole('button', { name: 'Save screening data' }).click();
    await form.getByText('Screening data saved.').waitFor();

    // Eligibility per criterion, two criteria sets side by side.
    const eligibility = p.getByRole('region', { name: 'Eligibility, per criterion' });
    await eligibility
      .getByRole('region', { name: 'RAM-MS v2 (2021 amendment)' })
      .getByText('Eligible', { exact: true })
      .waitFor();
    await eligibility
      .getByRole('region', { name: 'ZIN 2022' })
      .getByText('Not eligible', { exact: true })
      .waitFor();
    expect(await eligibility.innerText()).toContain(
      'age 35 at 2026-03-01 is within >= 18 and <= 50',
    );
    await p.getByRole('button', { name: 'Make an eligibility assessment' }).click();
    await p
      .getByRole('table', { name: 'Assessments of this candidate' })
      .getByText('Eligible')
      .waitFor();
    await screenshotAt(p, eligibility, 'participant-eligibility');

    // The investigator signs with the password entered again; a wrong one signs nothing.
    const inv = await app.signedIn(investigator);
    await inv.goto(`${app.baseUrl}/app/participants/${candidateId}`);
    await inv.getByRole('button', { name: 'Sign this assessment' }).click();
    const dialog = inv.getByRole('dialog', { name: 'Sign the eligibility decision' });
    await dialog.getByLabel('Your password, again').fill('not my password');
    await dialog.getByRole('button', { name: 'Sign with my password' }).click();
    await dialog.getByText('The password is not correct; nothing was signed.').waitFor();
    await screenshot(inv, 'signature', false);
    await dialog.getByLabel('Your password, again').fill('correct horse battery staple');
    await dialog.getByRole('button', { name: 'Sign with my password' }).click();
    await inv.getByText('Eligible (signed)').first().waitFor();
    await inv.getByText(/Signed\s+by Test investigator/).waitFor();
    const signed = await app.t
      .http()
      .get(`/participants/${candidateId}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(signed.body.status).toBe('eligible');

    // Consent, recorded by the coordinator.
    await p.reload();
    const consent = p.getByRole('form', { name: 'Informed consent' });
    await consent.getByLabel('Consent form version').fill('3.0');
    expect(await consent.getByLabel('Date signed').inputValue()).toBe('2026-03-01');
    await consent.getByRole('button', { name: 'Record consent' }).click();
    await p.getByText('Waiting for: Randomisation by an investigator').waitFor();

    // The recorded consent is shown, and its correction starts from the recorded values.
    const recorded = p.getByRole('region', { name: 'Informed consent' });
    await recorded.getByText('2026-03-01').waitFor();
    await recorded.getByRole('button', { name: 'Correct the recorded consent' }).click();
    expect(await recorded.getByLabel('Consent form version').inputValue()).toBe('3.0');
    expect(await recorded.getByLabel('Date signed').inputValue()).toBe('2026-03-01');
    await recorded.getByLabel('Date signed').fill('2026-02-28');
    await recorded.getByLabel('Reason for the correction').fill('signed the day before');
    await recorded.getByRole('button', { name: 'Save correction' }).click();
    await recorded.getByText('Consent: correction history').waitFor();
    await recorded.getByText(/signed the day before/).waitFor();
    await screenshotAt(p, recorded, 'consent-correction');
    const episodes = await app.t
      .http()
      .get(`/participants/${candidateId}/screening/episodes`)
      .set(bearer(coordinator))
      .expect(200);
    const current = (episodes.body as { current: boolean; consent: unknown }[]).find(
      (e) => e.current,
    );
    expect(current?.consent).toMatchObject({ version: '3.0', date: '2026-02-28' });
  });

  it('lets the statistician take randomisation live, then an investigator randomise and see the allocation', async () => {
    const s = await app.signedIn(statistician);
    await s.getByRole('heading', { name: 'Randomisation', level: 1 }).waitFor();
    await s.getByRole('button', { name: 'Save configuration' }).click();
    await s.getByRole('button', { name: 'Go live…' }).click();
    await s
      .getByRole('dialog', { name: 'Take production randomisation live?' })
      .getByRole('button', { name: 'Go live' })
      .click();
    await s.getByText(/live since/).waitFor();
    await s.getByText(/Commitment \(SHA-256/).waitFor();
    await screenshot(s, 'statistician');

    const inv = await app.signedIn(investigator);
    await inv.goto(`${app.baseUrl}/app/participants/${candidateId}`);
    await inv.getByText('Ready to randomise').waitFor();
    await inv.getByRole('button', { name: 'Randomise', exact: true }).click();
    const dialog = inv.getByRole('dialog', { name: 'Randomise this participant?' });
    await dialog.getByText('The allocation is final').waitFor();
    await screenshot(inv, 'randomise-confirm', false);
    await dialog.getByRole('button', { name: 'Yes, randomise now' }).click();
    const card = inv.getByRole('heading', { name: 'Allocation' }).locator('..');
    await card.getByText(/^Arm [AB]:/).waitFor();
    const shown = await card.innerText();
    const allocation = await app.t
      .http()
      .get(`/participants/${candidateId}/randomization`)
      .set(bearer(investigator))
      .expect(200);
    expect(shown).toContain(`Arm ${allocation.body.arm}: ${allocation.body.armLabel}`);
    // The stratum, without its sequence number (statisticians and monitors only).
    expect(shown).toContain('country=NL');
    expect(shown).not.toContain('country=NL #');
    await screenshotAt(inv, inv.getByRole('heading', { level: 1 }), 'allocation');

    // The allocations list, filtered by arm, with the arm-B drug choice when it applies.
    await inv.getByRole('link', { name: 'Allocations' }).click();
    await inv.getByLabel('Arm').selectOption(allocation.body.arm);
    const row = inv.getByRole('row', { name: /NL-AMS-0001/ });
    await row.waitFor();
    expect(await row.innerText()).toContain(allocation.body.armLabel);
    await inv.getByLabel('Arm').selectOption(allocation.body.arm === 'A' ? 'B' : 'A');
    await inv.getByText('No allocations match.').waitFor();
    await inv.getByLabel('Arm').selectOption(allocation.body.arm);
    if (allocation.body.arm === 'B') {
      await row.getByRole('link', { name: 'to choose' }).click();
      const drug = inv.getByRole('form', { name: 'Arm-B drug' });
      await drug.getByLabel('Drug, chosen with the participant').selectOption('ocrelizumab');
      await drug.getByRole('button', { name: 'Save drug choice' }).click();
      await drug.getByText('Drug choice saved.').waitFor();
      const after = await app.t
        .http()
        .get(`/participants/${candidateId}/randomization`)
        .set(bearer(investigator))
        .expect(200);
      expect(after.body).toMatchObject({ armBDrug: 'ocrelizumab', armBStartDate: '2026-03-01' });
      await inv.getByRole('link', { name: 'Allocations' }).click();
    }
    await inv.getByRole('row', { name: /NL-AMS-0001/ }).waitFor();
    await screenshot(inv, 'allocations');
  });

  it('works at tablet width', async () => {
    const p = await app.signedIn(coordinator);
    await p.setViewportSize({ width: 768, height: 1024 });
    await p.getByRole('heading', { name: 'Candidate worklist' }).waitFor();
    const overflow = await p.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(p, 'worklist-tablet');
  });
});
