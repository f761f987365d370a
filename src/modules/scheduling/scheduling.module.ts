import { Module } from '@nestjs/common';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { RandomizationModule } from 'src/modules/randomization/randomization.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { AccessModule } from 'src/modules/access/access.module';
import { SchedulingFeedsController } from './calendar-feeds.controller';
import { CapacityController } from './capacity.controller';
import { BookingEngineService } from './booking-engine.service';
import { BookingReviewService } from './booking-review.service';
import { BookingsService } from './bookings.service';
import { CapacityService } from './capacity.service';
import { SchedulingNoticesService } from './scheduling-notices.service';
import { TransplantFacts } from './transplant-facts.api';
import { SchedulingController } from './scheduling.controller';
import { SchedulingReportsService } from './scheduling-reports.service';
import { SchedulingRepository } from './scheduling.repository';
import { SchedulingListeners } from './scheduling.listeners';
import { TreatmentPlanService } from './treatment-plan.service';
import { TransplantReader } from './transplant.reader';

/**
 * Transplant slot scheduling: capacity per centre and quarter, bookings (the booking engine, the
 * waiting-time review, notices), the arm-A plan and its recorded phases. Exports TransplantFacts
 * (its public API: `transplantDay0` for follow-up) and, for the processor, which is registered in
 * the worker only, BookingEngineService (the `scheduling.book-slot` job) and
 * SchedulingNoticesService (the `scheduling.notify` job).
 */
@Module({
  imports: [TrialsModule, SitesModule, AccessModule, NotificationsModule, RandomizationModule],
  controllers: [SchedulingController, CapacityController, SchedulingFeedsController],
  providers: [
    SchedulingRepository,
    BookingEngineService,
    BookingsService,
    BookingReviewService,
    SchedulingNoticesService,
    TransplantFacts,
    SchedulingListeners,
    TreatmentPlanService,
    TransplantReader,
    SchedulingReportsService,
    CapacityService,
  ],
  exports: [TransplantReader, TransplantFacts, BookingEngineService, SchedulingNoticesService],
})
export class SchedulingModule {}
