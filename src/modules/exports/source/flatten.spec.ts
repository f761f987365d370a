import { buildDictionary } from '../dictionary/build-dictionary';
import { flattenParticipant, type ParticipantRecords } from './flatten';

const records = (over: Partial<ParticipantRecords> = {}): ParticipantRecords => ({
  studyId: 'NL-AMS-0001',
  siteCode: 'NL-AMS',
  countryCode: 'NL',
  siteTimeZone: 'Europe/Amsterdam',
  participant: { status: 'randomised', registeredAt: '2026-01-10T09:00:00.000Z' },
  screening: {
    diagnosis: { course: 'RRMS', diagnosisDate: '2020-05-01' },
    relapses: [{ onsetDate: '2025-06-01' }, { onsetDate: '2025-11-01', steroidTreated: true }],
  },
  consents: [{ version: '3.0', date: '2026-01-20' }],
  assessments: [],
  // Randomised late in the evening UTC: the next day on the site's calendar.
  allocation: { arm: 'A', armLabel: 'aHSCT', randomisedAt: '2026-01-31T23:30:00.000Z' },
  visits: [
    {
      code: 'W000',
      kind: 'scheduled',
      assessments: ['edss', 'mri'],
      targetDate: '2026-02-01',
      siteData: { samples: [{ type: 'serum', taken: true }] },
      edss: { score: 2.5 },
    },
    { code: 'A-D007', kind: 'arm_a_weekly', assessments: [], targetDate: '2026-05-08' },
  ],
  adverseEvents: [],
  transplant: null,
  outcome: null,
  endpoints: [],
  audit: [],
  ...over,
});

/** An arm-A participant's adverse event (causality to aHSCT) and transplant plan, in the API shapes. */
const armARecords = () =>
  records({
    adverseEvents: [
      {
        term: 'Febrile neutropenia',
        onsetDate: '2026-06-03',
        severity: 'severe',
        serious: true,
        seriousnessCriteria: ['hospitalisation'],
        outcome: 'recovered',
        ctcaeGrade: 3,
        assessments: [
          { intervention: 'ahsct', causality: 'related', expectedness: 'expected' },
          { intervention: 'conditioning', causality: 'possibly_related', expectedness: null },
        ],
        susar: false,
        susarClock: null,
      },
      { term: 'Headache', onsetDate: '2026-02-10', serious: false, assessments: [] },
    ],
    transplant: {
      status: 'booked',
      quarter: '2026-Q2',
      plannedAdmissionDate: '2026-05-20',
      transplantDay0: null,
      reviewStatus: 'not_required',
      plan: {
        phases: [
          {
            code: 'mobilisation',
            plannedStart: '2026-04-01',
            plannedEnd: '2026-04-05',
            outcome: 'done',
            actualStart: '2026-04-02',
            actualEnd: '2026-04-06',
            reason: null,
          },
          { code: 'harvest', plannedStart: '2026-04-20', plannedEnd: '2026-04-20', outcome: null },
        ],
      },
    },
  });

const options = { blinded: false, datesAs: 'calendar', archival: false } as const;

