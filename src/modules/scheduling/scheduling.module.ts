import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { RandomizationModule } from '../randomization/randomization.module';
import { SitesModule } from '../sites/sites.module';
import { TrialsModule } from '../trials/trials.module';
import { UsersModule } from '../users/users.module';
import { SchedulingController } from './scheduling.controller';
import { SchedulingReportsService } from './scheduling-reports.service';
import { SchedulingRepository } from './scheduling.repository';
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
    TreatmentPlanService,
    SchedulingReportsService,
  ],
  exports: [SchedulingService],
})
export class SchedulingModule {}
