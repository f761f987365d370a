import { Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { Clock } from 'src/common/clock/clock';
import { QueueName } from 'src/common/queue/queues';
import { JobHandler } from 'src/kernel/jobs/job-handler';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import { FollowUpSweepService } from './follow-up-sweep.service';
import {
  GenerateScheduleJob,
  type GenerateScheduleJobData,
  ReanchorJob,
  type ReanchorJobData,
  SweepJob,
  type SweepJobResult,
} from './follow-up.jobs';
import { FollowUpService } from './follow-up.service';

/**
 * Registered only in the worker. Thin: the services do the work, idempotently. Failures follow the
 * one job policy (src/common/queue/job-policy.ts): a domain error a retry cannot fix (no
 * allocation, arm B given a day 0) fails the job at once, for review.
 */
@Processor(QueueName.FollowUp)
export class FollowUpProcessor {
  constructor(
    private readonly followUp: FollowUpService,
    private readonly sweeps: FollowUpSweepService,
    private readonly clock: Clock,
    effects: JobEffectChecks,
  ) {
    // For the outbox reconciliation (Redis lost the job): the schedule was generated, or ended.
    effects.register(GenerateScheduleJob, ({ participantId }) =>
      this.followUp.scheduleSettled(participantId),
    );
    // The visits follow the transplant day 0 the job would apply now, or the schedule ended.
    effects.register(ReanchorJob, ({ participantId, transplantDay0 }) =>
      this.followUp.reanchorSettled(participantId, transplantDay0),
    );
  }

  @JobHandler(GenerateScheduleJob)
  async generate(job: Job<GenerateScheduleJobData>): Promise<void> {
    await this.followUp.generateSchedule(job.data.participantId);
  }

  @JobHandler(ReanchorJob)
  async reanchor(job: Job<ReanchorJobData>): Promise<void> {
    await this.followUp.reanchor(job.data.participantId, job.data.transplantDay0);
  }

  @JobHandler(SweepJob)
  async sweep(job: Job): Promise<SweepJobResult> {
    const { counts } = await this.sweeps.sweep(this.clock.now(), String(job.id));
    return { counts };
  }
}
