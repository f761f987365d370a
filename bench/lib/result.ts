import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';

/**
 * One figure of a benchmark beside the baseline measured in the same run on the same machine.
 * `bench/run-all.ts` reads the `figures` of every `bench/results/<name>.json` and prints them as
 * one table, so every benchmark writes its figures in this shape.
 */
export type Figure = {
  /** What was measured, e.g. "randomisation over HTTP". */
  measure: string;
  /** The size or load it was measured at, e.g. "8 clients" or "100,000 participants". */
  at: string;
  value: number;
  /** e.g. "alloc/s", "ms p50". */
  unit: string;
  /** The same-run baseline, e.g. "pgbench TPC-B-like". */
  baseline: string;
  baselineValue: number;
  baselineUnit: string;
  /** value / baselineValue. */
  ratio: number;
  /** How to read the ratio: for rates higher is better, for times lower is better. */
  better: 'higher' | 'lower';
};

export function figure(f: Omit<Figure, 'ratio'>): Figure {
  return { ...f, ratio: f.baselineValue === 0 ? Number.NaN : f.value / f.baselineValue };
}

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const RESULTS_DIR = path.resolve(__dirname, '../results');

/** Writes bench/results/<file>.json with the uniform header and figures, plus the benchmark's own details. */
export function writeResult(
  file: string,
  name: string,
  figures: Figure[],
  details: Record<string, unknown> = {},
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, `${file}.json`);
  writeFileSync(
    out,
    `${JSON.stringify({ name, measuredAt: new Date().toISOString(), machine: machine(), figures, ...details }, null, 2)}\n`,
  );
  return out;
}

export const thousands = (n: number): string => n.toLocaleString('en-GB');
