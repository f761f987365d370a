import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Figure, machine, RESULTS_DIR } from './lib/result';

/**
 * `npm run bench`: runs every benchmark of bench/ one after the other, each in its own process on
 * its own scratch database, then prints ONE table in which every figure stands beside the
 * baseline measured in the same run on the same machine, with the ratio. Each benchmark writes
 * bench/results/<name>.json; this runner also writes bench/results/summary.json and summary.md.
 *
 * Defaults finish in roughly 12–20 minutes on a 2-core machine and include the issues' sizes
 * (10,000 schedules, a sweep over 1,000,000 visits, a list over 100,000 participants, exports of
 * 10,000 participants with 90,000 visits). Larger runs
 * (see README "Performance"):
 *   BENCH_ALLOCATIONS=1000                      randomisation: allocations per client count (default 300)
 *   BENCH_ENROLMENT_N=1000                      enrolment: registrations and screening writes per client count (default 400)
 *   BENCH_LIST_SIZES=10000,100000,1000000       allocation list: participant counts (default 10000,100000)
 *   BENCH_FOLLOW_UP_SIZES=1000x100000,10000x1000000,30000x3000000
 *                                               follow-up: participants x visits per run (default 1000x100000,3000x300000,10000x1000000)
 *   BENCH_SLOTS_N=999 BENCH_SLOTS_REPEAT=3      slots: bookings per run, runs per level (default 400, 3)
 *   BENCH_PGBENCH_SECONDS=8                     length of each pgbench baseline
 *   BENCH_SIGNIN_CONCURRENCY=8                  sign-in: sign-ins in flight while /health is timed
 *   BENCH_EXPORT_SIZES=1000,10000,30000         exports: participants (about 9 visits each) per export run (default 1000,10000)
 *   BENCH_ONLY=enrolment,slots                  run only these benchmarks
 */
type Bench = {
  name: string;
  script: string;
  /** Extra node flags (e.g. --expose-gc, so that a benchmark can collect before measuring heap). */
  nodeArgs?: string[];
  runs: { label: string; env: Record<string, string> }[];
};

const env = process.env;
const followUpSizes = (env.BENCH_FOLLOW_UP_SIZES ?? '1000x100000,3000x300000,10000x1000000')
  .split(',')
  .map((s) => {
    const [participants, visits] = s.split('x').map((n) => Number(n.trim()));
    if (!(participants > 0 && visits > 0)) {
      throw new Error(`BENCH_FOLLOW_UP_SIZES: "${s}" is not <participants>x<visits>`);
    }
    return { participants, visits };
  });

const BENCHES: Bench[] = [
  {
    name: 'randomization',
    script: 'bench/randomization/run.ts',
    runs: [{ label: '', env: { BENCH_ALLOCATIONS: env.BENCH_ALLOCATIONS ?? '300' } }],
  },
  {
    name: 'enrolment',
    script: 'bench/enrolment/run.ts',
    runs: [{ label: '', env: { BENCH_ENROLMENT_N: env.BENCH_ENROLMENT_N ?? '400' } }],
  },
  {
    name: 'allocation-list',
    script: 'bench/allocation-list/run.ts',
    runs: [{ label: '', env: { BENCH_LIST_SIZES: env.BENCH_LIST_SIZES ?? '10000,100000' } }],
  },
  {
    name: 'follow-up',
    script: 'bench/follow-up/run.ts',
    runs: followUpSizes.map((s) => ({
      label: `${s.participants}x${s.visits}`,
      env: {
        FOLLOW_UP_BENCH_PARTICIPANTS: String(s.participants),
        FOLLOW_UP_BENCH_VISITS: String(s.visits),
      },
    })),
  },
  {
    name: 'sign-in',
    script: 'bench/sign-in/run.ts',
    runs: [{ label: '', env: { BENCH_SIGNIN_CONCURRENCY: env.BENCH_SIGNIN_CONCURRENCY ?? '8' } }],
  },
  {
    name: 'slots',
    script: 'bench/slots/run.ts',
    runs: [
      {
        label: '',
        env: {
          BENCH_SLOTS_N: env.BENCH_SLOTS_N ?? '400',
          BENCH_SLOTS_REPEAT: env.BENCH_SLOTS_REPEAT ?? '3',
        },
      },
    ],
  },
  {
    name: 'exports',
    script: 'bench/exports/run.ts',
    nodeArgs: ['--expose-gc'],
    runs: [{ label: '', env: { BENCH_EXPORT_SIZES: env.BENCH_EXPORT_SIZES ?? '1000,10000' } }],
  },
];

