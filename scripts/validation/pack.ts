/**
 * The validation pack (issue 18): requirements (validation/requirements.yaml), the tests that name
 * them in their titles (`[REQ-RAND-002]` in an `it` or an enclosing `describe`), the last result of
 * each test (var/validation/last-results.json, written by test/harness/validation-reporter.js),
 * and the report that maps one onto the other. Pure functions plus file reading; the command is
 * scripts/validation-report.ts, the check test/unit/validation-pack.spec.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');
export const REQUIREMENTS_FILE = path.join(ROOT, 'validation', 'requirements.yaml');
export const RESULTS_FILE = path.join(ROOT, 'var', 'validation', 'last-results.json');
export const REPORT_DIR = path.join(ROOT, 'var', 'validation');

/** REQ-<AREA>-<nnn>: upper-case area, three digits. */
export const REQUIREMENT_ID = /^REQ-[A-Z]+-\d{3}$/;
/** A bracketed requirement reference in a test title, well-formed or not (checked afterwards). */
const REFERENCE = /\[(REQ-[^\]\s]*)\]/g;
const RISKS = ['high', 'medium', 'low'] as const;

export type Risk = (typeof RISKS)[number];

export type Requirement = {
  id: string;
  title: string;
  source: string;
  risk: Risk;
  /** `planned`: being built, no test yet; it is reported but does not fail the check. */
  status?: 'planned';
};

/** The requirement ids a test title names, in order, without repeats. */
export function idsIn(title: string): string[] {
  return [...new Set([...title.matchAll(REFERENCE)].map((m) => m[1]))];
}

/** Parses and checks the requirements file; problems name the entry. */
export function parseRequirements(text: string): {
  requirements: Requirement[];
  problems: string[];
} {
  const problems: string[] = [];
  let doc: { requirements?: unknown } | null;
  try {
    doc = parse(text) as { requirements?: unknown } | null;
  } catch (e) {
    return {
      requirements: [],
      problems: [`not valid YAML: ${(e as Error).message.split('\n')[0]}`],
    };
  }
  const list = doc?.requirements;
  if (!Array.isArray(list)) {
    return { requirements: [], problems: ['the file has no `requirements:` list'] };
  }
  const seen = new Set<string>();
  const requirements: Requirement[] = [];
  list.forEach((raw: unknown, i) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const where = typeof r.id === 'string' ? r.id : `entry ${i + 1}`;
    if (typeof r.id !== 'string' || !REQUIREMENT_ID.test(r.id)) {
      problems.push(`${where}: id must look like REQ-AREA-001`);
    } else if (seen.has(r.id)) {
      problems.push(`${where}: id used twice`);
    } else {
      seen.add(r.id);
    }
    for (const field of ['title', 'source'] as const) {
      if (typeof r[field] !== 'string' || (r[field] as string).trim() === '') {
        problems.push(`${where}: ${field} is missing`);
      }
    }
    if (!RISKS.includes(r.risk as Risk)) {
      problems.push(`${where}: risk must be one of ${RISKS.join(', ')}`);
    }
    if (r.status !== undefined && r.status !== 'planned') {
      problems.push(`${where}: status may only be "planned" (or absent)`);
    }
    const known = new Set(['id', 'title', 'source', 'risk', 'status']);
    for (const key of Object.keys(r).filter((k) => !known.has(k))) {
      problems.push(`${where}: unknown field "${key}"`);
    }
    requirements.push(r as unknown as Requirement);
  });
  return { requirements, problems };
}

export function loadRequirements(file = REQUIREMENTS_FILE) {
  return parseRequirements(readFileSync(file, 'utf8'));
}

/** The test files of the four Jest projects (jest.config.js testMatch), relative to the root. */
export function testFiles(root = ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const p = `${dir}/${e.name}`;
      return e.isDirectory() ? walk(p) : [p];
    });
  const src = walk('src').filter((f) => /\.(spec|int-spec)\.ts$/.test(f));
  const test = walk('test').filter((f) =>
    /^test\/(unit\/.*\.spec|int\/.*\.int-spec|e2e\/.*\.e2e-spec|browser\/.*\.browser-spec)\.ts$/.test(
      f,
    ),
  );
  return [...src, ...test].sort();
}

/** A test (`it`/`test`) as written in a file, with the titles of its enclosing `describe`s. */
export type DeclaredTest = {
  file: string;
  line: number;
  /** Enclosing describe titles and the test's own, as written (templates keep `${…}`, `%s`). */
  titles: string[];
  /** The ids its own title and the enclosing describe titles name. */
  ids: string[];
};

