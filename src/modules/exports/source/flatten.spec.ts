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
  audit: [],
  ...over,
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
});
