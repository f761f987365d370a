import {
  correctedPaths,
  mergeScreening,
  plainRecord,
  screeningProblems,
  type ScreeningRecord,
} from './screening-record';

describe('screening data entry and correction', () => {
  const base: ScreeningRecord = {
    diagnosis: { course: 'RRMS', mcDonaldMet: true },
    edss: { score: 3.5 },
    relapses: [{ onsetDate: '2025-09-01', steroidTreated: true }],
    treatments: [{ drug: 'interferon_beta', startDate: '2024-01-01', endDate: null }],
  };

  it('merges object sections field by field; entering new fields is not a correction', () => {
    const m = mergeScreening(base, {
      diagnosis: { diagnosisDate: '2019-06-01' },
      edss: { date: '2026-02-15', stablePhase: true },
    });
    expect(m.after.diagnosis).toEqual({
      course: 'RRMS',
      mcDonaldMet: true,
      diagnosisDate: '2019-06-01',
    });
    expect(m.after.edss).toEqual({ score: 3.5, date: '2026-02-15', stablePhase: true });
    expect(m.changed).toEqual(['diagnosis', 'edss']);
    expect(m.corrections).toEqual([]);
  });

  it('treats a changed or removed recorded value as a correction, naming its path', () => {
    expect(mergeScreening(base, { edss: { score: 4 } }).corrections).toEqual(['edss.score']);
    expect(mergeScreening(base, { diagnosis: { course: null } }).corrections).toEqual([
      'diagnosis.course',
    ]);
    expect(mergeScreening(base, { relapses: [] }).corrections).toEqual([
      'relapses[0].onsetDate',
      'relapses[0].steroidTreated',
    ]);
    expect(
      mergeScreening(base, { relapses: [{ onsetDate: '2025-09-02', steroidTreated: true }] })
        .corrections,
    ).toEqual(['relapses[0].onsetDate']);
  });

  it('appending to a list, or filling a missing value, is first entry', () => {
    const m = mergeScreening(base, {
      relapses: [
        { onsetDate: '2025-09-01', steroidTreated: true, clinicallyRelevant: true },
        { onsetDate: '2025-12-01' },
      ],
    });
    expect(m.corrections).toEqual([]);
    expect(m.changed).toEqual(['relapses']);
    // An end date entered for an ongoing (null) treatment is new information, not a correction.
    expect(
      mergeScreening(base, {
        treatments: [{ drug: 'interferon_beta', startDate: '2024-01-01', endDate: '2025-12-31' }],
      }).corrections,
    ).toEqual([]);
  });

  it('reports nothing changed when the write repeats the stored values', () => {
    const m = mergeScreening(base, {
      edss: { score: 3.5 },
      relapses: [{ steroidTreated: true, onsetDate: '2025-09-01' }],
    });
    expect(m.changed).toEqual([]);
    expect(m.after).toEqual(base);
  });

  it('replaces yes/no flags and marks flipping one as a correction', () => {
    const withFlag = mergeScreening(base, { willingToBeRandomised: true }).after;
    expect(mergeScreening(base, { willingToBeRandomised: true }).corrections).toEqual([]);
    expect(mergeScreening(withFlag, { willingToBeRandomised: false }).corrections).toEqual([
      'willingToBeRandomised',
    ]);
  });

  it('finds corrected paths in nested structures', () => {
    expect(correctedPaths({ a: { b: 1, c: null } }, { a: { b: 1, c: 2 } }, '')).toEqual([]);
    expect(correctedPaths({ a: { b: 1 } }, { a: {} }, '')).toEqual(['a.b']);
    expect(correctedPaths([1, 2], [1], 'x')).toEqual(['x[1]']);
  });

  it('keeps only screening sections and drops undefined fields', () => {
    const dto = {
      edss: { score: 3, date: undefined },
      reason: 'typo',
      unknown: 1,
      relapses: undefined,
    };
    expect(plainRecord(dto)).toEqual({ edss: { score: 3 } });
  });

  it('checks dates against today, treatment order and MRI references', () => {
    const problems = screeningProblems(
      {
        edss: { date: '2026-03-02' },
        treatments: [{ drug: 'fingolimod', startDate: '2024-05-01', endDate: '2024-04-01' }],
        mriExams: [
          { id: 'a', date: '2025-01-01' },
          { id: 'a', date: '2025-02-01' },
          { id: 'b', date: '2025-03-01', comparedWithExamId: 'zz' },
          { id: 'c', date: '2025-03-01', comparedWithExamId: 'c' },
        ],
      },
      '2026-03-01',
    );
    expect(problems.map((p) => p.path)).toEqual([
      'edss.date',
      'treatments[0].endDate',
      'mriExams[0].id',
      'mriExams[1].id',
      'mriExams[2].comparedWithExamId',
      'mriExams[3].comparedWithExamId',
    ]);
    expect(
      screeningProblems(
        {
          edss: { date: '2026-03-01' },
          mriExams: [
            { id: 'r', date: '2025-01-01' },
            { date: '2025-06-01', comparedWithExamId: 'r' },
          ],
        },
        '2026-03-01',
      ),
    ).toEqual([]);
  });
});
