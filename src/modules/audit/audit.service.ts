import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import type { Page } from '../../common/validation/page';
import { AuditFilter, AuditRepository, AuditRow, ChainBreak } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<Page<AuditRow>> {
    if (filter.from && filter.to && filter.from >= filter.to) {
      throw new DomainError('AUDIT_RANGE_INVALID', 'bad_request', 'from must be before to');
    }
    const { items, total } = await this.audit.list(filter, page, pageSize);
    return { items, total, page, pageSize };
  }

  async verify(): Promise<{ valid: boolean; rows: number; lastHash: string; firstBreak: ChainBreak | null }> {
    const result = await this.audit.verify();
    return { valid: result.firstBreak === null, ...result };
  }
}
