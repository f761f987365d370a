/**
 * Starts several API processes and several workers against ONE PostgreSQL database and ONE Redis
 * prefix, as production scales out (architecture.md "Scaling out"): the APIs are stateless, Bull
 * spreads jobs over the workers, the sweep is one repeatable job, and every invariant is held by
 * PostgreSQL (row locks, unique constraints), never by an in-process lock.
 *
 *   node -r ts-node/register/transpile-only scripts/multi-process.ts [--apis=2] [--workers=2] [--port=3000] [--dist]
 *
 * Configuration comes from the environment as for `npm start` (DATABASE_URL, REDIS_URL,
 * QUEUE_PREFIX, JWT_SECRET, …). Every process starts with MIGRATE_ON_START (default true), so
 * they race to migrate and seed an empty database under the advisory lock. API i listens on
 * port + i. `--dist` runs the built `dist/src/*.js` (after `npm run build`) instead of ts-node.
 * Ctrl-C stops them all. test/e2e/multi-process.e2e-spec.ts drives this script's `startCluster`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export type ClusterProcess = {
  name: string;
  kind: 'api' | 'worker';
  child: ChildProcess;
  url: string | null;
  output: () => string;
  exited: Promise<number | null>;
};

export type Cluster = {
  apis: ClusterProcess[];
  workers: ClusterProcess[];
  /** Every process's output, labelled. */
  output: () => string;
  /** SIGTERM to every process (SIGKILL after `graceMs`); resolves when all have exited. */
  stop: (graceMs?: number) => Promise<void>;
};

export type ClusterOptions = {
  apis?: number;
  workers?: number;
  /** API i listens on basePort + i … */
  basePort?: number;
  /** … or on ports[i]. */
  ports?: number[];
  /** Environment for every process (on top of this process's environment). */
  env?: Record<string, string>;
  /** Use the built dist/ instead of ts-node. */
  dist?: boolean;
  /** How long to wait for every process to be ready. */
  timeoutMs?: number;
  /** Called with every chunk of output, labelled (e.g. to print it). */
  onOutput?: (name: string, chunk: string) => void;
};

function start(kind: 'api' | 'worker', index: number, options: ClusterOptions): ClusterProcess {
  const name = `${kind}-${index + 1}`;
  const entry = kind === 'api' ? 'main' : 'worker';
  const args = options.dist
    ? [`dist/src/${entry}.js`]
    : ['-r', 'ts-node/register/transpile-only', `src/${entry}.ts`];
  const port = options.ports?.[index] ?? (options.basePort ?? 3000) + index;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env, ...(kind === 'api' ? { PORT: String(port) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
    options.onOutput?.(name, d.toString());
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    name,
    kind,
    child,
    url: kind === 'api' ? `http://127.0.0.1:${port}` : null,
    output: () => out,
    exited,
  };
}

async function ready(p: ClusterProcess, deadline: number): Promise<void> {
  for (;;) {
    if (p.child.exitCode !== null)
      throw new Error(`${p.name} exited with ${p.child.exitCode}:\n${p.output().slice(-4000)}`);
    const ok =
      p.kind === 'api'
        ? await fetch(`${p.url}/health/ready`).then(
            (r) => r.status === 200,
            () => false,
          )
        : p.output().includes('RAM-MS worker started');
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${p.name} not ready in time:\n${p.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopAll(processes: ClusterProcess[], graceMs: number): Promise<void> {
  await Promise.all(
    processes.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
      await p.exited;
      clearTimeout(timer);
    }),
  );
}

/** Starts the APIs and workers at the same time and resolves once every one of them is ready. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const apis = Array.from({ length: options.apis ?? options.ports?.length ?? 2 }, (_, i) =>
    start('api', i, options),
  );
  const workers = Array.from({ length: options.workers ?? 2 }, (_, i) =>
    start('worker', i, options),
  );
  const all = [...apis, ...workers];
  const cluster: Cluster = {
    apis,
    workers,
    output: () => all.map((p) => `--- ${p.name}\n${p.output()}`).join('\n'),
    stop: (graceMs = 10_000) => stopAll(all, graceMs),
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  try {
    await Promise.all(all.map((p) => ready(p, deadline)));
  } catch (error) {
    await cluster.stop(2000);
    throw error;
  }
  return cluster;
}

async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const cluster = await startCluster({
    apis: Number(arg('apis') ?? 2),
    workers: Number(arg('workers') ?? 2),
    basePort: Number(arg('port') ?? process.env.PORT ?? 3000),
    dist: process.argv.includes('--dist'),
    onOutput: (name, chunk) => {
      for (const line of chunk.split('\n'))
        if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
    },
  });
  process.stdout.write(
    `\n${cluster.apis.length} APIs (${cluster.apis.map((a) => a.url).join(', ')}) and ${cluster.workers.length} workers ` +
      `on ${process.env.DATABASE_URL ?? 'the default database'}, Bull prefix ${process.env.QUEUE_PREFIX ?? 'ram-ms'}. Ctrl-C stops them.\n`,
  );
  let stopping = false;
  const shutdown = () => {
    stopping = true;
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // A process that dies takes the others down with it: a half cluster is not what was asked for.
  const first = await Promise.race(
    [...cluster.apis, ...cluster.workers].map((p) => p.exited.then(() => p)),
  );
  if (stopping) return;
  process.stderr.write(`${first.name} exited; stopping the others\n`);
  await cluster.stop();
  process.exit(1);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
