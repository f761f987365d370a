import { Module } from '@nestjs/common';
import { AuditChainStatus } from './audit.api';
import { AuditController } from './audit.controller';
import { AuditReader } from './audit.reader';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditChainStatus, AuditReader],
  exports: [AuditService, AuditChainStatus, AuditReader],
})
export class AuditModule {}
