/** Types of the validation-pack Jest reporter (test/harness/validation-reporter.js, CommonJS). */
import type { ResultsFile, StoredFileResult } from '../../scripts/validation/pack';

declare class ValidationReporter {
  constructor(globalConfig: unknown, options?: { outputFile?: string });
  onRunComplete(contexts: unknown, aggregated: { testResults: unknown[] }): void;
  static mergeResults(
    previous: ResultsFile | null,
    entries: StoredFileResult[],
    at: string,
  ): ResultsFile;
  static fileEntry(
    testResult: unknown,
    run: { root: string; at: string; commit: string | null; dirty: boolean | null },
  ): StoredFileResult;
}
export = ValidationReporter;