const ROOT = path.resolve(__dirname, '..');

function run(bench: Bench, extra: Record<string, string>, prefix: string): Promise<number> {
  return new Promise((resolve) => {
    const args = [...(bench.nodeArgs ?? []), '-r', 'ts-node/register/transpile-only', bench.script];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, BENCH_PGBENCH_SECONDS: env.BENCH_PGBENCH_SECONDS ?? '8', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let rest = '';
      stream.on('data', (d: Buffer) => {
        const lines = (rest + d.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          out.write(`[${prefix}] ${line}\n`);
        }
      });
      stream.on('end', () => rest && out.write(`[${prefix}] ${rest}\n`));
    };
    relay(child.stdout!, process.stdout);
    relay(child.stderr!, process.stderr);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const readResult = (name: string): Record<string, unknown> | null => {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : null;
};

function num(n: number): string {
  if (!Number.isFinite(n)) {
    return 'n/a';
  }
  const abs = Math.abs(n);
  if (abs >= 1000) {
    return Math.round(n).toLocaleString('en-GB');
  }
  if (abs >= 100) {
    return n.toFixed(0);
  }
  if (abs >= 10) {
    return n.toFixed(1);
  }
  if (abs >= 1) {
    return n.toFixed(2);
  }
  return n.toPrecision(2);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const only = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
  const selected = BENCHES.filter((b) => !only || only.has(b.name));
  const figures: (Figure & { benchmark: string })[] = [];
  const failures: string[] = [];
  const timings: Record<string, number> = {};
  const started = Date.now();
  for (const bench of selected) {
    const outputs: Record<string, unknown>[] = [];
    const t0 = Date.now();
    for (const r of bench.runs) {
      const label = r.label ? `${bench.name} ${r.label}` : bench.name;
      process.stdout.write(`\n== ${label}\n`);
      const before = readResult(bench.name)?.measuredAt ?? readResult(bench.name)?.at;
      const code = await run(bench, r.env, label);
      const result = readResult(bench.name);
      const fresh = result && (result.measuredAt ?? result.at) !== before;
      if (code !== 0 || !fresh) {
        failures.push(`${label}: exit ${code}${fresh ? '' : ', no new result'}`);
        continue;
      }
      outputs.push(result);
      for (const f of (result.figures as Figure[] | undefined) ?? []) {
        figures.push({ benchmark: bench.name, ...f });
      }
    }
    timings[bench.name] = (Date.now() - t0) / 1000;
    if (bench.runs.length > 1 && outputs.length > 0) {
      // Several sizes of one benchmark: keep every run in bench/results/<name>.json.
      writeFileSync(
        path.join(RESULTS_DIR, `${bench.name}.json`),
        `${JSON.stringify({ name: bench.name, measuredAt: new Date().toISOString(), figures: outputs.flatMap((o) => o.figures as Figure[]), runs: outputs }, null, 2)}\n`,
      );
    }
  }

  const header = ['benchmark', 'measure', 'at', 'value', 'same-run baseline', 'baseline', 'ratio'];
  const rows = figures.map((f) => [
    f.benchmark,
    f.measure,
    f.at,
    `${num(f.value)} ${f.unit}`,
    f.baseline,
    `${num(f.baselineValue)} ${f.baselineUnit}`,
    `${num(f.ratio)}× (${f.better} is better)`,
  ]);
  const m = machine();
  const title = `RAM-MS benchmarks, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${m.cpus} × ${m.cpuModel ?? 'CPU'}, ${m.memGb} GB, Node ${m.node}, load ${m.loadAverage[0]}; total ${Math.round((Date.now() - started) / 60_000)} min`;
  const text = `${title}\n\n${table([header, ...rows])}\n${failures.length ? `\nFAILED: ${failures.join('; ')}\n` : ''}`;
  process.stdout.write(`\n\n${text}`);
  writeFileSync(path.join(RESULTS_DIR, 'summary.md'), text);
  writeFileSync(
    path.join(RESULTS_DIR, 'summary.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: m, secondsPerBenchmark: timings, failures, figures }, null, 2)}\n`,
  );
  if (failures.length > 0) {
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
