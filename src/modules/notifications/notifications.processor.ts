import { Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName } from 'src/common/queue/queues';
import { JobHandler } from 'src/kernel/jobs/job-handler';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import { EmailJob, type EmailJobData, WelcomeJob, type WelcomeJobData } from './notifications.jobs';
import { NotificationsService } from './notifications.service';

/**
 * Registered only in the worker. Thin: the service does the work, idempotently. Failures follow the
 * one job policy (src/common/queue/job-policy.ts): an SMTP server away is retried with backoff.
 */
@Processor(QueueName.Notifications)
export class NotificationsProcessor {
  constructor(
    private readonly notifications: NotificationsService,
    effects: JobEffectChecks,
  ) {
    // For the outbox reconciliation (Redis lost the job): the welcome is in the inbox; the message
    // was e-mailed (or needs no e-mail).
    effects.register(WelcomeJob, ({ userId }) =>
      this.notifications.delivered(userId, WelcomeJob.name),
    );
    effects.register(EmailJob, ({ notificationId }) =>
      this.notifications.emailSettled(notificationId),
    );
  }

  @JobHandler(WelcomeJob)
  async welcome(job: Job<WelcomeJobData>): Promise<void> {
    await this.notifications.deliver([
      {
        userId: job.data.userId,
        kind: 'welcome',
        subject: 'Your RAM-MS account is ready',
        body: 'Your account was created. Your roles and sites are shown on your profile page.',
        dedupeKey: WelcomeJob.name,
      },
    ]);
  }

  @JobHandler(EmailJob)
  async email(job: Job<EmailJobData>): Promise<void> {
    await this.notifications.sendEmail(job.data.notificationId);
  }
}
