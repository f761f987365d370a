import {
  applyPatch,
  auditOf,
  diffRecord,
  type GroupSpec,
  mergeChanges,
  patchFromChanges,
  sameValue,
  staleVersion,
} from './corrections';

const GROUPS: GroupSpec[] = [
  { path: 'relapseAssessment.relapses', key: 'id', generated: true },
  { path: 'samples', key: 'type', generated: false },
];

const logged = () => ({
  visitDate: '2026-05-01',
  relapseAssessment: {
    newRelapse: true,
    relapses: [
      { id: 'r1', onsetDate: '2026-04-20', steroidTreated: true, description: 'optic neuritis' },
    ],
  },
  samples: [
    { type: 'bloods', taken: true },
    { type: 'biobank', taken: true },
  ],
  notes: 'fine',
});

let n = 0;
const newId = () => `new-${++n}`;

describe('applyPatch', () => {
  it('[REQ-CORR-001] leaves absent fields as they were and lists exactly the changed field', () => {
    const r = applyPatch(logged(), { visitDate: '2026-05-02' }, GROUPS, newId);
    expect(r.problems).toEqual([]);
    expect(r.after).toEqual({ ...logged(), visitDate: '2026-05-02' });
    expect(r.changes).toEqual([{ path: 'visitDate', before: '2026-05-01', after: '2026-05-02' }]);
  });

  it('null clears a field', () => {
    const r = applyPatch(logged(), { notes: null }, GROUPS, newId);
    expect('notes' in r.after).toBe(false);
    expect(r.changes).toEqual([{ path: 'notes', before: 'fine', after: null }]);
  });

  it('patches nested objects field by field', () => {
    const r = applyPatch(logged(), { relapseAssessment: { newRelapse: false } }, GROUPS, newId);
    expect(r.after.relapseAssessment.relapses).toHaveLength(1);
    expect(r.changes.map((c) => c.path)).toEqual(['relapseAssessment.newRelapse']);
  });

  it('adds one item without dropping the others, and changes and removes by key', () => {
    const add = applyPatch(
      logged(),
      { samples: { add: [{ type: 'urine', taken: true }] } },
      GROUPS,
      newId,
    );
    expect(add.after.samples.map((s) => s.type)).toEqual(['bloods', 'biobank', 'urine']);
    expect(add.changes).toEqual([
      { path: 'samples[urine]', before: null, after: { type: 'urine', taken: true } },
    ]);

    const change = applyPatch(
      logged(),
      { samples: { change: [{ type: 'biobank', taken: false }] } },
      GROUPS,
      newId,
    );
    expect(change.after.samples).toEqual([
      { type: 'bloods', taken: true },
      { type: 'biobank', taken: false },
    ]);
    expect(change.changes.map((c) => c.path)).toEqual(['samples[biobank].taken']);

    const relapse = applyPatch(
      logged(),
      { relapseAssessment: { relapses: { change: [{ id: 'r1', description: null }] } } },
      GROUPS,
      newId,
    );
    expect(relapse.after.relapseAssessment.relapses[0]).toEqual({
      id: 'r1',
      onsetDate: '2026-04-20',
      steroidTreated: true,
    });
    expect(relapse.changes).toEqual([
      { path: 'relapseAssessment.relapses[r1].description', before: 'optic neuritis', after: null },
    ]);

    const remove = applyPatch(logged(), { samples: { remove: ['bloods'] } }, GROUPS, newId);
    expect(remove.after.samples).toEqual([{ type: 'biobank', taken: true }]);
  });

  it('assigns ids to added items of a generated group and refuses a client id', () => {
    const r = applyPatch(
      logged(),
      {
        relapseAssessment: {
          relapses: { add: [{ onsetDate: '2026-04-28', steroidTreated: false }] },
        },
      },
      GROUPS,
      () => 'fresh',
    );
    expect(r.after.relapseAssessment.relapses.map((x) => x.id)).toEqual(['r1', 'fresh']);
    const bad = applyPatch(
      logged(),
      { relapseAssessment: { relapses: { add: [{ id: 'mine', onsetDate: '2026-04-28' }] } } },
      GROUPS,
      newId,
    );
    expect(bad.problems.map((p) => p.path)).toEqual(['relapseAssessment.relapses.add[0].id']);
  });

  it('reports unknown keys, duplicates and non-operations, and applies nothing', () => {
    const r = applyPatch(
      logged(),
      {
        visitDate: '2026-05-03',
        samples: {
          change: [{ type: 'csf', taken: true }],
          add: [{ type: 'bloods', taken: false }],
          remove: ['x'],
        },
      },
      GROUPS,
      newId,
    );
    expect(r.problems.map((p) => p.path).sort()).toEqual([
      'samples.add[0].type',
      'samples.change[0].type',
      'samples.remove[0]',
    ]);
    expect(r.after).toEqual(logged());
    expect(r.changes).toEqual([]);
    expect(
      applyPatch(logged(), { samples: [{ type: 'urine' }] }, GROUPS, newId).problems,
    ).toHaveLength(1);
  });

  it('a value equal to the recorded one is no change', () => {
    expect(
      applyPatch(
        logged(),
        { visitDate: '2026-05-01', samples: { change: [{ type: 'bloods', taken: true }] } },
        GROUPS,
        newId,
      ).changes,
    ).toEqual([]);
  });
});