const SUITE = new Set(['describe', 'fdescribe', 'xdescribe']);
const TEST = new Set(['it', 'test', 'fit', 'xit', 'xtest']);

/** `it`, `it.each([...])`, `describe.only`… : the name at the root of the callee. */
function rootName(callee: ts.Expression): string | null {
  let e: ts.Expression = callee;
  for (;;) {
    if (ts.isIdentifier(e)) {
      return e.text;
    }
    if (ts.isPropertyAccessExpression(e)) {
      e = e.expression;
    } else if (ts.isCallExpression(e)) {
      e = e.expression;
    } else if (ts.isTaggedTemplateExpression(e)) {
      e = e.tag;
    } else {
      return null;
    }
  }
}

function titleOf(arg: ts.Expression | undefined, sf: ts.SourceFile): string {
  if (!arg) {
    return '';
  }
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) {
    return arg.text;
  }
  return arg.getText(sf);
}

/**
 * The tests a file declares, found in its syntax tree: only the first argument of describe/it/test
 * calls counts, so an id in a comment or a string elsewhere names nothing.
 */
export function declaredTests(file: string, text: string): DeclaredTest[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: DeclaredTest[] = [];
  const visit = (node: ts.Node, suites: string[]): void => {
    if (ts.isCallExpression(node)) {
      const name = rootName(node.expression);
      if (name && (SUITE.has(name) || TEST.has(name))) {
        const title = titleOf(node.arguments[0], sf);
        const titles = [...suites, title];
        if (TEST.has(name)) {
          found.push({
            file,
            line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
            titles,
            ids: [...new Set(titles.flatMap(idsIn))],
          });
        }
        node.arguments.slice(1).forEach((a) => visit(a, SUITE.has(name) ? titles : suites));
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, suites));
  };
  visit(sf, []);
  return found;
}

export type SourceTree = {
  tests: DeclaredTest[];
  /** SHA-256 of each test file's content, to tell a result of an older version of it. */
  sha256: Record<string, string>;
};

export function scanTests(root = ROOT): SourceTree {
  const tests: DeclaredTest[] = [];
  const sha256: Record<string, string> = {};
  for (const file of testFiles(root)) {
    const text = readFileSync(path.join(root, file));
    sha256[file] = createHash('sha256').update(text).digest('hex');
    tests.push(...declaredTests(file, text.toString('utf8')));
  }
  return { tests, sha256 };
}

// ---- results (written by test/harness/validation-reporter.js) ----

export type TestStatus = 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled' | string;

export type StoredTestResult = {
  fullName: string;
  ancestors: string[];
  title: string;
  status: TestStatus;
  durationMs: number | null;
  at: string;
  commit: string | null;
  failure?: string;
};

export type StoredFileResult = {
  file: string;
  project: string | null;
  runAt: string;
  commit: string | null;
  dirty: boolean | null;
  fileSha256: string | null;
  execError?: string;
  tests: StoredTestResult[];
};

export type ResultsFile = {
  version: 1;
  updatedAt: string;
  files: Record<string, StoredFileResult>;
};

export function loadResults(file = RESULTS_FILE): ResultsFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
    return parsed.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}

// ---- the report ----

export type Verdict = 'proven' | 'failing' | 'not run' | 'no test';

export type Evidence = {
  file: string;
  name: string;
  /** passed / failed / …, `not run` when no current result exists, `file failed` when it could not run. */
  result: string;
  at: string | null;
  commit: string | null;
  durationMs: number | null;
  failure?: string;
};

export type RequirementReport = Requirement & { verdict: Verdict; tests: Evidence[] };

export type UnknownReference = { id: string; file: string; where: string };

export type Report = {
  generatedAt: string;
  commit: string | null;
  resultsUpdatedAt: string | null;
  /** The commits the counted results ran on, with the number of tests of each. */
  resultCommits: Record<string, number>;
  summary: {
    requirements: number;
    planned: number;
    proven: number;
    failing: number;
    notRun: number;
    noTest: number;
    /** Requirements in force (not planned) without a passing test and none failing. */
    unproven: string[];
  };
  requirements: RequirementReport[];
  /** Ids named by a test that are malformed or not in the requirements file. */
  unknown: UnknownReference[];
  /** Test files whose stored results are older than their content (not counted). */
  staleFiles: string[];
  problems: string[];
  ok: boolean;
};

