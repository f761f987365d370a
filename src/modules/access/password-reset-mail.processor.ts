import { Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName } from 'src/common/queue/queues';
import { JobHandler } from 'src/kernel/jobs/job-handler';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import { PasswordResetMailJob, type PasswordResetMailData } from './access.jobs';
import { PasswordsService } from './passwords.service';

/**
 * Registered only in the worker: e-mails forgotten-password links (on the notifications queue,
 * through the notifications module's SMTP transport). Thin: the service does the work, once.
 */
@Processor(QueueName.Notifications)
export class PasswordResetMailProcessor {
  constructor(
    private readonly passwords: PasswordsService,
    effects: JobEffectChecks,
  ) {
    effects.register(PasswordResetMailJob, ({ resetId }) =>
      this.passwords.resetMailSettled(resetId),
    );
  }

  @JobHandler(PasswordResetMailJob)
  async send(job: Job<PasswordResetMailData>): Promise<void> {
    await this.passwords.sendResetMail(job.data.resetId);
  }
}
