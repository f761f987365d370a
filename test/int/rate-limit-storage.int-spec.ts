import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { RateLimitStorage } from 'src/common/throttling/rate-limit.storage';
import { loadConfig } from 'src/config/app-config';
import { waitFor } from '../harness/processes';
import { deleteRedisPrefix, redisUrl } from '../harness/redis';

const storageAt = (url: string, prefix: string) =>
  new RateLimitStorage(
    loadConfig({
      NODE_ENV: 'test',
      REDIS_URL: url,
      QUEUE_PREFIX: prefix,
      RATE_LIMIT_REDIS_TIMEOUT_MS: '100',
      RATE_LIMIT_FALLBACK_DIVISOR: '2',
    }),
  );

/** `n` hits on `storage` for one key (limit 4 per minute); whether each was blocked. */
async function hits(storage: RateLimitStorage, key: string, n: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) {
    out.push((await storage.increment(key, 60_000, 4, 60_000, 'test')).isBlocked);
  }
  return out;
}

/**
 * The rate-limit storage (src/common/throttling/rate-limit.storage.ts) on real Redis: two
 * instances on one prefix (two API processes) count together, another prefix apart; a Redis that
 * accepts connections but never answers is no Redis: each instance counts alone, at the limit
 * divided by RATE_LIMIT_FALLBACK_DIVISOR, and answers without waiting for it.
 */
describe('rate-limit storage (int)', () => {
  const prefix = `test:rate-int-${randomBytes(4).toString('hex')}`;
  afterAll(() => deleteRedisPrefix(prefix));

  it('shares the counters between instances on one prefix, and keeps other prefixes apart', async () => {
    const [a, b, other] = [
      storageAt(redisUrl(), prefix),
      storageAt(redisUrl(), prefix),
      storageAt(redisUrl(), `${prefix}-other`),
    ];
    try {
      await Promise.all([a, b, other].map((s) => s.onModuleInit()));
      expect(await hits(a, 'k', 2)).toEqual([false, false]);
      expect(await hits(b, 'k', 3)).toEqual([false, false, true]);
      expect(await hits(other, 'k', 4)).toEqual([false, false, false, false]);
    } finally {
      [a, b, other].forEach((s) => s.onApplicationShutdown());
      await deleteRedisPrefix(`${prefix}-other`);
    }
  });

  it('falls back to its own stricter counters when Redis hangs', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const storage = storageAt(`redis://127.0.0.1:${port}`, prefix);
    try {
      await storage.onModuleInit();
      // Limit 4 divided by 2: the third hit is refused.
      expect(await hits(storage, 'hung', 3)).toEqual([false, false, true]);
    } finally {
      storage.onApplicationShutdown();
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
  it('falls back when Redis stops answering mid-run (command timeout), and shares again when it answers', async () => {
    const target = new URL(redisUrl());
    let frozen = false;
    const pairs: net.Socket[] = [];
    // A relay to the real Redis that, once frozen, swallows what the client sends.
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      pairs.push(client, upstream);
      client.on('data', (d) => (frozen ? undefined : upstream.write(d)));
      upstream.on('data', (d) => client.write(d));
      for (const s of [client, upstream]) {
        s.on('error', () => undefined);
        s.on('close', () => [client, upstream].forEach((x) => x.destroy()));
      }
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as net.AddressInfo).port;
    const storage = storageAt(`redis://127.0.0.1:${port}`, prefix);
    const direct = storageAt(redisUrl(), prefix);
    try {
      await Promise.all([storage.onModuleInit(), direct.onModuleInit()]);
      expect(await hits(storage, 'mid', 1)).toEqual([false]);
      frozen = true;
      // Redis's count for the key is 1; locally the limit is 2: hits 1 and 2 pass, 3 is refused.
      expect(await hits(storage, 'mid', 3)).toEqual([false, false, true]);
      // Redis did not see them.
      expect(await hits(direct, 'mid', 1)).toEqual([false]);
      // Answering again (the storage reconnected after the timeout): counted in Redis with the rest.
      frozen = false;
      let probe = 0;
      await waitFor('the storage to count in Redis again', async () => {
        const key = `probe-${++probe}`;
        await direct.increment(key, 60_000, 100, 60_000, 'test');
        // Two hits only where the storage counts in Redis with the direct one.
        return (await storage.increment(key, 60_000, 100, 60_000, 'test')).totalHits === 2;
      });
      expect(await hits(storage, 'mid', 1)).toEqual([false]);
      expect(await hits(direct, 'mid', 2)).toEqual([false, true]);
    } finally {
      storage.onApplicationShutdown();
      direct.onApplicationShutdown();
      pairs.forEach((s) => s.destroy());
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
