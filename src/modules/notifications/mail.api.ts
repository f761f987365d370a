import { Injectable } from '@nestjs/common';
import { Mailer, type OutgoingMail } from './mailer';

export type { OutgoingMail } from './mailer';

/**
 * Public API of the notifications module for a message that must not rest in an inbox (a
 * forgotten-password link): sent straight by SMTP through the one configured transport.
 */
@Injectable()
export class MailApi {
  constructor(private readonly mailer: Mailer) {}

  /** Whether SMTP is configured (SMTP_URL); without it nothing can be e-mailed. */
  get enabled(): boolean {
    return this.mailer.enabled;
  }

  /** Sends one message; throws when the SMTP server refuses or cannot be reached (a job retries). */
  send(mail: OutgoingMail): Promise<void> {
    return this.mailer.send(mail);
  }
}
