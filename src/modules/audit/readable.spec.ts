import { changesOf, summaryOf, valueInWords } from './readable';
import { fieldItem } from 'src/common/fields/registry';

const row = (action: string, entity: string, before: unknown, after: unknown) => ({
  action,
  entity,
  before,
  after,
});

describe('the audit trail in words', () => {
  it('labels a correction from the registry, with the item of a repeating group', () => {
    expect(
      changesOf(
        row(
          'follow-up.visit_corrected',
          'visit',
          { 'samples[bloods].taken': true, notes: 'a' },
          { 'samples[bloods].taken': false, notes: 'b' },
        ),
      ),
    ).toEqual([
      {
        field: 'samples[bloods].taken',
        label: 'Sample taken [bloods]',
        labelKey: fieldItem('visit_log.sampleTaken').labelKey,
        before: true,
        after: false,
      },
      expect.objectContaining({ field: 'notes', before: 'a', after: 'b' }),
    ]);
  });

  it('a transplant phase correction names its fields under the phase', () => {
    const [change] = changesOf(
      row(
        'scheduling.phase_corrected',
        'transplant_booking',
        { 'phases[harvest].actualEnd': '2026-05-02' },
        { 'phases[harvest].actualEnd': '2026-05-01' },
      ),
    );
    expect(change.label).toBe('Phase ended on [harvest]');
  });

  it('does not borrow another form’s label, and leaves out what did not change', () => {
    const changes = changesOf(
      row(
        'follow-up.visit_logged',
        'visit',
        { status: 'scheduled', moved: [] },
        { status: 'logged' },
      ),
    );
    expect(changes).toEqual([
      { field: 'status', label: 'Status', labelKey: null, before: 'scheduled', after: 'logged' },
    ]);
  });

  it('withheld values (an admin) have no changes, and the summary names the action and who', () => {
    const changes = changesOf(row('follow-up.visit_corrected', 'visit', null, null));
    expect(changes).toEqual([]);
    expect(
      summaryOf({
        action: 'follow-up.visit_corrected',
        entity: 'visit',
        reason: null,
        actorName: 'Anna Jansen',
        actorRole: 'site_staff',
        changes,
      }),
    ).toBe('follow-up.visit_corrected, by Anna Jansen');
  });

  it('summarises a correction with values in words, the reason and the name; counts the rest', () => {
    const r = row(
      'follow-up.assessment_corrected',
      'visit',
      { 'edss.score': 3, 'edss.rater': 'A', 'mri.gdLesions': 1, 'mri.examDate': '2026-01-01' },
      { 'edss.score': 3.5, 'edss.rater': 'B', 'mri.gdLesions': 2, 'mri.examDate': '2026-01-02' },
    );
    const summary = summaryOf({
      ...r,
      reason: 'transcription error',
      actorName: null,
      actorRole: 'blinded_assessor',
      changes: changesOf(r),
    });
    expect(summary).toMatch(/^EDSS score 3\.0 → 3\.5; /);
    expect(summary).toMatch(/ and 1 more field, reason: transcription error, by blinded_assessor$/);
  });

  it('values: empty, yes/no, a code by its label, a decimal at its step', () => {
    const severity = fieldItem('adverse_event.severity');
    expect(valueInWords(null, null)).toBe('(empty)');
    expect(valueInWords(false, null)).toBe('no');
    expect(valueInWords('mild', severity)).toBe(
      severity.codes?.find((c) => c.value === 'mild')?.label,
    );
    expect(valueInWords(4, fieldItem('assessment.edss'))).toBe('4.0');
  });
});
