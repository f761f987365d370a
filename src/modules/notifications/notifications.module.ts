import { Module } from '@nestjs/common';
import { MailApi } from './mail.api';
import { Mailer } from './mailer';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, Mailer, MailApi],
  exports: [NotificationsService, MailApi],
})
export class NotificationsModule {}
