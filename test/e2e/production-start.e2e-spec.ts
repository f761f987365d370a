import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { WelcomeJob } from 'src/modules/notifications/notifications.jobs';
import { dropTestDatabase } from '../harness/database';
import { serverUrl } from '../harness/env';
import { freePort, ROOT, waitFor } from '../harness/processes';

/**
 * The image's start sequence (Dockerfile), outside Docker: the build stage compiles a copy of the
 * build context with every dependency (`npm run build`); the runtime folder gets package.json, the
 * lockfile and `npm ci --omit=dev` (no ts-node, no TypeScript), plus the compiled output; then,
 * exactly as the Kubernetes Job and pods run it: `migrate.js --wait` (waiting), `migrate.js` on a
 * fresh database, and the API and the worker with `node` and MIGRATE_ON_START=false. Nothing is
 * inherited from the test's environment but PATH and HOME.
 *
 * npm installs ts-node and TypeScript even with --omit=dev, as optional peers of typeorm and
 * i18next; to prove nothing at run time needs them, the test moves both out of the install first.
 */

const b64 = () => randomBytes(32).toString('base64');
const ADMIN = { email: 'ops.admin@test.local', password: `Ops-${randomBytes(9).toString('hex')}` };
const METRICS_TOKEN = `prod-metrics-${randomBytes(16).toString('hex')}`;

type Proc = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

describe('the production start from a production-only install (e2e)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ram-ms-image-'));
  const context = path.join(tmp, 'build');
  const runtime = path.join(tmp, 'app');
  const database = `rt_prod_${process.pid}_${randomBytes(3).toString('hex')}`;
  const procs: Proc[] = [];
  let env: Record<string, string>;

  /** `node <args>` in the runtime folder, as the image's user runs it. */
  function node(args: string[], extra: Record<string, string> = {}): Proc {
    let out = '';
    const child = spawn('node', args, {
      cwd: runtime,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const proc = { child, output: () => out, exited };
    procs.push(proc);
    return proc;
  }

  const run = (cmd: string, args: string[], cwd: string) =>
    execFileSync(cmd, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 240_000,
    });

  beforeAll(async () => {
    // Build stage: the build context (what .dockerignore lets through that the build reads).
    mkdirSync(context);
    for (const entry of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'migrations',
      'web',
    ]) {
      cpSync(path.join(ROOT, entry), path.join(context, entry), { recursive: true });
    }
    // Every dependency, as `npm ci` installs them in the build stage.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(context, 'node_modules'));
    run('npm', ['run', '-s', 'build'], context);

    // Runtime stage: production dependencies only, then the compiled output.
    mkdirSync(runtime);
    for (const file of ['package.json', 'package-lock.json']) {
      cpSync(path.join(ROOT, file), path.join(runtime, file));
    }
    run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], runtime);
    for (const peer of ['ts-node', 'typescript']) {
      renameSync(path.join(runtime, 'node_modules', peer), path.join(tmp, `${peer}.moved`));
    }
    cpSync(path.join(context, 'dist'), path.join(runtime, 'dist'), { recursive: true });

    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN,
      MIGRATE_ON_START: 'false',
      DATABASE_URL: serverUrl(database),
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `test:${database}`,
      JWT_SECRET: randomBytes(24).toString('hex'),
      IDENTITY_KEYS: `k1:${b64()}`,
      IDENTITY_MATCH_KEY: `m1:${b64()}`,
      SECOND_FACTOR_KEYS: `s1:${b64()}`,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      BCRYPT_ROUNDS: '4',
      OUTBOX_POLL_MS: '200',
      LOG_LEVEL: 'warn',
    };
  }, 600_000);

  afterAll(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await dropTestDatabase(database);
    rmSync(tmp, { recursive: true, force: true });
  });

  const api = (p: string, init?: RequestInit) => fetch(`http://127.0.0.1:${env.PORT}${p}`, init);
  const workerPort = (p: string, token?: string) =>
    fetch(`http://127.0.0.1:${env.METRICS_PORT}${p}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  const alive = (p: Proc, what: string) => {
    if (p.child.exitCode !== null) {
      throw new Error(`${what} exited with ${p.child.exitCode}:\n${p.output().slice(-3000)}`);
    }
  };

  it('installs without development dependencies', () => {
    for (const dev of [
      'ts-node',
      'typescript',
      'jest',
      'ts-jest',
      'vite',
      'tsc-alias',
      'tsconfig-paths',
      'supertest',
      '@nestjs/testing',
    ]) {
      expect([dev, existsSync(path.join(runtime, 'node_modules', dev))]).toEqual([dev, false]);
    }
    expect(existsSync(path.join(runtime, 'node_modules', 'pg'))).toBe(true);
    expect(existsSync(path.join(runtime, 'dist/src/cli/migrate.js'))).toBe(true);
    expect(existsSync(path.join(runtime, 'dist/web/index.html'))).toBe(true);
  });

  it('migrates a fresh database with the compiled entry point, while the pods’ init container waits for it', async () => {
    const waiting = node(['dist/src/cli/migrate.js', '--wait', '120']);
    await waitFor(
      'the init container to report it waits',
      async () => {
        alive(waiting, 'migrate --wait');
        return waiting.output().includes('waiting for the migrations');
      },
      60_000,
    );

    const migrate = node(['dist/src/cli/migrate.js']);
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toContain('created the database');
    expect(migrate.output()).toMatch(/ran migrations: /);
    expect(migrate.output()).toContain('seeded the RAM-MS trial');

    expect(await waiting.exited).toBe(0);
    expect(waiting.output()).toContain('the database is migrated');
    const db = new Client({ connectionString: serverUrl(database) });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM typeorm_migrations`);
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await db.end();
    }
  }, 180_000);

  it('starts the API and the worker with node, serves a real request through both, and exits 0 on SIGTERM', async () => {
    const apiProc = node(['dist/src/main.js']);
    const workerProc = node(['dist/src/worker.js']);
    await waitFor(
      'the API to be ready',
      async () => {
        alive(apiProc, 'the API');
        return (await api('/health/ready').catch(() => null))?.status === 200;
      },
      90_000,
      250,
    );
    await waitFor(
      'the worker to start',
      async () => {
        alive(workerProc, 'the worker');
        return (await workerPort('/health').catch(() => null))?.status === 200;
      },
      90_000,
      250,
    );

    // The seeded admin signs in; the token works on an authenticated route.
    const login = await api('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await api('/auth/me', { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(ADMIN.email);
    // The pages ship in the image.
    const page = await api('/app/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    // A request that needs the worker: the new account's welcome job goes API → outbox → worker.
    const created = await api('/users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        email: 'new.monitor@test.local',
        displayName: 'New Monitor',
        roles: ['monitor'],
        trialWide: true,
        password: `Monitor-${randomBytes(6).toString('hex')}`,
      }),
    });
    expect(created.status).toBe(201);
    await waitFor(
      'the worker to run the welcome job',
      async () => {
        alive(workerProc, 'the worker');
        const text = await (await workerPort('/metrics', METRICS_TOKEN)).text();
        return new RegExp(
          `^bull_job_duration_seconds_count\\{[^}]*name="${WelcomeJob.name}",status="completed"\\} 1$`,
          'm',
        ).test(text);
      },
      60_000,
      250,
    );

    apiProc.child.kill('SIGTERM');
    workerProc.child.kill('SIGTERM');
    expect(await apiProc.exited).toBe(0);
    expect(await workerProc.exited).toBe(0);
    expect(apiProc.output()).toContain('graceful shutdown:');
  }, 240_000);
});
