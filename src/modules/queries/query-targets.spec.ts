import { changeAnswers, isProblem, queryTarget, recordLabel } from './query-targets';

describe('data query targets', () => {
  it('finds an item of the record kind, at its path or one list element', () => {
    expect(queryTarget('visit_log', 'visit_log.notes', undefined)).toMatchObject({
      path: 'notes',
    });
    expect(
      queryTarget('visit_log', 'visit_log.sampleTaken', 'samples[bloods].taken'),
    ).toMatchObject({ item: { id: 'visit_log.sampleTaken' }, path: 'samples[bloods].taken' });
    expect(queryTarget('visit_log', 'visit.visitDate', undefined)).toMatchObject({
      path: 'visitDate',
    });
    expect(queryTarget('visit_assessment', 'assessment.edss', undefined)).toMatchObject({
      path: 'edss.score',
    });
    expect(
      queryTarget('transplant_phase:harvest', 'transplant_phase.actualStart', undefined),
    ).toMatchObject({ path: 'actualStart' });
  });

  it('refuses an unknown item, an item of another form, and a path that is not the item', () => {
    const bad = [
      queryTarget('visit_log', 'visit_log.nope', undefined),
      queryTarget('visit_log', 'assessment.edss', undefined),
      queryTarget('visit_assessment', 'assessment.edss', 'mri.gdLesions'),
      queryTarget('visit_log', 'visit_log.sampleTaken', 'samples[bloods].note'),
      queryTarget('visit_log', 'visit_log.sampleTaken', 'samples[<x>].taken'),
      queryTarget('endpoint', 'endpoint.neda3', undefined),
    ];
    expect(bad.every(isProblem)).toBe(true);
  });

  it('tells which changes answer a query', () => {
    expect(changeAnswers('samples[bloods].taken', 'samples[bloods].taken')).toBe(true);
    expect(changeAnswers('samples[bloods].taken', 'samples[urine].taken')).toBe(false);
    expect(changeAnswers('samples[].taken', 'samples[urine].taken')).toBe(true);
    expect(changeAnswers('samples[bloods].taken', 'samples[bloods]')).toBe(true);
    expect(changeAnswers('edss.score', 'edss.rater')).toBe(false);
    expect(changeAnswers('notes', 'notes')).toBe(true);
  });

  it('labels records in words', () => {
    expect(recordLabel('visit_log')).toBe('Visit log');
    expect(recordLabel('transplant_phase:harvest')).toBe('Transplant phase (harvest)');
  });
});
