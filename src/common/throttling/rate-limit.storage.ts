import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { redisOptions } from 'src/common/queue/redis-connection';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';

/** The limit a single process allows while Redis is unreachable: `limit / divisor`, at least 1. */
export function fallbackLimit(limit: number, divisor: number): number {
  return Math.max(1, Math.floor(limit / Math.max(1, divisor)));
}

/**
 * The counters of every rate limit (@nestjs/throttler's storage), kept in Redis so that all API
 * processes share them: one sign-in limit, whichever process answers. Keys are
 * `<QUEUE_PREFIX>:rate:{<hash>:<throttler>}:hits|blocked`; the hash is the guard's SHA-256 of route
 * and tracker, so no e-mail address or other personal data is stored in Redis.
 *
 * Redis is asked with a short timeout, without an offline queue and without retries: when it is
 * unreachable (refused, timed out, not yet connected), the request is counted in this process's
 * memory instead, against the limit divided by RATE_LIMIT_FALLBACK_DIVISOR (the expected number
 * of API processes), so the limits together stay at most what they were and are never absent.
 * The switch is logged once each way (no keys, no addresses).
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private usingFallback = false;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = new Redis({
      ...redisOptions(config),
      keyPrefix: `${config.QUEUE_PREFIX}:rate:`,
      // Fail at once while disconnected, never queue or retry a rate-limit command.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
      connectTimeout: Math.max(1000, config.RATE_LIMIT_REDIS_TIMEOUT_MS * 4),
      lazyConnect: true,
    });
    // Errors are reported through the commands that fail (and the fallback's warning).
    this.redis.on('error', () => undefined);
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  /** Connects before the first request, so a healthy start counts in Redis from the first one. */
  async onModuleInit(): Promise<void> {
    try {
      await Promise.race([
        this.redis.connect(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
    } catch {
      // Not reachable now: requests fall back to the local counters until it is (ioredis reconnects).
    }
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis.status === 'ready') {
      try {
        const record = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
        if (this.usingFallback) {
          this.usingFallback = false;
          this.logger.log('Redis is reachable again: rate limits are shared by all processes');
        }
        return record;
      } catch (error) {
        // Falls through to the local counters. A command that timed out may still be waiting for
        // its reply on the connection: start a new one rather than match later replies to it.
        if (/timed out/i.test((error as Error).message) && this.redis.status === 'ready') {
          this.redis.disconnect(true);
        }
      }
    }
    if (!this.usingFallback) {
      this.usingFallback = true;
      this.logger.warn(
        `Redis is unreachable: rate limits are counted per process, each limit divided by ${this.config.RATE_LIMIT_FALLBACK_DIVISOR}`,
      );
    }
    return this.local.increment(
      key,
      ttl,
      fallbackLimit(limit, this.config.RATE_LIMIT_FALLBACK_DIVISOR),
      blockDuration,
      throttlerName,
    );
  }

  onApplicationShutdown(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.redis.disconnect(false);
    this.local.onApplicationShutdown();
  }
}
