export const NotificationJob = {
  /** A first inbox message for a new account: proves the outbox → Bull → processor path. */
  Welcome: 'notifications.welcome',
  /** Sends one inbox message by SMTP (only enqueued when SMTP_URL is configured). */
  Email: 'notifications.email',
} as const;

export type WelcomeJobData = { userId: string };

export type EmailJobData = { notificationId: string };

/** The outbox dedupe key (and Bull job id) of the e-mail of one inbox message. */
export const emailJobKey = (notificationId: string): string =>
  `${NotificationJob.Email}:${notificationId}`;
