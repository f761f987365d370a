import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { Mailer } from './mailer';
import { EmailJob } from './notifications.jobs';
import { NewNotification, NotificationsRepository } from './notifications.repository';

export type EmailOutcome = 'sent' | 'already_sent' | 'skipped';

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
  ) {}

  /** Delivers to in-app inboxes (and, with SMTP configured, by e-mail); safe to call twice with the same dedupe keys. */
  deliver(rows: NewNotification[]): Promise<number> {
    if (rows.length === 0) {
      return Promise.resolve(0);
    }
    return this.tx.run((uow) => this.deliverIn(uow, rows));
  }

  /**
   * Delivers inside the caller's transaction: the inbox rows commit with the business change, and
   * each new row's e-mail job is written to the outbox in the same transaction (SMTP configured).
   */
  async deliverIn(uow: UnitOfWork, rows: NewNotification[]): Promise<number> {
    const ids = await this.notifications.insertReturning(rows, uow.em);
    if (this.mailer.enabled) {
      for (const id of ids) {
        uow.enqueue(EmailJob, { notificationId: id });
      }
    }
    return ids.length;
  }

  /** For the outbox reconciliation: is a message with this dedupe key in the user's inbox? */
  delivered(userId: string, dedupeKey: string): Promise<boolean> {
    return this.notifications.exists(userId, dedupeKey);
  }

  /**
   * For the outbox reconciliation of jobs that deliver one message to several inboxes in one
   * transaction (`deliver`): is the message with this dedupe key in any of these users' inboxes?
   */
  deliveredToAny(userIds: readonly string[], dedupeKey: string): Promise<boolean> {
    return this.notifications.existsForAny(userIds, dedupeKey);
  }

  /** For the outbox reconciliation: has `notifications.email` nothing (more) to do for this message? */
  async emailSettled(notificationId: string): Promise<boolean> {
    const row = await this.notifications.forEmail(notificationId);
    return !row || !row.active || !this.mailer.enabled || row.emailedAt !== null;
  }

  /**
   * Sends one inbox message by SMTP, once: a message already stamped as e-mailed is not sent again.
   * A send that fails throws, so Bull retries it with backoff.
   */
  async sendEmail(notificationId: string): Promise<EmailOutcome> {
    const row = await this.notifications.forEmail(notificationId);
    if (!row || !row.active || !this.mailer.enabled) {
      return 'skipped';
    }
    if (row.emailedAt) {
      return 'already_sent';
    }
    await this.mailer.send({
      to: row.email,
      subject: row.subject,
      text: `${row.body}\n\n-- \nRAM-MS trial management system. This message carries study ids only.`,
      messageId: `<${row.id}@ram-ms.notifications>`,
    });
    return (await this.notifications.markEmailed(row.id, this.clock.now()))
      ? 'sent'
      : 'already_sent';
  }

  async inbox(userId: string, unreadOnly: boolean, page: number, pageSize: number) {
    const result = await this.notifications.inbox(userId, unreadOnly, page, pageSize);
    return { ...result, page, pageSize };
  }

  unreadCount(userId: string): Promise<number> {
    return this.notifications.unreadCount(userId);
  }

  markRead(userId: string, ids: string[] | 'all'): Promise<number> {
    return this.tx.run(async (uow) => {
      const changed = await this.notifications.markRead(userId, ids, this.clock.now(), uow.em);
      uow.audit({
        action: 'notification.read',
        entity: 'user',
        entityId: userId,
        after: { count: changed },
      });
      return changed;
    });
  }
}
