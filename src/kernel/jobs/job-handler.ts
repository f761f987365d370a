import { Process } from '@nestjs/bull';
import { Logger, SetMetadata } from '@nestjs/common';
import type { Job } from 'bull';
import { runJob } from 'src/common/queue/job-policy';
import type { JobPayload } from 'src/common/queue/queues';
import type { JobContract } from './job-contract';

export const JOB_HANDLER = 'ram-ms:job-handler';

/**
 * Declares a processor method the handler of a job contract (on a `@Processor(contract.queue)`
 * class): registers it with Bull for the contract's job name and runs it under the one failure
 * policy (src/common/queue/job-policy.ts). The worker's start-up check finds it by this mark.
 */
export function JobHandler<P extends JobPayload, R>(contract: JobContract<P, R>) {
  return <M extends (job: Job<P>) => Promise<unknown>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const handler = descriptor.value;
    if (!handler) {
      throw new Error(`@JobHandler(${contract.name}) must mark a method`);
    }
    const logger = new Logger(target.constructor.name);
    descriptor.value = function (this: unknown, job: Job<P>) {
      return runJob(job, () => handler.call(this, job), logger);
    } as M;
    Object.defineProperty(descriptor.value, 'name', { value: handler.name });
    SetMetadata(JOB_HANDLER, contract)(target, key, descriptor);
    Process(contract.name)(target, key, descriptor);
  };
}
