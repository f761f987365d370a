import { Module } from '@nestjs/common';
import { AccessModule } from 'src/modules/access/access.module';
import { AuditModule } from 'src/modules/audit/audit.module';
import { DataLocksModule } from 'src/modules/data-locks/data-locks.module';
import { EligibilityModule } from 'src/modules/eligibility/eligibility.module';
import { FollowUpModule } from 'src/modules/follow-up/follow-up.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { RandomizationModule } from 'src/modules/randomization/randomization.module';
import { SchedulingModule } from 'src/modules/scheduling/scheduling.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { ExportRequestsService } from './export-requests.service';
import { ExportRunner } from './export-runner.service';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';
import { ExportFileStore, LocalExportFileStore } from './file-store';
import { ExportRowSource } from './source/row-source';

/**
 * Data out (issue 17): the data dictionary, and exports (a row per export in `exports`, run by
 * the worker over one snapshot through the owning modules' readers, files in the file store).
 * The processor (ExportsProcessor) is provided by the worker module only.
 */
@Module({
  imports: [
    AccessModule,
    AuditModule,
    DataLocksModule,
    EligibilityModule,
    FollowUpModule,
    ParticipantsModule,
    RandomizationModule,
    SchedulingModule,
    SitesModule,
  ],
  controllers: [ExportsController],
  providers: [
    ExportsService,
    ExportsRepository,
    ExportRequestsService,
    ExportRunner,
    ExportRowSource,
    { provide: ExportFileStore, useClass: LocalExportFileStore },
  ],
  exports: [ExportRunner, ExportsRepository],
})
export class ExportsModule {}
