// @ts-check
/**
 * Jest reporter of the validation pack (issue 18): after every run it records each test's full
 * name, file, status, duration, time and git commit in var/validation/last-results.json, which
 * `npm run validation-report` maps onto validation/requirements.yaml.
 *
 * Results are merged per test file: a run of a few files replaces only those files' entries, so
 * the file always holds the last result of every test that ever ran. Within a file that has not
 * changed since its previous run, a test this run did not execute (filtered out with -t: pending,
 * skipped, todo) keeps its previous result. A file that could not run (syntax error, failing
 * import) is recorded with its error and no tests, so what it proved before no longer counts.
 *
 * Options (jest.config.js): { outputFile } relative to the repository root; the environment
 * variable VALIDATION_RESULTS_FILE overrides it, VALIDATION_RESULTS=off switches recording off.
 * Recording never fails the run: a problem is printed as a warning.
 */
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const NOT_RUN = new Set(['pending', 'skipped', 'todo', 'disabled']);

/** @param {string} file */
function sha256OfFile(file) {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/** The commit checked out and whether tracked files differ from it; nulls outside git. */
function gitState(cwd = ROOT) {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      encoding: 'utf8',
    });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** First line of the first failure message, without terminal colours. */
function firstLine(/** @type {string[] | undefined} */ messages) {
  const text = (messages ?? []).join('\n').replace(/\u001b\[[0-9;]*m/g, '');
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().slice(0, 500) : undefined;
}

/**
 * One file's entry from Jest's TestResult.
 * @param {any} testResult Jest's TestResult
 * @param {{ root: string, at: string, commit: string | null, dirty: boolean | null }} run
 */
function fileEntry(testResult, run) {
  const file = path.relative(run.root, testResult.testFilePath).split(path.sep).join('/');
  const project =
    typeof testResult.displayName === 'string'
      ? testResult.displayName
      : (testResult.displayName?.name ?? null);
  const execError = testResult.testExecError
    ? firstLine([testResult.testExecError.message ?? String(testResult.testExecError)])
    : undefined;
  return {
    file,
    project,
    runAt: run.at,
    commit: run.commit,
    dirty: run.dirty,
    fileSha256: sha256OfFile(testResult.testFilePath),
    ...(execError ? { execError } : {}),
    tests: (testResult.testResults ?? []).map((/** @type {any} */ a) => ({
      fullName: a.fullName,
      ancestors: a.ancestorTitles,
      title: a.title,
      status: a.status,
      durationMs: a.duration ?? null,
      at: run.at,
      commit: run.commit,
      ...(a.status === 'failed' ? { failure: firstLine(a.failureMessages) } : {}),
    })),
  };
}

/**
 * Merges one run into the stored results: each file of the run replaces its stored entry; a test
 * the run did not execute keeps its previous result when the file is unchanged.
 * @param {any} previous the stored results (or null)
 * @param {any[]} entries the run's file entries
 * @param {string} at
 */
function mergeResults(previous, entries, at) {
  const files = { ...(previous && previous.version === 1 ? previous.files : {}) };
  for (const entry of entries) {
    const old = files[entry.file];
    if (old && old.fileSha256 && old.fileSha256 === entry.fileSha256 && !entry.execError) {
      const before = new Map(old.tests.map((/** @type {any} */ t) => [t.fullName, t]));
      entry.tests = entry.tests.map((/** @type {any} */ t) => {
        const kept = before.get(t.fullName);
        return NOT_RUN.has(t.status) && kept && !NOT_RUN.has(kept.status) ? kept : t;
      });
    }
    files[entry.file] = entry;
  }
  const sorted = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((k) => [k, files[k]]),
  );
  return { version: 1, updatedAt: at, files: sorted };
}

/** Runs `fn` holding a lock file, so two Jest runs ending together do not lose each other's results. */
function withLock(/** @type {string} */ file, /** @type {() => void} */ fn) {
  const lock = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (e) {
      const age = (() => {
        try {
          return Date.now() - fs.statSync(lock).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (age > 30_000) {
        fs.rmSync(lock, { force: true });
      } else if (attempt >= 100) {
        throw e;
      } else {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

class ValidationReporter {
  /**
   * @param {unknown} _globalConfig
   * @param {{ outputFile?: string }} [options]
   */
  constructor(_globalConfig, options = {}) {
    this.outputFile = path.resolve(
      ROOT,
      process.env.VALIDATION_RESULTS_FILE ||
        options.outputFile ||
        'var/validation/last-results.json',
    );
    this.enabled = process.env.VALIDATION_RESULTS !== 'off';
  }

  /**
   * @param {unknown} _contexts
   * @param {{ testResults: any[] }} aggregated
   */
  onRunComplete(_contexts, aggregated) {
    if (!this.enabled || aggregated.testResults.length === 0) {
      return;
    }
    try {
      const at = new Date().toISOString();
      const run = { root: ROOT, at, ...gitState() };
      const entries = aggregated.testResults.map((r) => fileEntry(r, run));
      fs.mkdirSync(path.dirname(this.outputFile), { recursive: true });
      withLock(this.outputFile, () => {
        let previous = null;
        try {
          previous = JSON.parse(fs.readFileSync(this.outputFile, 'utf8'));
        } catch {
          previous = null;
        }
        const merged = mergeResults(previous, entries, at);
        const tmp = `${this.outputFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, `${JSON.stringify(merged, null, 1)}\n`);
        fs.renameSync(tmp, this.outputFile);
      });
    } catch (e) {
      console.warn(`validation-reporter: results not recorded (${String(e)})`);
    }
  }
}

module.exports = ValidationReporter;
module.exports.mergeResults = mergeResults;
module.exports.fileEntry = fileEntry;
