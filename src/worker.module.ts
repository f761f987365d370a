import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { FollowUpNotifyProcessor } from './modules/follow-up/follow-up-notify.processor';
import { FollowUpSweepScheduler } from './modules/follow-up/follow-up-sweep.scheduler';
import { FollowUpModule } from './modules/follow-up/follow-up.module';
import { FollowUpProcessor } from './modules/follow-up/follow-up.processor';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { NotificationsProcessor } from './modules/notifications/notifications.processor';
import { SchedulingModule } from './modules/scheduling/scheduling.module';
import { SchedulingProcessor } from './modules/scheduling/scheduling.processor';

/** The queue worker: every Bull processor, and the outbox relay's polling loop. */
@Module({
  imports: [CoreModule, NotificationsModule, SchedulingModule, FollowUpModule],
  providers: [
    NotificationsProcessor,
    SchedulingProcessor,
    FollowUpProcessor,
    FollowUpNotifyProcessor,
    FollowUpSweepScheduler,
  ],
})
export class WorkerModule {}
