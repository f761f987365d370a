import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CutReadinessChecks } from './cut-readiness.api';
import { DataCutsApi } from './data-cuts.api';
import { DataCutsService } from './data-cuts.service';
import { DataCutsController, TrialLockController } from './data-locks.controller';
import { DataLocksListeners } from './data-locks.listeners';
import { DataLocksReader } from './data-locks.reader';
import { DataLocksRepository } from './data-locks.repository';
import { FreezeHook, FreezeRules } from './freezes';
import { TrialLockGuard } from './trial-lock.guard';
import { TrialLockService } from './trial-lock.service';

/**
 * Data cuts, freezes and the final trial lock (issue 18). A confirmed data cut freezes the
 * records first recorded up to its cut-off, and the end of a participant's follow-up freezes
 * theirs (FreezeHook refuses their changes, 409 RECORD_FROZEN, unless a monitor unfroze one); the
 * final lock (TrialLockGuard, global, after the AuthGuard) answers every clinical write 409
 * DATABASE_LOCKED, safety reporting excepted and audited. Other modules register cut-readiness
 * checks (CutReadinessChecks), read the lock (DataLocksReader) and export cuts (DataCutsApi).
 */
@Module({
  controllers: [DataCutsController, TrialLockController],
  providers: [
    DataLocksRepository,
    DataCutsService,
    TrialLockService,
    FreezeRules,
    FreezeHook,
    DataLocksListeners,
    CutReadinessChecks,
    DataLocksReader,
    DataCutsApi,
    { provide: APP_GUARD, useClass: TrialLockGuard },
  ],
  exports: [CutReadinessChecks, DataLocksReader, DataCutsApi],
})
export class DataLocksModule {}
