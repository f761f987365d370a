export const NotificationJob = {
  /** A first inbox message for a new account: proves the outbox → Bull → processor path. */
  Welcome: 'notifications.welcome',
} as const;

export type WelcomeJobData = { userId: string };
