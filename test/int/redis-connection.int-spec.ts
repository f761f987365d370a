import Redis from 'ioredis';
import { evictionPolicyProblem, redisOptions } from 'src/common/queue/redis-connection';
import { loadConfig } from 'src/config/app-config';
import { OwnRedis, startOwnRedis } from '../harness/redis';

/**
 * The one place that decides how every Redis connection is made (src/common/queue/redis-connection.ts)
 * and the worker's start check of Redis' eviction policy, on real redis-server processes: one whose
 * policy the test changes, one that refuses CONFIG (renamed away, as managed services do).
 */
describe('Redis connection options and the eviction-policy check (int)', () => {
  let plain: OwnRedis;
  let locked: OwnRedis;
  const clients: Redis[] = [];
  const connect = (server: OwnRedis) => {
    const c = new Redis(redisOptions({ REDIS_URL: server.url }));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    plain = await startOwnRedis();
    locked = await startOwnRedis(['--rename-command', 'CONFIG', '']);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await plain?.stop();
    await locked?.stop();
  });

  it('warns unless maxmemory-policy is noeviction', async () => {
    const redis = connect(plain);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await evictionPolicyProblem(redis)).toBeNull();

    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const problem = await evictionPolicyProblem(redis);
    expect(problem?.level).toBe('warn');
    expect(problem?.message).toContain('allkeys-lru');
    expect(problem?.message).toContain('noeviction');

    await redis.config('SET', 'maxmemory-policy', 'volatile-ttl');
    expect((await evictionPolicyProblem(redis))?.message).toContain('volatile-ttl');
  });

  it('tolerates a Redis that refuses CONFIG: a note that it could not check, no failure', async () => {
    const redis = connect(locked);
    expect(await redis.ping()).toBe('PONG');
    const problem = await evictionPolicyProblem(redis);
    expect(problem?.level).toBe('log');
    expect(problem?.message).toContain('could not read');
  });

  it('connects to REDIS_URL, or through the Sentinels when both Sentinel variables are set', () => {
    const direct = redisOptions(
      loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://:s%40cret@10.0.0.5:6380/2' }),
    );
    expect(direct).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, password: 's@cret' });
    expect(direct.sentinels).toBeUndefined();

    const sentinel = redisOptions(
      loadConfig({
        NODE_ENV: 'test',
        REDIS_URL: 'redis://:s%40cret@ignored:6380/2',
        REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.7:26380',
        REDIS_SENTINEL_NAME: 'ram-ms',
      }),
    );
    expect(sentinel).toMatchObject({
      name: 'ram-ms',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: '10.0.0.7', port: 26380 },
      ],
      db: 2,
      password: 's@cret',
    });
    expect(sentinel.host).toBeUndefined();
  });

  it('refuses half a Sentinel configuration and malformed Sentinel addresses', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', REDIS_SENTINELS: '127.0.0.1:26379' })).toThrow(
      /REDIS_SENTINELS and REDIS_SENTINEL_NAME/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', REDIS_SENTINEL_NAME: 'ram-ms' })).toThrow(
      /REDIS_SENTINELS and REDIS_SENTINEL_NAME/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'test', REDIS_SENTINELS: 'sentinel-a', REDIS_SENTINEL_NAME: 'x' }),
    ).toThrow(/REDIS_SENTINELS/);
  });
});
