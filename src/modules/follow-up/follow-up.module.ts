import { Module } from '@nestjs/common';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { QueriesModule } from 'src/modules/queries/queries.module';
import { SchedulingModule } from 'src/modules/scheduling/scheduling.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { AccessModule } from 'src/modules/access/access.module';
import { DataLocksModule } from 'src/modules/data-locks/data-locks.module';
import { AdverseEventsController } from './adverse-events.controller';
import { AdverseEventsRepository } from './adverse-events.repository';
import { AdverseEventsService } from './adverse-events.service';
import { AssessmentsService } from './assessments.service';
import { DeviationsService } from './deviations.service';
import { EditChecksService } from './edit-checks.service';
import { EndpointsController } from './endpoints.controller';
import { EndpointsRepository } from './endpoints.repository';
import { EndpointsService } from './endpoints.service';
import {
  FollowUpCalendarController,
  FollowUpFeedsController,
} from './follow-up-calendar.controller';
import { FollowUpCalendarService } from './follow-up-calendar.service';
import { FollowUpRecords } from './follow-up-records';
import { FollowUpSweepService } from './follow-up-sweep.service';
import { FollowUpListeners } from './follow-up.listeners';
import { FollowUpService } from './follow-up.service';
import { FollowUpSettings } from './follow-up.settings';
import { SaeNotifier } from './sae-notifier';
import { SweepRepository } from './sweep.repository';
import { VisitLogService } from './visit-log.service';
import { VisitsController } from './visits.controller';
import { VisitsReader } from './visits.reader';
import { AdverseEventsReader } from './adverse-events.reader';
import { EndpointsReader } from './endpoints.reader';
import { VisitsRepository } from './visits.repository';

/**
 * Five-year follow-up: schedules, the sweep, visit logging, deviations, SAE clock, NEDA-3, calendar,
 * and the edit checks on its records (their queries through the queries module).
 * Processors (FollowUpProcessor, FollowUpNotifyProcessor) and the sweep's repeatable registration
 * (FollowUpSweepScheduler) are provided by the worker module only.
 */
@Module({
  imports: [
    NotificationsModule,
    TrialsModule,
    AccessModule,
    SchedulingModule,
    ParticipantsModule,
    DataLocksModule,
    QueriesModule,
  ],
  controllers: [
    VisitsController,
    AdverseEventsController,
    FollowUpCalendarController,
    FollowUpFeedsController,
    EndpointsController,
  ],
  providers: [
    VisitsRepository,
    SweepRepository,
    AdverseEventsRepository,
    EndpointsRepository,
    FollowUpSettings,
    FollowUpService,
    FollowUpSweepService,
    FollowUpRecords,
    VisitLogService,
    DeviationsService,
    AdverseEventsService,
    SaeNotifier,
    AssessmentsService,
    FollowUpCalendarService,
    EndpointsService,
    FollowUpListeners,
    EditChecksService,
    VisitsReader,
    AdverseEventsReader,
    EndpointsReader,
  ],
  exports: [
    FollowUpService,
    FollowUpSweepService,
    VisitsReader,
    AdverseEventsReader,
    EndpointsReader,
  ],
})
export class FollowUpModule {}
