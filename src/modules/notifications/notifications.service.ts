import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../database/transaction';
import { NewNotification, NotificationsRepository } from './notifications.repository';

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Delivers to in-app inboxes; safe to call twice with the same dedupe keys. */
  deliver(rows: NewNotification[]): Promise<number> {
    return this.notifications.insertMany(rows);
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
      uow.audit({ action: 'notification.read', entity: 'user', entityId: userId, after: { count: changed } });
      return changed;
    });
  }
}
