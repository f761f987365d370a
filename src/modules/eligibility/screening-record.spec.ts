import { correctedPaths, plainRecord, screeningProblems } from './screening-record';

describe('screening data entry and correction', () => {
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
