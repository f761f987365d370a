import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  REQUIREMENT_ID,
  Requirement,
  ResultsFile,
  SourceTree,
  StoredFileResult,
  buildReport,
  declaredTests,
  idsIn,
  loadRequirements,
  parseRequirements,
  renderMarkdown,
  scanTests,
} from '../../scripts/validation/pack';
import ValidationReporter from '../harness/validation-reporter';

/**
 * The validation pack (issue 18): every requirement in force is named by a test, every id a test
 * names is a requirement, and the report calls a requirement proven only on a passing test.
 */
describe('the validation pack', () => {
  const { requirements, problems } = loadRequirements();
  const tree = scanTests();

  it('has well-formed, unique requirement ids, each with a title, a source and a risk', () => {
    expect(problems).toEqual([]);
    expect(requirements.length).toBeGreaterThanOrEqual(30);
    for (const r of requirements) {
      expect(r.id).toMatch(REQUIREMENT_ID);
    }
    expect(new Set(requirements.map((r) => r.id)).size).toBe(requirements.length);
  });

  it('names every requirement in force in at least one test title', () => {
    const named = new Set(tree.tests.flatMap((t) => t.ids));
    const unnamed = requirements
      .filter((r) => r.status !== 'planned' && !named.has(r.id))
      .map((r) => r.id);
    expect(unnamed).toEqual([]);
  });

  it('names only requirements that exist, in well-formed brackets', () => {
    const known = new Set(requirements.map((r) => r.id));
    const unknown = tree.tests.flatMap((t) =>
      t.ids.filter((id) => !known.has(id)).map((id) => `${t.file}:${t.line} ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it('finds the tests of all four projects', () => {
    const files = new Set(tree.tests.map((t) => t.file));
    for (const f of [
      'src/modules/randomization/sequence/block-sequence.spec.ts',
      'test/int/booking-engine.int-spec.ts',
      'test/e2e/randomization.e2e-spec.ts',
      'test/browser/site.browser-spec.ts',
    ]) {
      expect(files).toContain(f);
    }
  });
});

describe('the validation pack: finding ids in test titles', () => {
  it('reads ids from describe and it titles, it.each and templates, not from comments or other strings', () => {
    const source = [
      "// it('[REQ-X-001] a comment')",
      "describe('[REQ-A-001] suite', () => {",
      "  const s = '[REQ-X-002] not a title';",
      "  it('[REQ-B-002][REQ-C-003] one', () => {});",
      "  it.each([1, 2])('[REQ-D-004] each %s', () => {});",
      '  it(`[REQ-E-005] ${s}`, () => {});',
      "  describe.each(['x'])('inner %s', () => { test('plain', () => {}); });",
      '});',
      "it('outside', () => {});",
    ].join('\n');
    const found = declaredTests('x.spec.ts', source);
    expect(found.map((t) => [t.line, t.ids])).toEqual([
      [4, ['REQ-A-001', 'REQ-B-002', 'REQ-C-003']],
      [5, ['REQ-A-001', 'REQ-D-004']],
      [6, ['REQ-A-001', 'REQ-E-005']],
      [7, ['REQ-A-001']],
      [9, []],
    ]);
    expect(idsIn('[REQ-rand-1] x [REQ-RAND-001]')).toEqual(['REQ-rand-1', 'REQ-RAND-001']);
  });

  it('refuses a malformed or duplicated requirements file (the check can fail)', () => {
    const bad = parseRequirements(
      [
        'requirements:',
        '  - { id: REQ-A-001, title: t, source: s, risk: high }',
        '  - { id: REQ-A-001, title: t, source: s, risk: high }',
        '  - { id: REQ-a-2, title: t, source: s, risk: severe, status: done, owner: me }',
      ].join('\n'),
    );
    expect(bad.problems).toEqual([
      'REQ-A-001: id used twice',
      'REQ-a-2: id must look like REQ-AREA-001',
      'REQ-a-2: risk must be one of high, medium, low',
      'REQ-a-2: status may only be "planned" (or absent)',
      'REQ-a-2: unknown field "owner"',
    ]);
    expect(parseRequirements('requirements: [').problems[0]).toMatch(/^not valid YAML/);
  });
});

describe('the validation report', () => {
  const req = (id: string, status?: 'planned'): Requirement => ({
    id,
    title: `title of ${id}`,
    source: 'ICH E6(R3)',
    risk: 'high',
    ...(status ? { status } : {}),
  });
  const requirements = [
    req('REQ-T-001'),
    req('REQ-T-002'),
    req('REQ-T-003'),
    req('REQ-T-004'),
    req('REQ-T-005', 'planned'),
  ];
  const tree: SourceTree = {
    tests: [
      { file: 'a.spec.ts', line: 1, titles: ['[REQ-T-001] passes'], ids: ['REQ-T-001'] },
      { file: 'a.spec.ts', line: 2, titles: ['[REQ-T-002] fails'], ids: ['REQ-T-002'] },
      { file: 'a.spec.ts', line: 3, titles: ['[REQ-T-003] also T-003'], ids: ['REQ-T-003'] },
      { file: 'b.spec.ts', line: 1, titles: ['[REQ-T-003] passes'], ids: ['REQ-T-003'] },
      { file: 'c.spec.ts', line: 1, titles: ['[REQ-T-004] never ran'], ids: ['REQ-T-004'] },
    ],
    sha256: { 'a.spec.ts': 'a1', 'b.spec.ts': 'b1', 'c.spec.ts': 'c1' },
  };
  const fileResult = (
    file: string,
    sha: string,
    tests: [string, string][],
    extra: Partial<StoredFileResult> = {},
  ): StoredFileResult => ({
    file,
    project: 'unit',
    runAt: '2026-12-04T10:00:00.000Z',
    commit: 'c0ffee',
    dirty: false,
    fileSha256: sha,
    tests: tests.map(([fullName, status]) => ({
      fullName,
      ancestors: [],
      title: fullName,
      status,
      durationMs: 5,
      at: '2026-12-04T10:00:00.000Z',
      commit: 'c0ffee',
      ...(status === 'failed' ? { failure: 'expected 1, received 2' } : {}),
    })),
    ...extra,
  });
  const results = (files: StoredFileResult[]): ResultsFile => ({
    version: 1,
    updatedAt: '2026-12-04T10:00:00.000Z',
    files: Object.fromEntries(files.map((f) => [f.file, f])),
  });
  const report = (r: ResultsFile | null, t = tree) =>
    buildReport({
      requirements,
      tree: t,
      results: r,
      now: '2026-12-04T10:05:00.000Z',
      commit: 'c0ffee',
    });

  const run = results([
    fileResult('a.spec.ts', 'a1', [
      ['[REQ-T-001] passes', 'passed'],
      ['[REQ-T-002] fails', 'failed'],
      ['[REQ-T-003] also T-003', 'pending'],
    ]),
    fileResult('b.spec.ts', 'b1', [['[REQ-T-003] passes', 'passed']]),
  ]);

  it('marks a requirement whose only test failed as failing, not proven, and the report as failed', () => {
    const r = report(run);
    const verdicts = Object.fromEntries(r.requirements.map((x) => [x.id, x.verdict]));
    expect(verdicts).toEqual({
      'REQ-T-001': 'proven',
      'REQ-T-002': 'failing',
      'REQ-T-003': 'proven',
      'REQ-T-004': 'not run',
      'REQ-T-005': 'no test',
    });
    expect(r.summary.unproven).toEqual(['REQ-T-002', 'REQ-T-004']);
    expect(r.ok).toBe(false);
    const md = renderMarkdown(r);
    expect(md).toContain('**FAIL**');
    expect(md).toContain(
      '| REQ-T-002 | title of REQ-T-002 | high | ICH E6(R3) | ❌ failing | 0/1/1 |',
    );
    expect(md).toContain('failed: expected 1, received 2');
    expect(md).toContain('🕓 planned, no test yet');
    expect(md).toContain('- REQ-T-005 (no test): title of REQ-T-005');
  });

  it('is ok only when every requirement in force has a passing test and none failing', () => {
    const green = results([
      fileResult('a.spec.ts', 'a1', [
        ['[REQ-T-001] passes', 'passed'],
        ['[REQ-T-002] fails', 'passed'],
      ]),
      fileResult('c.spec.ts', 'c1', [['[REQ-T-004] never ran', 'passed']]),
      fileResult('b.spec.ts', 'b1', [['[REQ-T-003] passes', 'passed']]),
    ]);
    expect(report(green).ok).toBe(true);
    // One failing test among passing ones makes the requirement failing.
    const mixed = results([
      ...Object.values(green.files).filter((f) => f.file !== 'b.spec.ts'),
      fileResult('b.spec.ts', 'b1', [['[REQ-T-003] passes', 'failed']]),
    ]);
    expect(report(mixed).requirements.find((x) => x.id === 'REQ-T-003')!.verdict).toBe('failing');
  });

  it('does not count results of a file changed since they were recorded, nor of a file that could not run', () => {
    const changed = report(run, { ...tree, sha256: { ...tree.sha256, 'a.spec.ts': 'a2' } });
    expect(changed.staleFiles).toEqual(['a.spec.ts']);
    expect(changed.requirements.find((x) => x.id === 'REQ-T-001')!.verdict).toBe('not run');

    const broken = report(
      results([
        fileResult('a.spec.ts', 'a1', [], { execError: 'SyntaxError: Unexpected token' }),
        fileResult('b.spec.ts', 'b1', [['[REQ-T-003] passes', 'passed']]),
      ]),
    );
    expect(broken.requirements.find((x) => x.id === 'REQ-T-001')!.tests).toEqual([
      expect.objectContaining({ result: 'file failed', failure: 'SyntaxError: Unexpected token' }),
    ]);
    expect(broken.requirements.find((x) => x.id === 'REQ-T-003')!.verdict).toBe('failing');
  });

  it('flags an unknown id named by a test or a result', () => {
    const r = report(run, {
      ...tree,
      tests: [
        ...tree.tests,
        { file: 'c.spec.ts', line: 9, titles: ['[REQ-T-999] typo'], ids: ['REQ-T-999'] },
      ],
    });
    expect(r.unknown).toEqual([{ id: 'REQ-T-999', file: 'c.spec.ts', where: 'line 9' }]);
    expect(r.ok).toBe(false);
  });
});

describe('the validation reporter', () => {
  const entry = (file: string, sha: string, tests: [string, string][]): StoredFileResult => ({
    file,
    project: 'unit',
    runAt: 't',
    commit: 'c',
    dirty: false,
    fileSha256: sha,
    tests: tests.map(([fullName, status]) => ({
      fullName,
      ancestors: [],
      title: fullName,
      status,
      durationMs: 1,
      at: sha,
      commit: 'c',
    })),
  });

  it('replaces only the files of a run, and keeps the last result of a test filtered out of an unchanged file', () => {
    const first = ValidationReporter.mergeResults(
      null,
      [
        entry('a', 'a1', [
          ['x', 'passed'],
          ['y', 'failed'],
        ]),
        entry('b', 'b1', [['z', 'passed']]),
      ],
      't1',
    );
    const second = ValidationReporter.mergeResults(
      first,
      [
        entry('a', 'a1', [
          ['x', 'pending'],
          ['y', 'passed'],
        ]),
      ],
      't2',
    );
    expect(second.files.b).toEqual(first.files.b);
    expect(second.files.a.tests.map((t) => [t.fullName, t.status])).toEqual([
      ['x', 'passed'],
      ['y', 'passed'],
    ]);
    // Once the file changed, a test not run has no result to carry.
    const third = ValidationReporter.mergeResults(
      second,
      [entry('a', 'a2', [['x', 'pending']])],
      't3',
    );
    expect(third.files.a.tests.map((t) => t.status)).toEqual(['pending']);
  });

  it('writes the results file after a run, with file, status, duration and commit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'validation-'));
    const out = path.join(dir, 'results.json');
    const previous = process.env.VALIDATION_RESULTS_FILE;
    process.env.VALIDATION_RESULTS_FILE = out;
    try {
      const self = path.resolve(__filename);
      new ValidationReporter({}).onRunComplete(
        {},
        {
          testResults: [
            {
              testFilePath: self,
              displayName: { name: 'unit', color: 'white' },
              testResults: [
                {
                  fullName: 'suite [REQ-T-001] works',
                  ancestorTitles: ['suite'],
                  title: '[REQ-T-001] works',
                  status: 'failed',
                  duration: 12,
                  failureMessages: ['\u001b[31mError: boom\u001b[39m\n    at x'],
                },
              ],
            },
          ],
        },
      );
      const written = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
      const f = written.files['test/unit/validation-pack.spec.ts'];
      expect(f).toMatchObject({
        project: 'unit',
        fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(f.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(f.tests).toEqual([
        expect.objectContaining({
          fullName: 'suite [REQ-T-001] works',
          status: 'failed',
          durationMs: 12,
          failure: 'Error: boom',
        }),
      ]);
      // A corrupt results file is started afresh rather than failing the run.
      writeFileSync(out, '{');
      new ValidationReporter({}).onRunComplete({}, { testResults: [] });
      expect(readFileSync(out, 'utf8')).toBe('{');
      new ValidationReporter({}).onRunComplete(
        {},
        { testResults: [{ testFilePath: self, testResults: [] }] },
      );
      expect(Object.keys((JSON.parse(readFileSync(out, 'utf8')) as ResultsFile).files)).toEqual([
        'test/unit/validation-pack.spec.ts',
      ]);
    } finally {
      if (previous === undefined) {
        delete process.env.VALIDATION_RESULTS_FILE;
      } else {
        process.env.VALIDATION_RESULTS_FILE = previous;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
