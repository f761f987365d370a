import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import { QueueName } from 'src/common/queue/queues';
import { FollowUpSweepService } from './follow-up-sweep.service';
import { FollowUpJob, type GenerateScheduleJobData, type ReanchorJobData } from './follow-up.jobs';
import { FollowUpService } from './follow-up.service';

/** A domain error will not go away on retry (no allocation, arm B given a day 0): fail the job for review. */
async function run<T>(job: Job, work: () => Promise<T>): Promise<T> {
  try {
    return await RequestContext.run(`job:${job.name}:${String(job.id)}`, work);
  } catch (error) {
    if (error instanceof DomainError && error.kind !== 'unavailable') {
      await job.discard();
    }
    throw error;
  }
}

/** Registered only in the worker. Thin: the services do the work, idempotently. */
@Processor(QueueName.FollowUp)
export class FollowUpProcessor {
  private readonly logger = new Logger(FollowUpProcessor.name);

  constructor(
    private readonly followUp: FollowUpService,
    private readonly sweeps: FollowUpSweepService,
    private readonly clock: Clock,
  ) {}

  @Process(FollowUpJob.GenerateSchedule)
  async generate(job: Job<GenerateScheduleJobData>): Promise<void> {
    await run(job, () => this.followUp.generateSchedule(job.data.participantId));
  }

  @Process(FollowUpJob.Reanchor)
  async reanchor(job: Job<ReanchorJobData>): Promise<void> {
    await run(job, () => this.followUp.reanchor(job.data.participantId, job.data.transplantDay0));
  }

  @Process(FollowUpJob.Sweep)
  async sweep(job: Job): Promise<void> {
    await run(job, () => this.sweeps.sweep(this.clock.now(), String(job.id)));
  }

  @OnQueueFailed()
  onFailed(job: Job, error: Error): void {
    this.logger.error(
      `${job.name}#${String(job.id)} attempt ${job.attemptsMade} failed: ${error.message}`,
    );
  }
}
