import {
  DEFAULT_NEDA_PARAMS,
  type EdssAssessment,
  evaluateNeda3,
  type MriRead,
  type NedaInput,
  type NedaParams,
  requiredEdssIncrease,
} from './neda';

// Randomised 2026-01-05. Week 12 = 2026-03-30, 24 = 2026-06-22, 48 = 2026-12-07,
// 72 = 2027-05-24, 96 = 2027-11-08 (endpoint window 2027-10-11 … 2027-12-06).

const edss = (date: string, score: number, baseline?: boolean): EdssAssessment =>
  baseline === true ? { date, score, baseline } : { date, score };

const mri = (date: string, gdLesions = 0, newOrEnlargingT2 = 0, rebaseline?: boolean): MriRead =>
  rebaseline === true
    ? { date, gdLesions, newOrEnlargingT2, rebaseline }
    : { date, gdLesions, newOrEnlargingT2 };

function clean(): NedaInput {
  return {
    randomisationDate: '2026-01-05',
    week: 96,
    relapses: [{ onsetDate: '2025-11-20' }], // the qualifying relapse, before randomisation
    edss: [
      edss('2026-01-05', 3.0, true),
      edss('2026-03-30', 3.0),
      edss('2026-06-22', 3.5),
      edss('2026-12-07', 3.0),
      edss('2027-05-24', 3.0),
      edss('2027-11-08', 3.0),
    ],
    mri: [
      mri('2025-12-10', 3, 4), // screening MRI, before the re-baseline
      mri('2026-03-30', 2, 1, true), // re-baseline: its own activity is the comparator, not a loss
      mri('2026-06-22'),
      mri('2026-12-07'),
      mri('2027-05-24'),
      mri('2027-11-08'),
    ],
  };
}

function withEdss(scores: EdssAssessment[], baselineScore = 3.0): NedaInput {
  return { ...clean(), edss: [edss('2026-01-05', baselineScore, true), ...scores] };
}

