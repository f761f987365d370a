import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { RequestContext } from 'src/common/context/request-context';
import { QueueName } from 'src/common/queue/queues';
import { FollowUpSweepService } from './follow-up-sweep.service';
import { FollowUpJob, type NotifyFindingJobData } from './follow-up.jobs';

/** One notification job per sweep finding (Bull job id = the finding's deterministic id). Worker only. */
@Processor(QueueName.Notifications)
export class FollowUpNotifyProcessor {
  constructor(private readonly sweeps: FollowUpSweepService) {}

  @Process(FollowUpJob.NotifyFinding)
  async notify(job: Job<NotifyFindingJobData>): Promise<void> {
    await RequestContext.run(`job:${job.name}:${String(job.id)}`, () =>
      this.sweeps.notifyFinding(job.data),
    );
  }
}
