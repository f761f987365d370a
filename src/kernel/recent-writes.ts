import { performance } from 'node:perf_hooks';
import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { Request } from 'express';
import Redis from 'ioredis';
import { catchError, concatMap, from, map, Observable, throwError } from 'rxjs';
import { RequestContext } from 'src/common/context/request-context';
import { redisOptions } from 'src/common/queue/redis-connection';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Read-your-writes across API processes, for ReadReplicas: a user who sent a write (any request
 * other than GET/HEAD/OPTIONS, answered or failed) is marked in Redis
 * (`<QUEUE_PREFIX>:recent-write:<user id>`) for REPLICA_MAX_LAG_MS + 3 × REPLICA_CHECK_MS, the
 * longest a fit replica can miss a committed write; while marked, that user's stale-tolerant
 * reads go to the primary, whichever process answers them.
 *
 * Fails towards the primary: Redis unreachable when asked means "wrote recently"; a mark that
 * could not be stored sends all of this process's stale-tolerant reads to the primary for the
 * window. Without replicas nothing is stored and no Redis connection is opened.
 */
@Injectable()
export class RecentWrites implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReadReplicas');
  private readonly redis: Redis | null;
  readonly windowMs: number;
  private unsureUntil = -Infinity;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.windowMs = config.REPLICA_MAX_LAG_MS + 3 * config.REPLICA_CHECK_MS;
    this.redis =
      config.DATABASE_REPLICA_URLS === ''
        ? null
        : new Redis({
            ...redisOptions(config),
            keyPrefix: `${config.QUEUE_PREFIX}:recent-write:`,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            commandTimeout: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
            lazyConnect: true,
          });
    // Failures are handled where the commands fail.
    this.redis?.on('error', () => undefined);
  }

  get enabled(): boolean {
    return this.redis !== null;
  }

  /** Connects before the first request; Redis unreachable never holds up the start. */
  async onModuleInit(): Promise<void> {
    if (!this.redis) {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.redis.connect().catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 2000);
      }),
    ]);
    clearTimeout(timer);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  async mark(userId: string): Promise<void> {
    if (!this.redis) {
      return;
    }
    try {
      await this.redis.set(userId, '1', 'PX', this.windowMs);
    } catch {
      if (performance.now() >= this.unsureUntil) {
        this.logger.warn('Redis unreachable: stale-tolerant reads of this process use the primary');
      }
      this.unsureUntil = performance.now() + this.windowMs;
    }
  }

  async wroteRecently(userId: string): Promise<boolean> {
    if (!this.redis || performance.now() < this.unsureUntil) {
      return this.redis !== null;
    }
    try {
      return (await this.redis.exists(userId)) === 1;
    } catch {
      return true;
    }
  }
}

/** Marks the acting user after every write request, before the answer leaves (see RecentWrites). */
@Injectable()
export class RecentWritesInterceptor implements NestInterceptor {
  constructor(private readonly writes: RecentWrites) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (
      !this.writes.enabled ||
      context.getType() !== 'http' ||
      SAFE_METHODS.has(context.switchToHttp().getRequest<Request>().method)
    ) {
      return next.handle();
    }
    const mark = () => {
      const userId = RequestContext.actor().id;
      return from(userId ? this.writes.mark(userId) : Promise.resolve());
    };
    return next.handle().pipe(
      concatMap((value) => mark().pipe(map(() => value))),
      catchError((error: unknown) => mark().pipe(concatMap(() => throwError(() => error)))),
    );
  }
}
