import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort, GiveUp, waitFor } from './processes';

export const redisUrl = (): string => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under a Bull prefix (`<prefix>:*`); quiet if Redis is unreachable. */
export async function deleteRedisPrefix(prefix: string, url = redisUrl()): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } catch {
    // Nothing to clean.
  } finally {
    redis.disconnect();
  }
}

/** A Redis server of one test file (no persistence: a restart comes back empty). */
export type OwnRedis = {
  port: number;
  url: string;
  /** SIGKILLs the server and starts an empty one on the same port. */
  restartEmpty: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * Starts `redis-server` on a free port, so a test may flush or restart it without disturbing others;
 * `args` are further redis-server options (e.g. `['--maxmemory-policy', 'allkeys-lru']`).
 */
export async function startOwnRedis(args: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const spawnServer = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: 'ignore' },
    );
    child = proc;
    await waitFor(`redis-server on port ${port}`, async () => {
      if (proc.exitCode !== null) {
        throw new GiveUp(`redis-server exited with ${proc.exitCode}`);
      }
      const probe = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    });
  };
  const kill = async () => {
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
    child = null;
  };
  await spawnServer();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    restartEmpty: async () => {
      await kill();
      await spawnServer();
    },
    stop: kill,
  };
}
