import type { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';

/** What decides how to reach Redis (AppConfig's REDIS_URL, REDIS_SENTINELS, REDIS_SENTINEL_NAME). */
export type RedisConnectionConfig = {
  REDIS_URL: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
};

/** `host:port,host:port` → ioredis sentinel addresses. */
export function parseSentinels(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const at = s.lastIndexOf(':');
      return { host: s.slice(0, at), port: Number(s.slice(at + 1)) };
    });
}

/**
 * The ioredis options of EVERY Redis connection of the system (Bull's client, subscriber and
 * blocking client of each queue; the rate-limit counters): the one place that decides where Redis
 * is. Credentials, database and TLS come from REDIS_URL. With REDIS_SENTINELS and
 * REDIS_SENTINEL_NAME set, the connections ask those Sentinels for the current master of that
 * name (and ask again after a failover) instead of connecting to REDIS_URL's host and port.
 * Reconnects forever with a capped backoff: Redis going away must not crash the process.
 */
export function redisOptions(config: RedisConnectionConfig): RedisOptions {
  const u = new URL(config.REDIS_URL);
  const common: RedisOptions = {
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  if (config.REDIS_SENTINELS && config.REDIS_SENTINEL_NAME) {
    return {
      ...common,
      sentinels: parseSentinels(config.REDIS_SENTINELS),
      name: config.REDIS_SENTINEL_NAME,
      // Asks the next Sentinel quickly while they elect a new master (ioredis' default also caps).
      sentinelRetryStrategy: (times: number) => Math.min(times * 100, 1000),
      // Not ioredis' `failoverDetector` (+switch-master subscriptions): with it, connections here
      // stayed down after a failover in 2 of 3 runs of test/e2e/redis-sentinel. A killed or
      // demoted master closes its connections, and each reconnect asks the Sentinels again.
    };
  }
  return { ...common, host: u.hostname, port: Number(u.port || 6379) };
}

/** Where the connections go, for logs: no credentials. */
export function describeRedis(config: RedisConnectionConfig): string {
  return config.REDIS_SENTINELS && config.REDIS_SENTINEL_NAME
    ? `master "${config.REDIS_SENTINEL_NAME}" through Sentinels ${config.REDIS_SENTINELS}`
    : `${new URL(config.REDIS_URL).host}`;
}

/** The only eviction policy under which Redis never drops a Bull job to make room. */
export const SAFE_EVICTION_POLICY = 'noeviction';

/** A client that can send CONFIG GET (an ioredis connection, e.g. a Bull queue's `client`). */
export type ConfigReader = {
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
};

/**
 * Reads Redis' `maxmemory-policy`; returns a warning unless it is `noeviction`, or null. Under
 * any other policy Redis deletes keys when it is full, Bull's jobs among them. A Redis that
 * refuses CONFIG (renamed or disabled, as managed services do) cannot be checked: that is said
 * too, as a note rather than a warning.
 */
export async function evictionPolicyProblem(
  client: ConfigReader,
): Promise<{ level: 'warn' | 'log'; message: string } | null> {
  let policy: string | undefined;
  try {
    const reply = await client.config('GET', 'maxmemory-policy');
    policy = Array.isArray(reply) ? (reply[1] as string | undefined) : undefined;
  } catch (error) {
    return {
      level: 'log',
      message: `could not read Redis' maxmemory-policy (${(error as Error).message}); make sure it is ${SAFE_EVICTION_POLICY}, or Redis may evict Bull's jobs`,
    };
  }
  if (policy === SAFE_EVICTION_POLICY) {
    return null;
  }
  return {
    level: 'warn',
    message: `Redis' maxmemory-policy is ${policy ?? 'unknown'}, not ${SAFE_EVICTION_POLICY}: when Redis is full it evicts keys and Bull loses jobs; set maxmemory-policy ${SAFE_EVICTION_POLICY}`,
  };
}

/** Logs `evictionPolicyProblem`'s finding, if any (the worker does this at start). */
export async function warnOfEvictionPolicy(client: ConfigReader, logger: Logger): Promise<void> {
  const problem = await evictionPolicyProblem(client);
  if (problem) {
    logger[problem.level](problem.message);
  }
}