describe('NEDA-3 at week 96', () => {
  it('a participant without activity has NEDA', () => {
    const result = evaluateNeda3(clean());
    expect(result.neda).toBe(true);
    expect(result.lostBy).toEqual([]);
    expect(result.details.targetDate).toBe('2027-11-08');
    expect(result.details.cutoffDate).toBe('2027-12-06');
    expect(result.details.endpointWindowStart).toBe('2027-10-11');
    expect(result.details.missing).toEqual([]);
    expect(result.details.edss.requiredIncrease).toBe(1.0);
    expect(result.details.mri.rebaselineDate).toBe('2026-03-30');
  });

  describe('relapse', () => {
    it('a relapse after randomisation loses NEDA', () => {
      const result = evaluateNeda3({ ...clean(), relapses: [{ onsetDate: '2026-08-10' }] });
      expect(result.neda).toBe(false);
      expect(result.lostBy).toEqual(['relapse']);
      expect(result.details.relapseOnsets).toEqual(['2026-08-10']);
    });

    it('a relapse before the re-baseline MRI still counts (only MRI uses the re-baseline)', () => {
      expect(evaluateNeda3({ ...clean(), relapses: [{ onsetDate: '2026-01-06' }] }).lostBy).toEqual(
        ['relapse'],
      );
    });

    it('a relapse on the randomisation date, or after the cutoff, does not count', () => {
      const result = evaluateNeda3({
        ...clean(),
        relapses: [{ onsetDate: '2026-01-05' }, { onsetDate: '2027-12-07' }],
      });
      expect(result.neda).toBe(true);
      expect(result.details.relapseOnsets).toEqual([]);
    });

    it('a relapse on the cutoff day counts', () => {
      expect(evaluateNeda3({ ...clean(), relapses: [{ onsetDate: '2027-12-06' }] }).neda).toBe(
        false,
      );
    });
  });

  describe('EDSS progression', () => {
    it('confirmed exactly 6 calendar months later loses NEDA', () => {
      const result = evaluateNeda3(
        withEdss([edss('2026-12-07', 4.0), edss('2027-06-07', 4.0), edss('2027-11-08', 4.5)]),
      );
      expect(result.neda).toBe(false);
      expect(result.lostBy).toEqual(['edss_progression']);
      expect(result.details.edss.confirmedProgression).toEqual({
        onsetDate: '2026-12-07',
        onsetScore: 4.0,
        confirmedDate: '2027-06-07',
        confirmedScore: 4.0,
      });
    });

    it('an increase seen again only 1 day short of 6 months, then falling back, is not confirmed', () => {
      const result = evaluateNeda3(
        withEdss([edss('2026-12-07', 4.0), edss('2027-06-06', 4.0), edss('2027-11-08', 3.5)]),
      );
      expect(result.neda).toBe(true);
      expect(result.details.edss.confirmedProgression).toBeNull();
      expect(result.details.edss.unconfirmedIncreases).toEqual([
        { date: '2026-12-07', score: 4.0 },
        { date: '2027-06-06', score: 4.0 },
      ]);
    });

    it('an increase of less than the threshold is no progression', () => {
      const result = evaluateNeda3(
        withEdss([edss('2026-12-07', 3.5), edss('2027-06-07', 3.5), edss('2027-11-08', 3.5)]),
      );
      expect(result.neda).toBe(true);
      expect(result.details.edss.unconfirmedIncreases).toEqual([]);
    });

    it('a dip below the threshold between increase and confirmation breaks it (sustained rule)', () => {
      const input = withEdss([
        edss('2026-12-07', 4.0),
        edss('2027-03-01', 3.0),
        edss('2027-06-07', 4.0),
        edss('2027-11-08', 4.0),
      ]);
      expect(evaluateNeda3(input).neda).toBe(true);
      const lenient: NedaParams = {
        ...DEFAULT_NEDA_PARAMS,
        edss: { ...DEFAULT_NEDA_PARAMS.edss, requireSustained: false },
      };
      const result = evaluateNeda3(input, lenient);
      expect(result.neda).toBe(false);
      expect(result.details.edss.confirmedProgression?.confirmedDate).toBe('2027-06-07');
    });

    it('an increase near the endpoint cannot be confirmed within it, unless confirmation may follow', () => {
      const input = withEdss([
        edss('2027-05-24', 4.0),
        edss('2027-11-08', 4.0),
        edss('2028-11-27', 4.5), // week 152, after the week-96 cutoff
      ]);
      expect(evaluateNeda3(input).neda).toBe(true);
      const late: NedaParams = {
        ...DEFAULT_NEDA_PARAMS,
        edss: { ...DEFAULT_NEDA_PARAMS.edss, confirmationMayFollowCutoff: true },
      };
      const result = evaluateNeda3(input, late);
      expect(result.neda).toBe(false);
      expect(result.details.edss.confirmedProgression).toEqual({
        onsetDate: '2027-05-24',
        onsetScore: 4.0,
        confirmedDate: '2028-11-27',
        confirmedScore: 4.5,
      });
      // 2027-11-08 is under 6 months after 2027-05-24, so it only keeps the increase sustained.
      expect(evaluateNeda3(input).details.edss.unconfirmedIncreases).toEqual([
        { date: '2027-05-24', score: 4.0 },
        { date: '2027-11-08', score: 4.0 },
      ]);
    });

    it('onset after the cutoff never counts, even with late confirmation allowed', () => {
      const late: NedaParams = {
        ...DEFAULT_NEDA_PARAMS,
        edss: { ...DEFAULT_NEDA_PARAMS.edss, confirmationMayFollowCutoff: true },
      };
      const input = withEdss([
        edss('2027-11-08', 3.0),
        edss('2027-12-20', 5.0),
        edss('2028-07-01', 5.0),
      ]);
      expect(evaluateNeda3(input, late).neda).toBe(true);
    });

    it('baseline 0 needs +1.5', () => {
      const plusOne = withEdss(
        [edss('2026-12-07', 1.0), edss('2027-06-07', 1.0), edss('2027-11-08', 1.0)],
        0,
      );
      expect(evaluateNeda3(plusOne).neda).toBe(true);
      expect(evaluateNeda3(plusOne).details.edss.requiredIncrease).toBe(1.5);
      const plusOneHalf = withEdss(
        [edss('2026-12-07', 1.5), edss('2027-06-07', 1.5), edss('2027-11-08', 1.5)],
        0,
      );
      expect(evaluateNeda3(plusOneHalf).lostBy).toEqual(['edss_progression']);
    });

    it('baseline 5.5 needs +1.0, baseline above 5.5 needs +0.5', () => {
      const fiveHalf = withEdss(
        [edss('2026-12-07', 6.0), edss('2027-06-07', 6.0), edss('2027-11-08', 6.0)],
        5.5,
      );
      expect(evaluateNeda3(fiveHalf).neda).toBe(true);
      const six = withEdss(
        [edss('2026-12-07', 6.5), edss('2027-06-07', 6.5), edss('2027-11-08', 6.5)],
        6.0,
      );
      expect(evaluateNeda3(six).lostBy).toEqual(['edss_progression']);
      expect(evaluateNeda3(six).details.edss.requiredIncrease).toBe(0.5);
    });

    it('thresholds are parameters', () => {
      expect(requiredEdssIncrease(0)).toBe(1.5);
      expect(requiredEdssIncrease(1.0)).toBe(1.0);
      expect(requiredEdssIncrease(5.5)).toBe(1.0);
      expect(requiredEdssIncrease(6.0)).toBe(0.5);
      const strict: NedaParams = {
        ...DEFAULT_NEDA_PARAMS,
        edss: { ...DEFAULT_NEDA_PARAMS.edss, lowBaselineIncrease: 0.5 },
      };
      const input = withEdss([
        edss('2026-12-07', 3.5),
        edss('2027-06-07', 3.5),
        edss('2027-11-08', 3.5),
      ]);
      expect(evaluateNeda3(input).neda).toBe(true);
      expect(evaluateNeda3(input, strict).neda).toBe(false);
    });

    it('a shorter confirmation period is a parameter too', () => {
      const input = withEdss([
        edss('2026-12-07', 4.0),
        edss('2027-03-08', 4.0),
        edss('2027-11-08', 3.0),
      ]);
      expect(evaluateNeda3(input).neda).toBe(true);
      const threeMonths: NedaParams = {
        ...DEFAULT_NEDA_PARAMS,
        edss: { ...DEFAULT_NEDA_PARAMS.edss, confirmationMonths: 3 },
      };
      expect(evaluateNeda3(input, threeMonths).neda).toBe(false);
    });

    it('without a baseline flag the last assessment on or before randomisation is the baseline', () => {
      const input: NedaInput = {
        ...clean(),
        edss: [
          edss('2025-11-20', 2.0),
          edss('2026-01-02', 3.0),
          edss('2026-12-07', 4.0),
          edss('2027-06-07', 4.0),
          edss('2027-11-08', 4.0),
        ],
      };
      const result = evaluateNeda3(input);
      expect(result.details.edss.baseline).toEqual({ date: '2026-01-02', score: 3.0 });
      expect(result.lostBy).toEqual(['edss_progression']);
    });
  });

  describe('MRI activity after the week-12 re-baseline', () => {
    it('a Gd+ lesion loses NEDA', () => {
      const input = clean();
      input.mri = input.mri.map((m) => (m.date === '2026-12-07' ? mri('2026-12-07', 1, 0) : m));
      const result = evaluateNeda3(input);
      expect(result.neda).toBe(false);
      expect(result.lostBy).toEqual(['mri_activity']);
      expect(result.details.mri.activeScans).toEqual([
        { date: '2026-12-07', gdLesions: 1, newOrEnlargingT2: 0 },
      ]);
    });

    it('a new or enlarging T2 lesion loses NEDA', () => {
      const input = clean();
      input.mri = input.mri.map((m) => (m.date === '2027-05-24' ? mri('2027-05-24', 0, 2) : m));
      const result = evaluateNeda3(input);
      expect(result.neda).toBe(false);
      expect(result.lostBy).toEqual(['mri_activity']);
      expect(result.details.mri.activeScans).toEqual([
        { date: '2027-05-24', gdLesions: 0, newOrEnlargingT2: 2 },
      ]);
    });

    it('activity on or before the re-baseline, or after the cutoff, does not count', () => {
      const input = clean();
      input.mri = [...input.mri, mri('2026-02-20', 5, 5), mri('2027-12-07', 1, 1)];
      expect(evaluateNeda3(input).neda).toBe(true);
    });
  });

  it('several losses are all listed, in a fixed order', () => {
    const input = clean();
    input.relapses = [{ onsetDate: '2027-02-01' }];
    input.mri = [...input.mri, mri('2027-02-15', 3, 0)];
    input.edss = [
      edss('2026-01-05', 2.0, true),
      edss('2027-02-15', 3.0),
      edss('2027-08-16', 3.0),
      edss('2027-11-08', 3.0),
    ];
    const result = evaluateNeda3(input);
    expect(result.neda).toBe(false);
    expect(result.lostBy).toEqual(['relapse', 'edss_progression', 'mri_activity']);
  });

  describe('insufficient data', () => {
    it('no baseline EDSS → null', () => {
      const input = clean();
      input.edss = input.edss.filter((a) => a.baseline !== true);
      const result = evaluateNeda3(input);
      expect(result.neda).toBeNull();
      expect(result.details.missing).toEqual(['edss_baseline']);
    });

    it('no EDSS in the endpoint window → null', () => {
      const input = clean();
      input.edss = input.edss.filter((a) => a.date !== '2027-11-08');
      expect(evaluateNeda3(input).neda).toBeNull();
      expect(evaluateNeda3(input).details.missing).toEqual(['edss_endpoint']);
    });

    it('no re-baseline MRI → null', () => {
      const input = clean();
      input.mri = input.mri.map((m) => ({
        date: m.date,
        gdLesions: m.gdLesions,
        newOrEnlargingT2: m.newOrEnlargingT2,
      }));
      expect(evaluateNeda3(input).neda).toBeNull();
      expect(evaluateNeda3(input).details.missing).toEqual(['mri_rebaseline']);
    });

    it('no MRI in the endpoint window → null', () => {
      const input = clean();
      input.mri = input.mri.filter((m) => m.date !== '2027-11-08');
      expect(evaluateNeda3(input).neda).toBeNull();
      expect(evaluateNeda3(input).details.missing).toEqual(['mri_endpoint']);
    });

    it('a loss wins over missing data', () => {
      const input = clean();
      input.mri = input.mri.filter((m) => m.date !== '2027-11-08');
      input.relapses = [{ onsetDate: '2026-05-01' }];
      const result = evaluateNeda3(input);
      expect(result.neda).toBe(false);
      expect(result.lostBy).toEqual(['relapse']);
      expect(result.details.missing).toEqual(['mri_endpoint']);
    });

    it('no data at all → null with every component missing', () => {
      const result = evaluateNeda3({
        randomisationDate: '2026-01-05',
        week: 96,
        relapses: [],
        edss: [],
        mri: [],
      });
      expect(result.neda).toBeNull();
      expect(result.details.missing).toEqual(['edss_baseline', 'edss_endpoint', 'mri_rebaseline']);
    });
  });

  it('an explicit endpoint visit date is the cutoff', () => {
    const input = {
      ...clean(),
      endpointDate: '2027-11-08',
      relapses: [{ onsetDate: '2027-11-09' }],
    };
    const result = evaluateNeda3(input);
    expect(result.details.cutoffDate).toBe('2027-11-08');
    expect(result.neda).toBe(true);
  });

  it('refuses malformed input', () => {
    expect(() => evaluateNeda3({ ...clean(), week: 0 })).toThrow(RangeError);
    expect(() => evaluateNeda3({ ...clean(), edss: [edss('2026-01-05', 11)] })).toThrow(RangeError);
    expect(() => evaluateNeda3({ ...clean(), mri: [mri('2026-03-30', -1)] })).toThrow(RangeError);
    expect(() => evaluateNeda3({ ...clean(), relapses: [{ onsetDate: '2026-02-30' }] })).toThrow(
      RangeError,
    );
    expect(() =>
      evaluateNeda3({
        ...clean(),
        mri: [mri('2026-03-30', 0, 0, true), mri('2026-04-30', 0, 0, true)],
      }),
    ).toThrow(/re-baseline/);
  });
});

