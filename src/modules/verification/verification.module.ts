import { Module } from '@nestjs/common';
import { DataLocksModule } from 'src/modules/data-locks/data-locks.module';
import { SdvCutCheck } from './sdv.cut-readiness';
import { AccessModule } from 'src/modules/access/access.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { CasebookService } from './casebook.service';
import { VerificationController } from './verification.controller';
import { VerificationHook } from './verification.hook';
import { VerificationRepository } from './verification.repository';
import { VerificationService } from './verification.service';

/**
 * Source-data verification and casebook sign-off (issue 18): the monitor's marks of verified
 * record versions (`sdv_marks`) and the investigator's casebook signatures
 * (`casebook_signatures`), both undone by a later change of the record through the record-change
 * hook (VerificationHook), in that change's transaction.
 */
@Module({
  imports: [AccessModule, DataLocksModule, ParticipantsModule],
  controllers: [VerificationController],
  providers: [
    SdvCutCheck,
    VerificationService,
    CasebookService,
    VerificationRepository,
    VerificationHook,
  ],
})
export class VerificationModule {}
