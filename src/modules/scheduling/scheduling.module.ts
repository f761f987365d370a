import { Module } from '@nestjs/common';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { RandomizationModule } from 'src/modules/randomization/randomization.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { UsersModule } from 'src/modules/users/users.module';
import { CapacityController } from './capacity.controller';
import { CapacityService } from './capacity.service';
import { SchedulingController } from './scheduling.controller';
import { SchedulingReportsService } from './scheduling-reports.service';
import { SchedulingRepository } from './scheduling.repository';
import { SchedulingListeners } from './scheduling.listeners';
import { SchedulingService } from './scheduling.service';
import { TreatmentPlanService } from './treatment-plan.service';

/**
 * Transplant slot scheduling: capacity per centre and quarter, bookings (the booking engine, the
 * waiting-time review, notices), the arm-A plan and its recorded phases. Exports SchedulingService:
 * `bookForParticipant` (the `scheduling.book-slot` job) and `transplantDay0` (follow-up). The
 * processor is registered in the worker only.
 */
@Module({
  imports: [TrialsModule, SitesModule, UsersModule, NotificationsModule, RandomizationModule],
  controllers: [SchedulingController, CapacityController],
  providers: [
    SchedulingRepository,
    SchedulingService,
    SchedulingListeners,
    TreatmentPlanService,
    SchedulingReportsService,
    CapacityService,
  ],
  exports: [SchedulingService],
})
export class SchedulingModule {}
