import { FIELD_ITEMS } from 'src/common/fields/registry';
import {
  isProblem,
  pathPattern as apiPathPattern,
  queryTarget,
} from 'src/modules/queries/query-targets';
import {
  itemWords,
  pathPattern,
  queryIsOn,
  queryIsUnder,
  recordTargets,
} from '../../web/src/lib/query-paths';

const label = (key: string) => key;

/**
 * The pages' side of data queries (issue 18): every field a monitor is offered to raise a query
 * on is one the API accepts, at the path the page then marks; a query marks exactly its field.
 */
describe('data-query paths in the pages', () => {
  const visitLog = {
    visitDate: '2026-04-05',
    relapseAssessment: {
      newRelapse: true,
      relapses: [{ id: 'r-1', onsetDate: '2026-04-01', steroidTreated: false }],
    },
    samples: [
      { type: 'bloods', taken: false },
      { type: 'urine', taken: true },
    ],
    questionnaires: [{ instrument: 'msis29', done: true }],
    notes: 'x',
  };

  it.each([
    [
      'visit_log',
      'visit_log' as const,
      visitLog,
      {
        'relapseAssessment.relapses': { key: 'id', name: (_k: string, i: number) => `${i}` },
        samples: { key: 'type', name: (k: string) => k, extra: ['csf'] },
        questionnaires: { key: 'instrument', name: (k: string) => k },
      },
    ],
    [
      'adverse_event',
      'adverse_event' as const,
      { term: 'x', assessments: [{ intervention: 'ahsct', causality: 'unlikely' }] },
      { assessments: { key: 'intervention', name: (k: string) => k } },
    ],
    [
      'screening_record',
      'screening' as const,
      { relapses: [{ itemId: 'i-1', onsetDate: '2025-01-01' }] },
      { relapses: { key: 'itemId', name: (_k: string, i: number) => `${i}` } },
    ],
    ['visit_assessment', 'assessment' as const, { edss: { score: 3 } }, {}],
  ])(
    'offers on a %s only fields the API accepts, at the path sent',
    (entity, form, record, lists) => {
      const targets = recordTargets(form, record, lists, label, 'any');
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) {
        const target = queryTarget(entity, t.itemId, t.path);
        expect({ ...t, problem: isProblem(target) ? target.message : null }).toEqual({
          ...t,
          problem: null,
        });
        if (!isProblem(target) && t.path) {
          expect(target.path).toBe(t.path);
        }
      }
      // Every entered item of the form is offered.
      const offered = new Set(targets.map((t) => t.itemId));
      for (const item of FIELD_ITEMS.filter((i) => i.form === form && !i.derived)) {
        expect(offered).toContain(item.id);
      }
    },
  );

  it('offers each recorded list element, the extra keys, and the list as a whole', () => {
    const targets = recordTargets(
      'visit_log',
      visitLog,
      {
        samples: { key: 'type', name: (k) => k, extra: ['csf'] },
      },
      label,
      'any',
    );
    const taken = targets.filter((t) => t.itemId === 'visit_log.sampleTaken');
    expect(taken.map((t) => t.path)).toEqual([
      'samples[bloods].taken',
      'samples[urine].taken',
      'samples[csf].taken',
      undefined,
    ]);
  });

  it("marks the visit date where the API keeps it in the visit log (the page's extra target)", () => {
    expect(queryTarget('visit_log', 'visit.visitDate', undefined)).toMatchObject({
      path: 'visitDate',
    });
  });

  it('uses the API path pattern', () => {
    for (const p of ['samples[bloods].taken', 'a[x].b[y].c', 'notes', 'relapses[].onsetDate']) {
      expect(pathPattern(p)).toBe(apiPathPattern(p));
    }
  });

  it('marks exactly the queried field: one element, or every element of a whole-list query', () => {
    expect(queryIsOn('samples[bloods].taken', 'samples[bloods].taken')).toBe(true);
    expect(queryIsOn('samples[bloods].taken', 'samples[urine].taken')).toBe(false);
    expect(queryIsOn('samples[bloods].taken', 'samples[bloods].note')).toBe(false);
    expect(queryIsOn('samples[].taken', 'samples[urine].taken')).toBe(true);
    expect(queryIsOn('samples[].taken', 'samples[urine].note')).toBe(false);
    expect(queryIsOn('notes', 'notes')).toBe(true);
    expect(queryIsOn('notes', 'visitDate')).toBe(false);
    expect(queryIsOn('edss.score', 'edss.rater')).toBe(false);
  });

  it('finds the queries under a group (a list, one element)', () => {
    expect(queryIsUnder('samples[bloods].taken', 'samples')).toBe(true);
    expect(queryIsUnder('samples[].taken', 'samples')).toBe(true);
    expect(queryIsUnder('samples[bloods].taken', 'samples[bloods]')).toBe(true);
    expect(queryIsUnder('samples[].taken', 'samples[bloods]')).toBe(true);
    expect(queryIsUnder('samples[urine].taken', 'samples[bloods]')).toBe(false);
    expect(queryIsUnder('questionnaires[msis29].done', 'samples')).toBe(false);
    expect(queryIsUnder('notes', 'notes')).toBe(true);
    expect(queryIsUnder('notesExtra', 'notes')).toBe(false);
  });

  it('names a queried list element by its readable key, not by a generated id', () => {
    expect(itemWords({ label: 'Sample taken', path: 'samples[bloods].taken' })).toBe(
      'Sample taken (bloods)',
    );
    expect(
      itemWords({
        label: 'Relapse onset date',
        path: 'relapses[0b9d6f3e-1c2a-4b5d-8e7f-123456789abc].onsetDate',
      }),
    ).toBe('Relapse onset date');
    expect(itemWords({ label: 'Notes', path: 'notes' })).toBe('Notes');
  });
});
