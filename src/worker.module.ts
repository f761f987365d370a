import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { NotificationsProcessor } from './modules/notifications/notifications.processor';

/** The queue worker: every Bull processor, and the outbox relay's polling loop. */
@Module({
  imports: [CoreModule, NotificationsModule],
  providers: [NotificationsProcessor],
})
export class WorkerModule {}
