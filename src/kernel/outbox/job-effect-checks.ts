import { Injectable } from '@nestjs/common';
import type { JobPayload } from 'src/common/queue/queues';
import type { JobContract } from 'src/kernel/jobs/job-contract';

/** Does the effect of this job exist already? Answered by the module that owns the effect. */
export type JobEffectCheck<P extends JobPayload> = (payload: P) => Promise<boolean>;

/**
 * The effect checks of job contracts, registered by the module that handles each job (in its
 * processor's constructor), and asked by the outbox reconciliation (./outbox.reconciler.ts) before
 * it re-relays a sent row whose Bull job Redis no longer has. The kernel never reads another
 * module's tables: a contract without a check is never re-relayed.
 */
@Injectable()
export class JobEffectChecks {
  private readonly checks = new Map<string, JobEffectCheck<JobPayload>>();

  register<P extends JobPayload, R>(contract: JobContract<P, R>, check: JobEffectCheck<P>): void {
    this.checks.set(`${contract.queue}/${contract.name}`, check as JobEffectCheck<JobPayload>);
  }

  get(queue: string, name: string): JobEffectCheck<JobPayload> | undefined {
    return this.checks.get(`${queue}/${name}`);
  }
}
