import { QueueName } from 'src/common/queue/queues';
import { defineJob } from 'src/kernel/jobs/job-contract';

/** Job contracts of the access module (handled by PasswordResetMailProcessor; registered in src/job-contracts.ts). */

export type PasswordResetMailData = { resetId: string };

const RESET_MAIL = 'access.password-reset-mail';
/**
 * E-mails a forgotten-password link. The payload names the reset request only: the token is read
 * sealed from the database by the worker, and dropped from it once the mail is sent.
 */
export const PasswordResetMailJob = defineJob<PasswordResetMailData>({
  queue: QueueName.Notifications,
  name: RESET_MAIL,
  key: ({ resetId }) => `${RESET_MAIL}:${resetId}`,
});
