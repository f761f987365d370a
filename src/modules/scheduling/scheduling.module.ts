import { Module } from '@nestjs/common';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { RandomizationModule } from 'src/modules/randomization/randomization.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { UsersModule } from 'src/modules/users/users.module';
import { SchedulingController } from './scheduling.controller';
import { SchedulingReportsService } from './scheduling-reports.service';
import { SchedulingRepository } from './scheduling.repository';
import { SchedulingListeners } from './scheduling.listeners';
import { SchedulingService } from './scheduling.service';
import { TreatmentPlanService } from './treatment-plan.service';

/**
 * Transplant slot scheduling. Exports SchedulingService: `bookForParticipant` (the
 * `scheduling.book-slot` job), `armAReadinessWarning` (randomisation readiness), `transplantDay0`
 * and `armAStatus` (follow-up, CONSORT). The processor is registered in the worker only.
 */
@Module({
  imports: [TrialsModule, SitesModule, UsersModule, NotificationsModule, RandomizationModule],
  controllers: [SchedulingController],
  providers: [
    SchedulingRepository,
    SchedulingService,
    SchedulingListeners,
    TreatmentPlanService,
    SchedulingReportsService,
  ],
  exports: [SchedulingService],
})
export class SchedulingModule {}
