/**
 * The validation report (issue 18): maps every requirement of validation/requirements.yaml to the
 * tests that name it (`[REQ-…]` in their titles) and their last recorded result, and writes
 * var/validation/report.md and report.json. Exits 1 when a requirement in force (not
 * `status: planned`) has no passing test or a failing one, when a test names an unknown id, or when
 * the requirements file is malformed; 0 otherwise.
 *
 *   npm run validation-report                 # from the results of the test runs so far
 *   npm run validation-report -- --run        # first runs every test file that names a requirement
 *   npm run validation-report -- --run=unit,int   # … of these Jest projects only
 *
 * Results come from test/harness/validation-reporter.js, which every Jest run feeds
 * (var/validation/last-results.json): `npm test` then `npm run validation-report` is the full proof.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  REPORT_DIR,
  ROOT,
  buildReport,
  loadRequirements,
  loadResults,
  renderMarkdown,
  scanTests,
} from './validation/pack';

const say = (line: string) => process.stdout.write(`${line}\n`);

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function runTests(files: string[], projects: string[]): number {
  const args = ['jest', '--maxWorkers=1', '--runTestsByPath', ...files];
  if (projects.length > 0) {
    args.push('--selectProjects', ...projects);
  }
  say(
    `validation-report: running ${files.length} test files (npx ${args.slice(0, 3).join(' ')} …)`,
  );
  const run = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit' });
  return run.status ?? 1;
}

function main(): number {
  const runArg = process.argv.slice(2).find((a) => a === '--run' || a.startsWith('--run='));
  const unknownArgs = process.argv.slice(2).filter((a) => a !== runArg);
  if (unknownArgs.length > 0) {
    process.stderr.write(
      `validation-report: unknown argument ${unknownArgs.join(' ')} (only --run[=projects])\n`,
    );
    return 2;
  }
  if (runArg) {
    const projects = runArg.includes('=') ? runArg.split('=')[1].split(',').filter(Boolean) : [];
    const files = [
      ...new Set(
        scanTests()
          .tests.filter((t) => t.ids.length > 0)
          .map((t) => t.file),
      ),
    ];
    // A failing test is reported below; the run's own exit code does not stop the report.
    runTests(files, projects);
  }

  const { requirements, problems } = loadRequirements();
  const report = buildReport({
    requirements,
    requirementProblems: problems,
    tree: scanTests(),
    results: loadResults(),
    now: new Date().toISOString(),
    commit: gitCommit(),
  });
  mkdirSync(REPORT_DIR, { recursive: true });
  const md = path.join(REPORT_DIR, 'report.md');
  writeFileSync(md, `${renderMarkdown(report)}\n`);
  writeFileSync(path.join(REPORT_DIR, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

  const s = report.summary;
  say(
    `validation-report: ${s.requirements} requirements (${s.planned} planned): ${s.proven} proven, ` +
      `${s.failing} failing, ${s.notRun} not run, ${s.noTest} without a test`,
  );
  for (const p of report.problems) {
    say(`  requirements file: ${p}`);
  }
  for (const u of report.unknown) {
    say(`  unknown id ${u.id} in ${u.file} (${u.where})`);
  }
  for (const id of s.unproven) {
    const r = report.requirements.find((x) => x.id === id)!;
    say(`  ${id} not proven: ${r.verdict}`);
  }
  say(`validation-report: ${report.ok ? 'PASS' : 'FAIL'}, written to ${path.relative(ROOT, md)}`);
  return report.ok ? 0 : 1;
}

process.exitCode = main();
