import { Module } from '@nestjs/common';
import { DataLocksModule } from 'src/modules/data-locks/data-locks.module';
import { OpenQueriesCutCheck } from './queries.cut-readiness';
import { AccessModule } from 'src/modules/access/access.module';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { QueriesApi } from './queries.api';
import { QueriesController } from './queries.controller';
import { QueriesNotifier } from './queries.notifier';
import { QueriesRecordHook } from './queries.record-hook';
import { QueriesRepository } from './queries.repository';
import { QueriesService } from './queries.service';

/**
 * Data queries (issue 18): questions on single items of kept records, their answers, linked
 * corrections and closes; the ageing report; the queries edit checks raise and resolve (QueriesApi,
 * for the module that runs the checks: follow-up). Owns `data_queries` and `data_query_events`.
 */
@Module({
  imports: [AccessModule, DataLocksModule, NotificationsModule, ParticipantsModule],
  controllers: [QueriesController],
  providers: [
    OpenQueriesCutCheck,
    QueriesService,
    QueriesRepository,
    QueriesNotifier,
    QueriesRecordHook,
    QueriesApi,
  ],
  exports: [QueriesApi],
})
export class QueriesModule {}
