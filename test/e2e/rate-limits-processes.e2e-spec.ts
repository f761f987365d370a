import { Cluster, startCluster } from '../../scripts/multi-process';
import { createTestDatabase, dropTestDatabase } from '../harness/database';
import { serverUrl } from '../harness/env';
import { Http, httpAt } from '../harness/http';
import { freePort, waitFor } from '../harness/processes';
import { deleteRedisPrefix, redisUrl } from '../harness/redis';
import { TcpProxy } from '../harness/tcp-proxy';

const PER_ACCOUNT = 6;
const FALLBACK_DIVISOR = 2;
const WARNING = 'Redis is unreachable: rate limits are counted per process';

/**
 * Two API processes on one database and one Redis (reached through a proxy the test cuts): the
 * sign-in limit of an account is one limit, whichever process answers; with Redis gone each
 * process still limits, in its own memory, at the limit divided by RATE_LIMIT_FALLBACK_DIVISOR
 * (so both together allow at most the configured total), warning once; once Redis is back the
 * limit is shared again.
 */
describe('sign-in limits shared by two API processes (e2e)', () => {
  let database: string;
  let prefix: string;
  let proxy: TcpProxy;
  let cluster: Cluster;
  let apis: Http[];
  let from = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    prefix = `test:${database}`;
    proxy = new TcpProxy('127.0.0.1', Number(new URL(redisUrl()).port || 6379));
    const redisPort = await proxy.start();
    cluster = await startCluster({
      ports: [await freePort(), await freePort()],
      workers: 0,
      timeoutMs: 150_000,
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: serverUrl(database),
        DATABASE_POOL_SIZE: '3',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        QUEUE_PREFIX: prefix,
        JWT_SECRET: 'rate-limit-processes-secret-rate-limit-01',
        BCRYPT_ROUNDS: '4',
        LOG_LEVEL: 'warn',
        MIGRATE_ON_START: 'false',
        LOGIN_RATE_LIMIT_PER_MINUTE: String(PER_ACCOUNT),
        LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000',
        LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000',
        RATE_LIMIT_FALLBACK_DIVISOR: String(FALLBACK_DIVISOR),
      },
    });
    apis = cluster.apis.map((a) => httpAt(a.url as string));
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await proxy?.cut();
    await dropTestDatabase(database);
    await deleteRedisPrefix(prefix);
  }, 60_000);

  /** A failed sign-in for `email` on API `i`, each from another client address. */
  const attempt = (i: number, email: string) =>
    apis[i]()
      .post('/auth/login')
      .set('X-Forwarded-For', `198.51.100.${(from++ % 250) + 1}`)
      .send({ email, password: 'not the password' });

  /**
   * Whether the two processes count in one place now: one attempt on each for a new e-mail; the
   * second sees the first's hit when the counter is shared.
   */
  let probes = 0;
  const shared = async () => {
    const email = `probe-${++probes}@test.local`;
    await attempt(0, email);
    const second = await attempt(1, email);
    return Number(second.headers['x-ratelimit-remaining-sign-in-account']) === PER_ACCOUNT - 2;
  };

  it('refuses the attempt after the limit, with the attempts split over both processes', async () => {
    expect(await shared()).toBe(true);
    const statuses: number[] = [];
    for (let i = 0; i < PER_ACCOUNT + 2; i++) {
      statuses.push((await attempt(i % 2, 'target@test.local')).status);
    }
    expect(statuses).toEqual([...Array<number>(PER_ACCOUNT).fill(401), 429, 429]);
  });

  it('still limits each process, more strictly, while Redis is unreachable, and shares the limit again when it is back', async () => {
    await proxy.cut();
    const local = Math.floor(PER_ACCOUNT / FALLBACK_DIVISOR);
    for (const i of [0, 1]) {
      const statuses: number[] = [];
      for (let k = 0; k < local + 2; k++) {
        statuses.push((await attempt(i, 'offline@test.local')).status);
      }
      // Each process allows its share; both together no more than the configured total.
      expect({ api: i, statuses }).toEqual({
        api: i,
        statuses: [...Array<number>(local).fill(401), 429, 429],
      });
    }
    for (const api of cluster.apis) {
      const out = api.output();
      expect({ api: api.name, warnings: out.split(WARNING).length - 1 }).toEqual({
        api: api.name,
        warnings: 1,
      });
      expect(out).not.toContain('offline@test.local');
    }

    await proxy.restore();
    await waitFor('the processes to share the limit again', shared, 30_000, 200);
    const statuses: number[] = [];
    for (let i = 0; i < PER_ACCOUNT + 1; i++) {
      statuses.push((await attempt(i % 2, 'back@test.local')).status);
    }
    expect(statuses).toEqual([...Array<number>(PER_ACCOUNT).fill(401), 429]);
  });
});
