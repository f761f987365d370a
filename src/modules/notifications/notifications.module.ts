import { Module } from '@nestjs/common';
import { InboxApi } from './inbox.api';
import { MailApi } from './mail.api';
import { Mailer } from './mailer';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, Mailer, MailApi, InboxApi],
  exports: [NotificationsService, MailApi, InboxApi],
})
export class NotificationsModule {}
