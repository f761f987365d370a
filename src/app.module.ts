import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AuditModule } from './modules/audit/audit.module';
import { ExportsModule } from './modules/exports/exports.module';
import { QueriesModule } from './modules/queries/queries.module';
import { EligibilityModule } from './modules/eligibility/eligibility.module';
import { FollowUpModule } from './modules/follow-up/follow-up.module';
import { HealthController } from './modules/health/health.controller';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { ParticipantsModule } from './modules/participants/participants.module';
import { PublicModule } from './modules/public/public.module';
import { RandomizationModule } from './modules/randomization/randomization.module';
import { ReportsModule } from './modules/reports/reports.module';
import { SchedulingModule } from './modules/scheduling/scheduling.module';
import { SitesModule } from './modules/sites/sites.module';
import { TrialsModule } from './modules/trials/trials.module';
import { AccessModule } from 'src/modules/access/access.module';
import { DataLocksModule } from 'src/modules/data-locks/data-locks.module';
import { DraftsModule } from 'src/modules/drafts/drafts.module';
import { MetricsModule } from 'src/modules/metrics/metrics.module';
import { FhirModule } from 'src/modules/fhir/fhir.module';
import { VerificationModule } from 'src/modules/verification/verification.module';

/** The HTTP API. Processors are not here: they run in the worker (WorkerModule). */
@Module({
  imports: [
    CoreModule,
    AccessModule,
    // After AccessModule: its lock guard runs after the AuthGuard.
    DataLocksModule,
    SitesModule,
    TrialsModule,
    AuditModule,
    NotificationsModule,
    SchedulingModule,
    ParticipantsModule,
    EligibilityModule,
    FollowUpModule,
    ReportsModule,
    ExportsModule,
    QueriesModule,
    RandomizationModule,
    PublicModule,
    DraftsModule,
    MetricsModule,
    FhirModule,
    VerificationModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
