import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from 'src/common/errors/domain-error';
import type { Actor } from 'src/common/context/request-context';
import type { Page } from 'src/common/validation/page';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { UsersReader } from 'src/modules/access/users.reader';
import { adminFilter, forAdmin } from './admin-view';
import { Clock } from 'src/common/clock/clock';
import { AuditChainStatus } from './audit.api';
import { AuditFilter, AuditRepository, AuditRow, ChainBreak } from './audit.repository';
import { AuditParticipantLinks } from './participant-links';
import { type AuditChange, changesOf, summaryOf } from './readable';

/** An audit row in words: who by name, which participant by study id, what changed by label. */
export type ReadableAuditRow = AuditRow & {
  redacted: boolean;
  actorName: string | null;
  studyId: string | null;
  changes: AuditChange[];
  summary: string;
};

@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly status: AuditChainStatus,
    private readonly clock: Clock,
    private readonly links: AuditParticipantLinks,
    private readonly users: UsersReader,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * The trail as the acting role may see it: whole for a monitor, without clinical values for an
   * admin. `studyId` keeps the rows about that participant and its records (none for an unknown one).
   */
  async list(
    filter: AuditFilter & { studyId?: string },
    page: number,
    pageSize: number,
    actor: Actor,
  ): Promise<Page<ReadableAuditRow>> {
    if (filter.from && filter.to && filter.from >= filter.to) {
      throw new DomainError('AUDIT_RANGE_INVALID', 'bad_request', 'from must be before to');
    }
    const { studyId, ...rest } = filter;
    let where: AuditFilter = rest;
    if (studyId !== undefined) {
      const entityIds = await this.links.entityIdsOf(studyId);
      if (entityIds === null) {
        return { items: [], total: 0, page, pageSize };
      }
      where = { ...where, entityIds };
    }
    const admin = actor.role !== 'monitor';
    const { items, total } = await this.audit.list(
      admin ? adminFilter(where) : where,
      page,
      pageSize,
    );
    return {
      items: await this.readable(
        items.map((row) => (admin ? forAdmin(row) : { ...row, redacted: false })),
      ),
      total,
      page,
      pageSize,
    };
  }

  /**
   * A participant's whole history (monitor), oldest first; 404 for an unknown study id. The
   * export is audited (on the participant) like every export.
   */
  async history(studyId: string): Promise<ReadableAuditRow[]> {
    const entityIds = await this.links.entityIdsOf(studyId);
    if (entityIds === null) {
      throw notFound('PARTICIPANT_NOT_FOUND', 'Participant');
    }
    const rows = await this.audit.history(entityIds);
    await this.tx.run(async (uow) => {
      uow.audit({
        action: 'audit.history_exported',
        entity: 'participant',
        entityId: entityIds[0],
        after: { studyId, rows: rows.length, format: 'csv' },
      });
    });
    return this.readable(rows.map((row) => ({ ...row, redacted: false })));
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

  /** Names, study ids and changes in words, from the rows as shown (an admin's are already redacted). */
  private async readable(rows: (AuditRow & { redacted: boolean })[]): Promise<ReadableAuditRow[]> {
    const names = await this.users.displayNames(
      rows.flatMap((r) => (r.actorId ? [r.actorId] : [])),
    );
    const studyIds = await this.links.studyIdsOf(
      rows.flatMap((r) => (r.entityId ? [r.entityId] : [])),
    );
    return rows.map((row) => {
      const actorName = (row.actorId && names.get(row.actorId)) || null;
      const changes = changesOf(row);
      return {
        ...row,
        actorName,
        studyId: (row.entityId && studyIds.get(row.entityId)) || null,
        changes,
        summary: summaryOf({ ...row, actorName, changes }),
      };
    });
  }
}
