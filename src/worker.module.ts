import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { ALL_JOB_CONTRACTS } from './job-contracts';
import { JobHandlersCheckModule } from 'src/kernel/jobs/job-handlers.check';
import { AccessModule } from './modules/access/access.module';
import { PasswordResetMailProcessor } from './modules/access/password-reset-mail.processor';
import { FollowUpNotifyProcessor } from './modules/follow-up/follow-up-notify.processor';
import { FollowUpSweepScheduler } from './modules/follow-up/follow-up-sweep.scheduler';
import { ExportsModule } from './modules/exports/exports.module';
import { QueriesModule } from './modules/queries/queries.module';
import { ExportsProcessor } from './modules/exports/exports.processor';
import { FollowUpModule } from './modules/follow-up/follow-up.module';
import { FollowUpProcessor } from './modules/follow-up/follow-up.processor';
import { MetricsModule, WorkerMetricsServer } from './modules/metrics/metrics.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { NotificationsProcessor } from './modules/notifications/notifications.processor';
import { SchedulingModule } from './modules/scheduling/scheduling.module';
import { SchedulingProcessor } from './modules/scheduling/scheduling.processor';
import { VerificationModule } from './modules/verification/verification.module';

/**
 * The queue worker: every Bull processor, the outbox relay's polling loop, and its metrics and
 * liveness on METRICS_PORT. It refuses to start
 * unless every job contract (src/job-contracts.ts) has exactly one handler.
 */
@Module({
  imports: [
    CoreModule,
    AccessModule,
    NotificationsModule,
    SchedulingModule,
    FollowUpModule,
    MetricsModule,
    ExportsModule,
    QueriesModule,
    // Its record-change hook: record changes made by jobs clear SDV marks and void signatures too.
    VerificationModule,
    JobHandlersCheckModule.forWorker(ALL_JOB_CONTRACTS),
  ],
  providers: [
    NotificationsProcessor,
    SchedulingProcessor,
    FollowUpProcessor,
    FollowUpNotifyProcessor,
    FollowUpSweepScheduler,
    PasswordResetMailProcessor,
    WorkerMetricsServer,
    ExportsProcessor,
  ],
})
export class WorkerModule {}
