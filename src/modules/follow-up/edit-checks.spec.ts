import {
  aeEndBeforeOnset,
  DEFAULT_EDIT_CHECKS,
  type EdssVisit,
  edssRisesWithoutRelapse,
  editChecksOf,
} from './edit-checks';

const visit = (over: Partial<EdssVisit> & Pick<EdssVisit, 'code'>): EdssVisit => ({
  id: over.code,
  siteId: 'site',
  kind: 'scheduled',
  status: 'logged',
  targetDate: over.edssDate ?? '2026-01-01',
  edssScore: null,
  edssDate: null,
  siteData: {
    relapseAssessment: { newRelapse: false, relapses: [] },
    samples: [],
    questionnaires: [],
  },
  unscheduledReason: null,
  ...over,
});

const relapse = (onsetDate: string) => ({
  relapseAssessment: {
    newRelapse: true,
    relapses: [{ id: 'r1', onsetDate, steroidTreated: false }],
  },
  samples: [],
  questionnaires: [],
});

describe('[REQ-MON-002] edit checks (pure rules)', () => {
  it('configuration: the defaults, overridden per check, every bad entry named', () => {
    expect(editChecksOf(undefined)).toEqual({ checks: DEFAULT_EDIT_CHECKS, problems: [] });
    const { checks, problems } = editChecksOf([
      { id: 'mri_missing', enabled: false },
      { id: 'edss_rise_without_relapse', params: { minRise: 1.5 } },
    ]);
    expect(problems).toEqual([]);
    expect(checks.mri_missing).toEqual({ enabled: false, daysAfterWindow: 0 });
    expect(checks.edss_rise_without_relapse).toEqual({ enabled: true, minRise: 1.5 });
    expect(checks.ae_end_before_onset.enabled).toBe(true);
    expect(DEFAULT_EDIT_CHECKS.mri_missing.enabled).toBe(true); // the defaults are not changed

    expect(editChecksOf({ id: 'mri_missing' }).problems).toHaveLength(1);
    expect(
      editChecksOf([
        { id: 'nope' },
        { id: 'mri_missing', enabled: 'no' },
        { id: 'mri_missing' },
        { id: 'edss_rise_without_relapse', params: { minRise: 0.7 } },
        { id: 'visit_out_of_window', params: { days: 1 } },
        { id: 'ae_end_before_onset', params: {} },
      ]).problems,
    ).toEqual([
      expect.stringContaining('[0].id must be one of'),
      '[1].enabled must be true or false',
      '[2].id: mri_missing is listed twice',
      '[3].params.minRise must be a multiple of 0.5 from 0.5 to 10',
      '[4].params.days: visit_out_of_window takes no parameters',
    ]);
  });

  it('an adverse event ending before its onset', () => {
    expect(aeEndBeforeOnset({ onsetDate: '2026-07-05', endDate: '2026-07-04' })).toContain(
      'before the onset date (2026-07-05)',
    );
    expect(aeEndBeforeOnset({ onsetDate: '2026-07-05', endDate: '2026-07-05' })).toBeNull();
    expect(aeEndBeforeOnset({ onsetDate: '2026-07-05', endDate: null })).toBeNull();
  });

  it('an EDSS rise of at least the threshold over the previous EDSS, without a relapse', () => {
    const w12 = visit({ code: 'W012', edssScore: 3, edssDate: '2026-06-20' });
    const w24 = visit({ code: 'W024', edssScore: 4, edssDate: '2026-09-12' });
    const rises = edssRisesWithoutRelapse([w24, w12], 1);
    expect(rises.map((r) => r.visit.code)).toEqual(['W024']);
    expect(rises[0].text).toBe(
      'EDSS 4.0 is 1.0 above the previous EDSS (3.0 at W012 on 2026-06-20) and no relapse is ' +
        'recorded at this visit or since that assessment. Please confirm the score.',
    );
    // Below the threshold, or a higher threshold: nothing.
    expect(edssRisesWithoutRelapse([w12, { ...w24, edssScore: 3.5 }], 1)).toEqual([]);
    expect(edssRisesWithoutRelapse([w12, w24], 1.5)).toEqual([]);
    // Compared with the previous assessment, not the first: 3.0 → 2.0 → 3.0 is a rise of 1.0.
    const w48 = visit({ code: 'W048', edssScore: 2, edssDate: '2026-08-01' });
    expect(edssRisesWithoutRelapse([w12, w48, { ...w24, edssScore: 3 }], 1)).toHaveLength(1);
  });

  it('a relapse at the visit or since the previous assessment explains the rise; an unlogged visit waits', () => {
    const w12 = visit({ code: 'W012', edssScore: 3, edssDate: '2026-06-20' });
    const w24 = visit({ code: 'W024', edssScore: 4.5, edssDate: '2026-09-12' });
    expect(edssRisesWithoutRelapse([w12, { ...w24, siteData: relapse('2026-09-01') }], 1)).toEqual(
      [],
    );
    // A relapse recorded at an unscheduled visit in between.
    const u = visit({ code: 'U001', kind: 'unscheduled', siteData: relapse('2026-07-15') });
    expect(edssRisesWithoutRelapse([w12, u, w24], 1)).toEqual([]);
    // One before the previous assessment does not.
    const old = visit({ code: 'U000', kind: 'unscheduled', siteData: relapse('2026-06-01') });
    expect(edssRisesWithoutRelapse([w12, old, w24], 1)).toHaveLength(1);
    // Not logged yet: its relapse assessment is still to come.
    expect(edssRisesWithoutRelapse([w12, { ...w24, siteData: null }], 1)).toEqual([]);
  });
});
