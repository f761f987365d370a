import { Injectable } from '@nestjs/common';
import { DomainError } from 'src/common/errors/domain-error';
import type { Actor } from 'src/common/context/request-context';
import type { Page } from 'src/common/validation/page';
import { adminFilter, forAdmin } from './admin-view';
import { Clock } from 'src/common/clock/clock';
import { AuditChainStatus } from './audit.api';
import { AuditFilter, AuditRepository, AuditRow, ChainBreak } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly status: AuditChainStatus,
    private readonly clock: Clock,
  ) {}

  /** The trail as the acting role may see it: whole for a monitor, without clinical values for an admin. */
  async list(
    filter: AuditFilter,
    page: number,
    pageSize: number,
    actor: Actor,
  ): Promise<Page<AuditRow & { redacted: boolean }>> {
    if (filter.from && filter.to && filter.from >= filter.to) {
      throw new DomainError('AUDIT_RANGE_INVALID', 'bad_request', 'from must be before to');
    }
    const admin = actor.role !== 'monitor';
    const { items, total } = await this.audit.list(
      admin ? adminFilter(filter) : filter,
      page,
      pageSize,
    );
    return {
      items: items.map((row) => (admin ? forAdmin(row) : { ...row, redacted: false })),
      total,
      page,
      pageSize,
    };
  }

  async verify(): Promise<{
    valid: boolean;
    rows: number;
    lastHash: string;
    firstBreak: ChainBreak | null;
  }> {
    const result = await this.audit.verify();
    this.status.record(result.firstBreak === null, this.clock.now());
    return { valid: result.firstBreak === null, ...result };
  }
}