describe('diffRecord and helpers', () => {
  it('matches items by key whatever their order', () => {
    const a = logged();
    const b = { ...logged(), samples: [...logged().samples].reverse() };
    expect(diffRecord(a, b, GROUPS)).toEqual([]);
  });

  it('patchFromChanges builds the patch that makes exactly the diff', () => {
    const edited = logged();
    edited.visitDate = '2026-05-03';
    edited.relapseAssessment.relapses[0].description = 'optic neuritis, left';
    edited.relapseAssessment.relapses.push({
      id: 'tmp',
      onsetDate: '2026-04-29',
      steroidTreated: false,
      description: 'x',
    });
    edited.samples = [
      { type: 'biobank', taken: false },
      { type: 'urine', taken: true },
    ];
    const changes = diffRecord(logged(), edited, GROUPS);
    const patch = patchFromChanges(changes, GROUPS);
    expect(patch).toEqual({
      visitDate: '2026-05-03',
      relapseAssessment: {
        relapses: {
          change: [{ id: 'r1', description: 'optic neuritis, left' }],
          add: [{ onsetDate: '2026-04-29', steroidTreated: false, description: 'x' }],
        },
      },
      samples: {
        remove: ['bloods'],
        change: [{ type: 'biobank', taken: false }],
        add: [{ type: 'urine', taken: true }],
      },
    });
    const applied = applyPatch(logged(), patch, GROUPS, () => 'tmp');
    expect(applied.problems).toEqual([]);
    expect(diffRecord(applied.after, edited, GROUPS)).toEqual([]);
  });

  it('audits exactly the changed paths', () => {
    const { before, after } = auditOf([{ path: 'notes', before: 'a', after: 'b' }]);
    expect(before).toEqual({ notes: 'a' });
    expect(after).toEqual({ notes: 'b' });
  });

  it('merges changes over versions and drops those that came back', () => {
    expect(
      mergeChanges([
        [{ path: 'a', before: 1, after: 2 }],
        [
          { path: 'a', before: 2, after: 3 },
          { path: 'b', before: 'x', after: 'y' },
        ],
        [{ path: 'b', before: 'y', after: 'x' }],
      ]),
    ).toEqual([{ path: 'a', before: 1, after: 3 }]);
  });

  it('treats absent and null alike', () => {
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue({ a: 1, b: null }, { a: 1 })).toBe(true);
  });

  it('[REQ-CORR-002] the stale-version error is a 409 listing the changes', () => {
    const e = staleVersion(3, 2, [{ path: 'notes', before: 'a', after: 'b' }]);
    expect(e.kind).toBe('conflict');
    expect(e.code).toBe('STALE_VERSION');
    expect(e.errors[0]).toMatchObject({
      path: 'expectedVersion',
      code: 'STALE_VERSION',
      params: { currentVersion: 3, expectedVersion: 2 },
    });
  });
});
