import { Module } from '@nestjs/common';
import { RateLimitStorage } from './rate-limit.storage';

/** The shared (Redis) counters of every rate limit, with the per-process fallback. */
@Module({
  providers: [RateLimitStorage],
  exports: [RateLimitStorage],
})
export class RateLimitModule {}
