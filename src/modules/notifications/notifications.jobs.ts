import { QueueName } from 'src/common/queue/queues';
import { defineJob } from 'src/kernel/jobs/job-contract';

/** Job contracts of the notifications module (handled by NotificationsProcessor; registered in src/job-contracts.ts). */

export type WelcomeJobData = { userId: string };
export type EmailJobData = { notificationId: string };

const WELCOME = 'notifications.welcome';
/** A first inbox message for a new account: proves the outbox → Bull → processor path. */
export const WelcomeJob = defineJob<WelcomeJobData>({
  queue: QueueName.Notifications,
  name: WELCOME,
  key: ({ userId }) => `${WELCOME}:${userId}`,
});

const EMAIL = 'notifications.email';
/** Sends one inbox message by SMTP (only enqueued when SMTP_URL is configured); one per message. */
export const EmailJob = defineJob<EmailJobData>({
  queue: QueueName.Notifications,
  name: EMAIL,
  key: ({ notificationId }) => `${EMAIL}:${notificationId}`,
});