describe('flattenParticipant', () => {
  it('reads items at their paths, codes as numbers, lists as their own rows, multiple choice as 0/1 columns', () => {
    const d = buildDictionary({ blinded: false });
    const p = flattenParticipant(records(), d, options);
    const course = d.variables.find((v) => v.name === 'scr_course')!;
    expect(p.rows.participants).toHaveLength(1);
    expect(p.rows.participants[0]).toMatchObject({
      study_id: 'NL-AMS-0001',
      scr_course: course.codes!.find((c) => c.value === 'RRMS')!.code,
      scr_diagnosis_date: '2020-05-01',
      registered_at: '2026-01-10T09:00:00.000Z',
      site_code: 'NL-AMS',
      rand_date: '2026-02-01',
      arm: 1,
    });
    expect(p.rows.scr_relapses).toEqual([
      expect.objectContaining({
        study_id: 'NL-AMS-0001',
        row_seq: 1,
        scr_relapse_onset: '2025-06-01',
      }),
      expect.objectContaining({ row_seq: 2, scr_relapse_steroid: true }),
    ]);
    expect(p.rows.consents).toEqual([
      expect.objectContaining({ consent_seq: 1, consent_version: '3.0' }),
    ]);
    const assessments = d.variables.find((v) => v.name === 'vis_assessments')!;
    const w0 = p.rows.visits[0];
    expect(w0).toMatchObject({ visit_code: 'W000', edss: 2.5, vis_target: '2026-02-01' });
    for (const c of assessments.codes!) {
      expect(w0[`vis_assessments_${c.code}`]).toBe(['edss', 'mri'].includes(c.value) ? 1 : 0);
    }
    expect('vis_assessments' in w0).toBe(false);
    expect(p.rows.visit_samples).toEqual([
      expect.objectContaining({ visit_code: 'W000', row_seq: 1, vl_sample_taken: true }),
    ]);
    // Every dataset of the dictionary is present.
    expect(Object.keys(p.rows).sort()).toEqual(d.datasets.map((x) => x.name).sort());
  });

  it('writes dates and instants as days since randomisation (site calendar), null before it', () => {
    const d = buildDictionary({ blinded: false });
    const p = flattenParticipant(records(), d, { ...options, datesAs: 'days' });
    expect(p.rows.participants[0]).toMatchObject({ rand_date: 0, scr_diagnosis_date: -2102 });
    expect(p.rows.visits[0].vis_target).toBe(0);
    const none = flattenParticipant(records({ allocation: null }), d, {
      ...options,
      datesAs: 'days',
    });
    expect(none.rows.participants[0].scr_diagnosis_date).toBeNull();
    expect(none.rows.participants[0].registered_at).toBeNull();
  });

  it('blinded: no arm-revealing variable, and an arm-revealing code value is never written', () => {
    const d = buildDictionary({ blinded: true });
    const p = flattenParticipant(records(), d, { ...options, blinded: true });
    const revealing = buildDictionary({ blinded: false })
      .variables.filter((v) => v.revealsArm)
      .map((v) => v.name);
    for (const rows of Object.values(p.rows)) {
      for (const row of rows) {
        for (const name of revealing) {
          expect(Object.keys(row).some((k) => k === name || k.startsWith(`${name}_`))).toBe(false);
        }
      }
    }
    // The arm-A visit kind has no code in the blinded dictionary: null, never its number.
    expect(p.rows.visits[1].vis_kind).toBeNull();
  });

  it('adverse events one row each, their causality assessments one row per intervention; the plan phases one row each', () => {
    const d = buildDictionary({ blinded: false });
    const code = (name: string, value: string) =>
      d.variables.find((v) => v.name === name)!.codes!.find((c) => c.value === value)!.code;
    const p = flattenParticipant(armARecords(), d, options);
    expect(p.rows.adverse_events).toEqual([
      expect.objectContaining({
        study_id: 'NL-AMS-0001',
        ae_seq: 1,
        ae_term: 'Febrile neutropenia',
        ae_onset: '2026-06-03',
        ae_severity: code('ae_severity', 'severe'),
        ae_serious: true,
        ae_ctcae_grade: 3,
        ae_susar: false,
        ae_susar_due: null,
      }),
      expect.objectContaining({ ae_seq: 2, ae_term: 'Headache', ae_serious: false }),
    ]);
    expect(
      p.rows.adverse_events[0][`ae_seriousness_${code('ae_seriousness', 'hospitalisation')}`],
    ).toBe(1);
    expect(p.rows.ae_assessments).toEqual([
      {
        study_id: 'NL-AMS-0001',
        ae_seq: 1,
        row_seq: 1,
        ae_intervention: code('ae_intervention', 'ahsct'),
        ae_causality: code('ae_causality', 'related'),
        ae_expectedness: code('ae_expectedness', 'expected'),
        ae_expectedness_by: null,
        ae_rsi_version: null,
      },
      expect.objectContaining({
        ae_seq: 1,
        row_seq: 2,
        ae_intervention: code('ae_intervention', 'conditioning'),
        ae_causality: code('ae_causality', 'possibly_related'),
        ae_expectedness: null,
      }),
    ]);
    expect(p.rows.participants[0]).toMatchObject({
      tx_status: code('tx_status', 'booked'),
      tx_quarter: '2026-Q2',
      tx_admission_planned: '2026-05-20',
      tx_day0: null,
      tx_review_status: code('tx_review_status', 'not_required'),
    });
    expect(p.rows.tx_phases).toEqual([
      expect.objectContaining({
        study_id: 'NL-AMS-0001',
        txp_phase: code('txp_phase', 'mobilisation'),
        txp_outcome: code('txp_outcome', 'done'),
        txp_start: '2026-04-02',
        txp_end: '2026-04-06',
        txp_planned_start: '2026-04-01',
        txp_planned_end: '2026-04-05',
      }),
      expect.objectContaining({ txp_phase: code('txp_phase', 'harvest'), txp_outcome: null }),
    ]);
  });

  it('blinded: no adverse event, causality assessment or transplant value is written, whatever the records hold', () => {
    const d = buildDictionary({ blinded: true });
    // Every adverse-event and transplant variable reveals the arm: the datasets are gone.
    const names = d.datasets.map((x) => x.name);
    expect(names).not.toEqual(expect.arrayContaining(['adverse_events']));
    expect(names).not.toContain('ae_assessments');
    expect(names).not.toContain('tx_phases');
    const p = flattenParticipant(armARecords(), d, { ...options, blinded: true });
    const text = JSON.stringify(p.rows);
    for (const word of ['Febrile', 'Headache', 'ae_', 'tx_', 'txp_', '2026-Q2', '2026-05-20']) {
      expect(`${word}: ${text.includes(word)}`).toBe(`${word}: false`);
    }
    // The full export does hold them (the scan can fail).
    const full = JSON.stringify(
      flattenParticipant(armARecords(), buildDictionary({ blinded: false }), options).rows,
    );
    expect(full).toContain('Febrile');
    expect(full).toContain('2026-Q2');
  });

  it('the follow-up outcome on the participant row; NEDA-3 one row per endpoint week with its derived variables', () => {
    const d = buildDictionary({ blinded: true });
    const code = (name: string, value: string) =>
      d.variables.find((v) => v.name === name)!.codes!.find((c) => c.value === value)!.code;
    const details = (over: object) => ({
      cutoffDate: '2027-12-31',
      relapseOnsets: ['2026-09-01'],
      edss: {
        baseline: { date: '2026-02-01', score: 2.5 },
        confirmedProgression: null,
        unconfirmedIncreases: [],
      },
      mri: { rebaselineDate: '2026-05-01', activeScans: [] },
      missing: [],
      ...over,
    });
    const p = flattenParticipant(
      records({
        outcome: { outcome: 'lost_to_follow_up', reason: 'Moved abroad' },
        endpoints: [
          { week: 96, neda: false, lostBy: ['relapse'], details: details({}) },
          {
            week: 240,
            neda: null,
            lostBy: [],
            details: details({
              edss: { baseline: null, confirmedProgression: null },
              missing: ['edss_baseline', 'mri_endpoint'],
              relapseOnsets: [],
            }),
          },
        ],
      }),
      d,
      { ...options, blinded: true },
    );
    expect(p.rows.participants[0]).toMatchObject({
      fu_outcome: code('fu_outcome', 'lost_to_follow_up'),
      fu_outcome_text: 'Moved abroad',
      neda3_w96: false,
      neda3_w240: null,
    });
    const [w96, w240] = p.rows.endpoints;
    expect(w96).toMatchObject({
      study_id: 'NL-AMS-0001',
      neda_week: 96,
      neda3: false,
      neda_cutoff: '2027-12-31',
      relapse_n: 1,
      edss_baseline: 2.5,
      edss_cdp: false,
      edss_cdp_date: null,
      mri_active_n: 0,
    });
    expect(w96[`neda_lost_by_${code('neda_lost_by', 'relapse')}`]).toBe(1);
    expect(w96[`neda_lost_by_${code('neda_lost_by', 'mri_activity')}`]).toBe(0);
    expect(w240).toMatchObject({
      neda_week: 240,
      neda3: null,
      edss_baseline: null,
      edss_cdp: null,
    });
    expect(w240[`neda_missing_${code('neda_missing', 'edss_baseline')}`]).toBe(1);
    expect(w240[`neda_missing_${code('neda_missing', 'edss_endpoint')}`]).toBe(0);
    // No outcome yet: empty.
    const none = flattenParticipant(records(), d, { ...options, blinded: true });
    expect(none.rows.participants[0].fu_outcome).toBeNull();
    expect(none.rows.endpoints).toEqual([]);
  });
});