/**
 * Maps each requirement to the tests naming it and their last result. A requirement is `proven`
 * when at least one of its tests passed and none failed; `failing` when one failed (or its file
 * could not run); `not run` when tests name it but none has a current result; `no test` when no
 * test names it. Results of a file whose content changed since they were recorded are not
 * counted. `ok` is false while a requirement in force is not proven, a test names an unknown id,
 * or the requirements file has problems.
 */
export function buildReport(input: {
  requirements: Requirement[];
  requirementProblems?: string[];
  tree: SourceTree;
  results: ResultsFile | null;
  now: string;
  commit: string | null;
}): Report {
  const { requirements, tree, results } = input;
  const known = new Set(requirements.map((r) => r.id));
  const byId = new Map<string, Evidence[]>(requirements.map((r) => [r.id, []]));
  const unknown: UnknownReference[] = [];
  const staleFiles: string[] = [];
  const resultCommits: Record<string, number> = {};
  const note = (id: string, file: string, where: string) => {
    if (!known.has(id) && !unknown.some((u) => u.id === id && u.file === file)) {
      unknown.push({ id, file, where });
    }
  };

  const declaredByFile = new Map<string, DeclaredTest[]>();
  for (const t of tree.tests) {
    declaredByFile.set(t.file, [...(declaredByFile.get(t.file) ?? []), t]);
    t.ids.forEach((id) => note(id, t.file, `line ${t.line}`));
  }

  for (const [file, declared] of declaredByFile) {
    const stored = results?.files[file];
    const current = stored && stored.fileSha256 === tree.sha256[file] ? stored : undefined;
    if (stored && !current) {
      staleFiles.push(file);
    }
    const covered = new Set<string>();
    if (current && !current.execError) {
      for (const t of current.tests) {
        const ids = idsIn(t.fullName);
        ids.forEach((id) => note(id, file, t.fullName));
        for (const id of ids.filter((i) => byId.has(i))) {
          covered.add(id);
          byId.get(id)!.push({
            file,
            name: t.fullName,
            result: t.status,
            at: t.at,
            commit: t.commit,
            durationMs: t.durationMs,
            ...(t.failure ? { failure: t.failure } : {}),
          });
          if (t.status === 'passed' || t.status === 'failed') {
            const c = `${t.commit ?? 'unknown'}${current.dirty ? ' + uncommitted changes' : ''}`;
            resultCommits[c] = (resultCommits[c] ?? 0) + 1;
          }
        }
      }
    }
    // Tests that name a requirement but have no current result: not run, or their file failed.
    for (const d of declared) {
      for (const id of d.ids.filter((i) => byId.has(i) && !covered.has(i))) {
        byId.get(id)!.push({
          file,
          name: d.titles.join(' '),
          result: current?.execError ? 'file failed' : 'not run',
          at: current?.runAt ?? null,
          commit: current?.commit ?? null,
          durationMs: null,
          ...(current?.execError ? { failure: current.execError } : {}),
        });
      }
    }
  }

  const reports: RequirementReport[] = requirements.map((r) => {
    const tests = byId.get(r.id) ?? [];
    const failed = tests.some((t) => t.result === 'failed' || t.result === 'file failed');
    const passed = tests.some((t) => t.result === 'passed');
    const verdict: Verdict =
      tests.length === 0 ? 'no test' : failed ? 'failing' : passed ? 'proven' : 'not run';
    return { ...r, verdict, tests };
  });

  const count = (v: Verdict) => reports.filter((r) => r.verdict === v).length;
  const unproven = reports
    .filter((r) => r.status !== 'planned' && r.verdict !== 'proven')
    .map((r) => r.id);
  const problems = [...(input.requirementProblems ?? [])];
  return {
    generatedAt: input.now,
    commit: input.commit,
    resultsUpdatedAt: results?.updatedAt ?? null,
    resultCommits,
    summary: {
      requirements: reports.length,
      planned: reports.filter((r) => r.status === 'planned').length,
      proven: count('proven'),
      failing: count('failing'),
      notRun: count('not run'),
      noTest: count('no test'),
      unproven,
    },
    requirements: reports,
    unknown,
    staleFiles: staleFiles.sort(),
    problems,
    ok: unproven.length === 0 && unknown.length === 0 && problems.length === 0,
  };
}

