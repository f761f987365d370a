import { dateProblems, enteredDates } from './date-rules';

describe('the date rules of the field registry', () => {
  const facts = { today: '2026-03-10', randomisedOn: '2026-03-01' };

  it('finds every entered date of a record by the registry paths, lists included', () => {
    const dates = enteredDates('screening', {
      diagnosis: { symptomOnsetDate: '2015-01-01' },
      relapses: [{ onsetDate: '2025-01-01' }, { onsetDate: '2025-06-01' }],
      treatments: [{ startDate: '2020-01-01', endDate: null }],
    });
    expect(dates).toEqual([
      {
        item: 'screening.symptomOnsetDate',
        path: 'diagnosis.symptomOnsetDate',
        value: '2015-01-01',
      },
      { item: 'screening.relapseOnsetDate', path: 'relapses[0].onsetDate', value: '2025-01-01' },
      { item: 'screening.relapseOnsetDate', path: 'relapses[1].onsetDate', value: '2025-06-01' },
      {
        item: 'screening.treatmentStartDate',
        path: 'treatments[0].startDate',
        value: '2020-01-01',
      },
    ]);
  });

  it('names each date that breaks its rule, with the rule', async () => {
    const problems = await dateProblems(
      [
        { item: 'visit.visitDate', path: 'visitDate', value: '2026-03-11' },
        { item: 'arm_b_drug.startDate', path: 'startDate', value: '2026-02-28' },
        { item: 'transplant.plannedAdmissionDate', path: 'planned', value: '2026-12-01' },
        { item: 'visit_log.relapseOnsetDate', path: 'onset', value: '1950-01-01' },
      ],
      { ...facts, bornBy: async (d) => d >= '1980-01-01' },
    );
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['visitDate', 'DATE_IN_FUTURE'],
      ['startDate', 'DATE_BEFORE_RANDOMISATION'],
      ['onset', 'DATE_BEFORE_BIRTH'],
    ]);
  });

  it('checks order between dates, reported where asked', async () => {
    const start = {
      item: 'transplant_phase.actualStart',
      path: 'actualStart',
      value: '2026-03-05',
    };
    const end = { item: 'transplant_phase.actualEnd', path: 'actualEnd', value: '2026-03-04' };
    expect(
      (await dateProblems([start, end], facts, [{ earlier: start, later: end }]))[0],
    ).toMatchObject({ path: 'actualEnd', code: 'DATE_ORDER' });
    expect(
      (await dateProblems([start, end], facts, [{ earlier: start, later: end, at: 'earlier' }]))[0],
    ).toMatchObject({ path: 'actualStart', code: 'DATE_ORDER' });
    expect(
      await dateProblems([start, { ...end, value: '2026-03-05' }], facts, [
        { earlier: start, later: { ...end, value: '2026-03-05' } },
      ]),
    ).toEqual([]);
  });
});
