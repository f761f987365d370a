import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RandomSource } from 'src/common/random/random-source';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { QueriesNotifier } from './queries.notifier';
import { type CheckScope, QueriesRepository, type QueryRow } from './queries.repository';
import { isProblem, type QueryTarget, queryTarget } from './query-targets';

/** One item an edit check finds wrong: the query it raises points at it. */
export type EditCheckFinding = {
  participantId: string;
  siteId: string;
  record: { entity: string; id: string };
  /** A field-registry item of the record's form (`adverse_event.endDate`, `assessment.edss`, …). */
  itemId: string;
  /** One element of a list item; default: the item's own path. */
  path?: string;
  /** The question put to the site: what is wrong, in words (no identity data). */
  text: string;
};

export type { CheckScope } from './queries.repository';

/** What one run of a check did to its queries. */
export type EditCheckOutcome = { raised: number; reopened: number; resolved: number };

const SYSTEM = { actorId: null, actorRole: 'system' } as const;
const RESOLVED_TEXT = 'The data no longer fail the check: closed automatically.';

const keyOf = (entity: string, id: string, path: string) => `${entity}\u0000${id}\u0000${path}`;

/**
 * Automatic queries from edit checks (issue 18), for the module that runs the checks: the system
 * raises a check's query on an item once (the unique index `data_queries_check_once`, inserted
 * with ON CONFLICT DO NOTHING, so concurrent runs raise it once), closes it as `resolved` when the
 * data no longer fail the check, and re-opens one it had resolved itself when they fail again (a
 * query a person closed stays closed). Every step is audited as the system's act in the caller's
 * transaction; the site is told of a raised or re-opened query as of any other. Answered and
 * closed like any other query (QueriesService).
 */
@Injectable()
export class QueriesApi {
  constructor(
    private readonly queries: QueriesRepository,
    private readonly notifier: QueriesNotifier,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /**
   * Brings the queries of check `checkId` within `scope` in line with `findings`, the items that
   * fail the check now (all of them within the scope): raises a query on each new one, re-opens
   * one the check had resolved, resolves each query not closed whose item no longer fails.
   */
  async settle(
    uow: UnitOfWork,
    checkId: string,
    scope: CheckScope,
    findings: readonly EditCheckFinding[],
  ): Promise<EditCheckOutcome> {
    const outcome: EditCheckOutcome = { raised: 0, reopened: 0, resolved: 0 };
    const existing = await this.queries.ofCheck(checkId, scope, uow.em);
    const byKey = new Map(existing.map((q) => [keyOf(q.recordEntity, q.recordId, q.path), q]));
    const failing = new Set<string>();
    for (const finding of findings) {
      const target = queryTarget(finding.record.entity, finding.itemId, finding.path);
      if (isProblem(target)) {
        throw new Error(`edit check ${checkId}: ${target.path}: ${target.message}`);
      }
      const key = keyOf(finding.record.entity, finding.record.id, target.path);
      if (failing.has(key)) {
        continue;
      }
      failing.add(key);
      const q = byKey.get(key);
      if (!q) {
        outcome.raised += (await this.raise(uow, checkId, finding, target)) ? 1 : 0;
      } else if (q.status === 'closed' && q.lastClose === 'resolved') {
        await this.reopen(uow, q, finding.text);
        outcome.reopened += 1;
      }
    }
    for (const q of existing) {
      if (q.status !== 'closed' && !failing.has(keyOf(q.recordEntity, q.recordId, q.path))) {
        await this.resolve(uow, q);
        outcome.resolved += 1;
      }
    }
    return outcome;
  }

  private async raise(
    uow: UnitOfWork,
    checkId: string,
    f: EditCheckFinding,
    target: QueryTarget,
  ): Promise<boolean> {
    const id = this.random.uuid();
    const now = this.clock.now();
    const inserted = await this.queries.insert(
      {
        id,
        participantId: f.participantId,
        siteId: f.siteId,
        recordEntity: f.record.entity,
        recordId: f.record.id,
        itemId: target.item.id,
        path: target.path,
        origin: 'edit_check',
        checkId,
        status: 'open',
        text: f.text,
        raisedBy: null,
        raisedAt: now,
      },
      uow.em,
    );
    if (!inserted) {
      // Raised meanwhile by a concurrent run of the same check.
      return false;
    }
    await this.queries.addEvent(id, { kind: 'raised', text: f.text, ...SYSTEM, at: now }, uow.em);
    uow.audit({
      action: 'query.raised',
      entity: 'data_query',
      entityId: id,
      after: {
        participantId: f.participantId,
        record: f.record,
        itemId: target.item.id,
        path: target.path,
        text: f.text,
        origin: 'edit_check',
        checkId,
      },
      bySystem: true,
    });
    await this.notifier.raised(uow, await this.row(uow, id));
    return true;
  }

  private async reopen(uow: UnitOfWork, q: QueryRow, text: string): Promise<void> {
    const now = this.clock.now();
    await this.queries.setStatus(q.id, 'open', now, uow.em);
    await this.queries.addEvent(q.id, { kind: 'reopened', text, ...SYSTEM, at: now }, uow.em);
    uow.audit({
      action: 'query.reopened',
      entity: 'data_query',
      entityId: q.id,
      before: { status: q.status },
      after: { status: 'open', text, checkId: q.checkId },
      bySystem: true,
    });
    await this.notifier.raised(uow, await this.row(uow, q.id), true);
  }

  private async resolve(uow: UnitOfWork, q: QueryRow): Promise<void> {
    const now = this.clock.now();
    await this.queries.setStatus(q.id, 'closed', now, uow.em);
    await this.queries.addEvent(
      q.id,
      { kind: 'resolved', text: RESOLVED_TEXT, ...SYSTEM, at: now },
      uow.em,
    );
    uow.audit({
      action: 'query.resolved',
      entity: 'data_query',
      entityId: q.id,
      before: { status: q.status },
      after: { status: 'closed', checkId: q.checkId },
      bySystem: true,
    });
  }

  private async row(uow: UnitOfWork, id: string): Promise<QueryRow> {
    const row = await this.queries.find(id, { sites: null }, uow.em);
    if (!row) {
      throw new Error(`data query ${id} vanished within its transaction`);
    }
    return row;
  }
}
