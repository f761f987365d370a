import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import type { NewNotification } from './notifications.repository';
import { NotificationsService } from './notifications.service';

export type { NewNotification } from './notifications.repository';

/** Public API of the notifications module: messages to people's inboxes (and e-mail, when configured). */
@Injectable()
export class InboxApi {
  constructor(private readonly notifications: NotificationsService) {}

  /**
   * Delivers inside the caller's transaction: the inbox rows commit with the business change that
   * made them (the same (user, dedupe key) once), and their e-mails go through the outbox.
   */
  deliverIn(uow: UnitOfWork, rows: NewNotification[]): Promise<number> {
    return this.notifications.deliverIn(uow, rows);
  }
}
