import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** A Node process of this repository (an API, a worker, a test worker) with its output kept. */
export type NodeProcess = {
  name: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop: (graceMs?: number) => Promise<void>;
  /** SIGKILL now (no shutdown hooks run); resolves when it has exited. */
  kill: () => Promise<void>;
};

/** Starts `entry` (a .ts file relative to the repository) under ts-node, as `npm run start:dev` does. */
export function spawnNode(
  name: string,
  entry: string,
  env: Record<string, string>,
  onOutput?: (chunk: string) => void,
): NodeProcess {
  let out = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => {
    const text = d.toString();
    out += text;
    onOutput?.(text);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    output: () => out,
    exited,
    stop: async (graceMs = 10_000) => {
      if (!running()) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      if (!running()) {
        return;
      }
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Thrown from a `waitFor` check to stop waiting at once (e.g. the process died). */
export class GiveUp extends Error {}

/**
 * Polls `check` until it returns a truthy value; fails naming `what` after `timeoutMs`. A check
 * that throws is retried (the last error is reported), unless it throws `GiveUp`.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (error) {
      if (error instanceof GiveUp) {
        throw error;
      }
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    }
    await sleep(everyMs);
  }
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

/** Waits until `proc` prints `text` (or fails if it exits first). */
export async function waitForOutput(
  proc: NodeProcess,
  text: string | RegExp,
  timeoutMs = 90_000,
): Promise<void> {
  const found = () =>
    typeof text === 'string' ? proc.output().includes(text) : text.test(proc.output());
  await waitFor(
    `${proc.name} to print ${String(text)}`,
    async () => {
      if (found()) {
        return true;
      }
      if (proc.child.exitCode !== null) {
        throw new GiveUp(
          `${proc.name} exited with ${proc.child.exitCode}:\n${proc.output().slice(-3000)}`,
        );
      }
      return false;
    },
    timeoutMs,
    100,
  );
}
