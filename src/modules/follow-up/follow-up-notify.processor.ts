import { Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName } from 'src/common/queue/queues';
import { JobHandler } from 'src/kernel/jobs/job-handler';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import { FollowUpSweepService } from './follow-up-sweep.service';
import { NotifyFindingJob, type NotifyFindingJobData } from './follow-up.jobs';

/** One notification job per sweep finding (Bull job id = the finding's deterministic id). Worker only. */
@Processor(QueueName.Notifications)
export class FollowUpNotifyProcessor {
  constructor(
    private readonly sweeps: FollowUpSweepService,
    effects: JobEffectChecks,
  ) {
    // For the outbox reconciliation (Redis lost the job): the notice is in the inboxes (keyed by the
    // finding's id), or no longer due.
    effects.register(NotifyFindingJob, (job) => this.sweeps.findingSettled(job));
  }

  @JobHandler(NotifyFindingJob)
  async notify(job: Job<NotifyFindingJobData>): Promise<void> {
    await this.sweeps.notifyFinding(job.data);
  }
}