describe('NEDA-3 at week 240', () => {
  // Week 240 = 2030-08-12, window 2030-07-15 … 2030-09-09.
  const at240 = (): NedaInput => ({
    ...clean(),
    week: 240,
    edss: [
      ...clean().edss,
      edss('2028-12-04', 3.0),
      edss('2029-11-05', 3.0),
      edss('2030-08-12', 3.0),
    ],
    mri: [...clean().mri, mri('2028-12-04'), mri('2029-11-05'), mri('2030-08-12')],
  });

  it('clean through week 240', () => {
    const result = evaluateNeda3(at240());
    expect(result.neda).toBe(true);
    expect(result.details.targetDate).toBe('2030-08-12');
    expect(result.details.cutoffDate).toBe('2030-09-09');
  });

  it('activity after week 96 loses NEDA at 240 but not at 96', () => {
    const input = at240();
    input.mri = input.mri.map((m) => (m.date === '2029-11-05' ? mri('2029-11-05', 0, 1) : m));
    expect(evaluateNeda3(input).lostBy).toEqual(['mri_activity']);
    expect(evaluateNeda3({ ...input, week: 96 }).neda).toBe(true);
  });

  it('week-96 data alone are insufficient at 240', () => {
    expect(evaluateNeda3({ ...clean(), week: 240 }).neda).toBeNull();
    expect(evaluateNeda3({ ...clean(), week: 240 }).details.missing).toEqual([
      'edss_endpoint',
      'mri_endpoint',
    ]);
  });
});
