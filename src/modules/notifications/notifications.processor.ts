import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { QueueName } from 'src/common/queue/queues';
import { EmailJobData, NotificationJob, WelcomeJobData } from './notifications.jobs';
import { NotificationsService } from './notifications.service';

/** Registered only in the worker. Thin: the service does the work, idempotently. */
@Processor(QueueName.Notifications)
export class NotificationsProcessor {
  constructor(private readonly notifications: NotificationsService) {}

  @Process(NotificationJob.Welcome)
  async welcome(job: Job<WelcomeJobData>): Promise<void> {
    await this.notifications.deliver([
      {
        userId: job.data.userId,
        kind: 'welcome',
        subject: 'Your RAM-MS account is ready',
        body: 'Your account was created. Your roles and sites are shown on your profile page.',
        dedupeKey: NotificationJob.Welcome,
      },
    ]);
  }

  @Process(NotificationJob.Email)
  async email(job: Job<EmailJobData>): Promise<void> {
    await this.notifications.sendEmail(job.data.notificationId);
  }
}