const VERDICT_TEXT: Record<Verdict, string> = {
  proven: '✅ proven',
  failing: '❌ failing',
  'not run': '⚠️ not run',
  'no test': '⚠️ no test',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The report as Markdown: summary, problems, the traceability table, then each requirement's tests. */
export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [];
  out.push('# RAM-MS validation report', '');
  out.push(
    `Generated ${report.generatedAt} on commit \`${report.commit ?? 'unknown'}\` from ` +
      '`validation/requirements.yaml` and the last recorded test results ' +
      `(\`var/validation/last-results.json\`, updated ${report.resultsUpdatedAt ?? 'never'}).`,
    '',
  );
  out.push(
    `**${report.ok ? 'PASS' : 'FAIL'}**: every requirement in force has at least one passing test ` +
      'and no failing one, and every id a test names is a requirement.',
    '',
  );
  out.push('| | count |', '| --- | --- |');
  out.push(`| requirements | ${s.requirements} (${s.planned} planned) |`);
  out.push(`| proven | ${s.proven} |`);
  out.push(`| failing | ${s.failing} |`);
  out.push(`| named by tests, none with a current result | ${s.notRun} |`);
  out.push(`| no test yet | ${s.noTest} |`);
  for (const risk of RISKS) {
    const inForce = report.requirements.filter((r) => r.risk === risk && r.status !== 'planned');
    const proven = inForce.filter((r) => r.verdict === 'proven').length;
    out.push(`| ${risk} risk, in force: proven | ${proven} of ${inForce.length} |`);
  }
  out.push('');
  const commits = Object.entries(report.resultCommits);
  if (commits.length > 0) {
    out.push(
      'Results counted ran on: ' +
        commits
          .map(([c, n]) => `${c.replace(/^([0-9a-f]{12})[0-9a-f]{28}/, '`$1`')} (${n} results)`)
          .join(', ') +
        '.',
      '',
    );
  }
  const issues: string[] = [
    ...report.problems.map((p) => `Requirements file: ${p}`),
    ...report.unknown.map((u) => `Unknown requirement id \`${u.id}\` in ${u.file} (${u.where})`),
    ...s.unproven.map((id) => {
      const r = report.requirements.find((x) => x.id === id)!;
      return `${id} is not proven: ${r.verdict}`;
    }),
  ];
  if (issues.length > 0) {
    out.push('## Problems', '', ...issues.map((i) => `- ${i}`), '');
  }
  const planned = report.requirements.filter(
    (r) => r.status === 'planned' && r.verdict !== 'proven',
  );
  if (planned.length > 0) {
    out.push(
      '## Planned: no passing test yet',
      '',
      'Being built; they do not fail the check until their `status: planned` is removed.',
      '',
      ...planned.map((r) => `- ${r.id} (${r.verdict}): ${r.title}`),
      '',
    );
  }
  if (report.staleFiles.length > 0) {
    out.push(
      '## Results not counted',
      '',
      'These files changed after their last run; run them again to count their results:',
      '',
      ...report.staleFiles.map((f) => `- ${f}`),
      '',
    );
  }
  out.push('## Traceability matrix', '');
  out.push('| id | requirement | risk | source | verdict | tests (passed/recorded/named) |');
  out.push('| --- | --- | --- | --- | --- | --- |');
  for (const r of report.requirements) {
    const passed = r.tests.filter((t) => t.result === 'passed').length;
    const recorded = r.tests.filter((t) => t.result !== 'not run').length;
    const verdict =
      r.status === 'planned' && r.verdict === 'no test'
        ? '🕓 planned, no test yet'
        : `${VERDICT_TEXT[r.verdict]}${r.status === 'planned' ? ' (planned)' : ''}`;
    out.push(
      `| ${r.id} | ${cell(r.title)} | ${r.risk} | ${cell(r.source)} | ${verdict} | ` +
        `${passed}/${recorded}/${r.tests.length} |`,
    );
  }
  out.push('', '## Evidence per requirement', '');
  for (const r of report.requirements) {
    out.push(`### ${r.id}: ${r.title}`, '');
    out.push(`Risk ${r.risk}. Source: ${r.source}.${r.status ? ` Status: ${r.status}.` : ''}`, '');
    if (r.tests.length === 0) {
      out.push('No test names this requirement yet.', '');
      continue;
    }
    out.push(
      '| result | test | file | when | commit | ms |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const t of r.tests) {
      const result = t.failure ? `${t.result}: ${t.failure}` : t.result;
      out.push(
        `| ${cell(result)} | ${cell(t.name)} | ${t.file} | ${t.at ?? ''} | ` +
          `${t.commit ? t.commit.slice(0, 12) : ''} | ${t.durationMs ?? ''} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
