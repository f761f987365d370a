import { Module } from '@nestjs/common';
import { AccessModule } from 'src/modules/access/access.module';
import { FollowUpModule } from 'src/modules/follow-up/follow-up.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { SchedulingModule } from 'src/modules/scheduling/scheduling.module';
import { AuditChainStatus } from './audit.api';
import { AuditController } from './audit.controller';
import { AuditReader } from './audit.reader';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditParticipantLinks } from './participant-links';

/**
 * The audit trail: reading, filtering and verifying it (the unit of work writes it). Names,
 * study ids and participants' records are read through their owners' readers.
 */
@Module({
  imports: [AccessModule, FollowUpModule, ParticipantsModule, SchedulingModule],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditChainStatus, AuditReader, AuditParticipantLinks],
  exports: [AuditService, AuditChainStatus, AuditReader],
})
export class AuditModule {}
