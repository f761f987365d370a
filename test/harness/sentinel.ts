import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort, GiveUp, waitFor } from './processes';

/** A Redis master, its replica and three Sentinels watching them, all on loopback ports. */
export type SentinelGroup = {
  /** The master name the Sentinels watch (REDIS_SENTINEL_NAME). */
  name: string;
  /** `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` (REDIS_SENTINELS). */
  sentinels: string;
  /** The port of the master at the start, and of its replica. */
  masterPort: number;
  replicaPort: number;
  /** SIGKILLs the first master (no shutdown: what a crashed machine does). */
  killMaster: () => Promise<void>;
  /** The port of the master the Sentinels currently name. */
  currentMasterPort: () => Promise<number>;
  /** SIGKILLs every process and removes the configuration files; safe to call twice. */
  stop: () => Promise<void>;
};

/**
 * Starts `redis-server` as master and replica (no persistence) and three `redis-server --sentinel`
 * with `down-after-milliseconds` 1000, so that a dead master is replaced in about 2–3 s. Each
 * Sentinel needs a configuration file it can rewrite: they live in a temporary folder.
 */
export async function startSentinelGroup(name = 'ram-ms'): Promise<SentinelGroup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-'));
  const children: ChildProcess[] = [];
  const run = (args: string[]) => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        }
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [masterPort, replicaPort, ...sentinelPorts] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    // The replica stores the master's snapshot in `dir`: the temporary folder, not the checkout.
    const server = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const master = run(['--port', String(masterPort), ...server]);
    await answers(master, masterPort);
    const replica = run([
      '--port',
      String(replicaPort),
      ...server,
      '--replicaof',
      '127.0.0.1',
      String(masterPort),
    ]);
    await answers(replica, replicaPort);
    await waitFor(
      'the replica to be in sync',
      async () => /master_link_status:up/.test(await info(replicaPort, 'replication')),
      20_000,
    );
    for (const port of sentinelPorts) {
      const file = path.join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = run([file, '--sentinel']);
      await answers(sentinel, port);
    }
    const currentMasterPort = async () => {
      const probe = client(sentinelPorts[0]);
      try {
        const reply = (await probe.call('SENTINEL', 'get-master-addr-by-name', name)) as string[];
        return Number(reply[1]);
      } finally {
        probe.disconnect();
      }
    };
    // Every Sentinel knows the replica and the other Sentinels before anything may fail.
    await waitFor(
      'the Sentinels to see the replica and each other',
      async () => {
        for (const port of sentinelPorts) {
          const probe = client(port);
          try {
            const m = (await probe.call('SENTINEL', 'master', name)) as string[];
            const field = (k: string) => Number(m[m.indexOf(k) + 1]);
            if (field('num-slaves') < 1 || field('num-other-sentinels') < 2) {
              return false;
            }
          } finally {
            probe.disconnect();
          }
        }
        return true;
      },
      30_000,
      200,
    );
    return {
      name,
      sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      masterPort,
      replicaPort,
      killMaster: async () => {
        const exited = new Promise((r) => master.once('exit', r));
        master.kill('SIGKILL');
        await exited;
      },
      currentMasterPort,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function client(port: number): Redis {
  const c = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  c.on('error', () => undefined);
  return c;
}

async function info(port: number, section: string): Promise<string> {
  const c = client(port);
  try {
    return await c.info(section);
  } finally {
    c.disconnect();
  }
}

async function answers(proc: ChildProcess, port: number): Promise<void> {
  await waitFor(`redis on port ${port}`, async () => {
    if (proc.exitCode !== null) {
      throw new GiveUp(`redis-server on port ${port} exited with ${proc.exitCode}`);
    }
    const c = client(port);
    try {
      return (await c.ping()) === 'PONG';
    } finally {
      c.disconnect();
    }
  });
}
