import { Module } from '@nestjs/common';
import { AuditChainStatus } from './audit.api';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditChainStatus],
  exports: [AuditService, AuditChainStatus],
})
export class AuditModule {}
