import { Inject, Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { type Actor, RequestContext } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { DomainError, fieldError, validationFailed } from 'src/common/errors/domain-error';
import { fieldItem } from 'src/common/fields/registry';
import { RandomSource } from 'src/common/random/random-source';
import type { Page } from 'src/common/validation/page';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';
import { RecordHistory } from 'src/kernel/record-history';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { ParticipantsReader } from 'src/modules/participants/participants.reader';
import type {
  AnswerQueryDto,
  CloseQueryDto,
  QueryAgeingDto,
  QueryDetailDto,
  QueryDto,
  QueryEventDto,
  QueryListItemDto,
  RaiseQueryDto,
  ReopenQueryDto,
} from './dto/query.dto';
import { QueriesNotifier } from './queries.notifier';
import {
  QueriesRepository,
  type QueryEventRow,
  type QueryFilter,
  type QueryRow,
  type QueryStatus,
} from './queries.repository';
import { ASSESSOR_RECORD, isProblem, queryTarget, recordLabel } from './query-targets';

const DAY_MS = 86_400_000;

const notFound = () => new DomainError('QUERY_NOT_FOUND', 'not_found', 'No such data query');

/** A blinded assessor sees and answers only queries on their own items: their assessments. */
const recordEntitiesOf = (actor: Actor): readonly string[] | undefined =>
  actor.role === 'blinded_assessor' ? [ASSESSOR_RECORD] : undefined;

/**
 * Data queries (issue 18): raised on one item of one kept record by a monitor or the statistician
 * (or an edit check), answered by the site, closed or re-opened by the monitor. A correction of
 * the queried field, made on its form, is linked to the query by the record hook
 * (QueriesRecordHook). Every step is audited and kept as an event of the query.
 */
@Injectable()
export class QueriesService {
  constructor(
    private readonly queries: QueriesRepository,
    private readonly history: RecordHistory,
    private readonly participants: ParticipantsReader,
    private readonly notifier: QueriesNotifier,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A page of queries in the actor's scope; `withEvents`: each with its steps, read at once for the page. */
  async list(
    filter: Omit<QueryFilter, 'sites' | 'recordEntities'>,
    page: number,
    pageSize: number,
    actor: Actor,
    withEvents = false,
  ): Promise<Page<QueryListItemDto>> {
    const { items, total } = await this.queries.list(
      { ...filter, sites: siteScope(actor), recordEntities: recordEntitiesOf(actor) },
      (page - 1) * pageSize,
      pageSize,
    );
    if (!withEvents) {
      return { items: items.map((q) => this.toDto(q)), total, page, pageSize };
    }
    const events = await this.eventsOf(items.map((q) => q.id));
    return {
      items: items.map((q) => ({ ...this.toDto(q), events: events.get(q.id) ?? [] })),
      total,
      page,
      pageSize,
    };
  }

  async get(id: string, actor: Actor): Promise<QueryDetailDto> {
    const row = await this.queries.find(id, this.scopeOf(actor));
    if (!row) {
      throw notFound();
    }
    return this.detail(row);
  }

  async raise(dto: RaiseQueryDto, actor: Actor): Promise<QueryDetailDto> {
    const target = queryTarget(dto.recordEntity, dto.itemId, dto.path);
    if (isProblem(target)) {
      throw validationFailed([target]);
    }
    const record = await this.history.current(dto.recordEntity, dto.recordId);
    const participant = record && (await this.participants.one(actor, record.participantId));
    if (!record || !participant) {
      throw new DomainError('RECORD_NOT_FOUND', 'not_found', 'No such record');
    }
    const id = this.random.uuid();
    await this.tx.run(async (uow) => {
      const now = this.clock.now();
      await this.queries.insert(
        {
          id,
          participantId: participant.id,
          siteId: participant.siteId,
          recordEntity: dto.recordEntity,
          recordId: dto.recordId,
          itemId: target.item.id,
          path: target.path,
          origin: 'manual',
          checkId: null,
          status: 'open',
          text: dto.text,
          raisedBy: actor.id,
          raisedAt: now,
        },
        uow.em,
      );
      await this.event(uow, id, 'raised', { text: dto.text });
      uow.audit({
        action: 'query.raised',
        entity: 'data_query',
        entityId: id,
        after: {
          participantId: participant.id,
          record: { entity: dto.recordEntity, id: dto.recordId, version: record.version },
          itemId: target.item.id,
          path: target.path,
          text: dto.text,
        },
      });
      const row = await this.queries.find(id, { sites: null }, uow.em);
      await this.notifier.raised(uow, row!);
    });
    return this.get(id, actor);
  }

  async answer(id: string, dto: AnswerQueryDto, actor: Actor): Promise<QueryDetailDto> {
    await this.transition(id, actor, ['open'], 'answered', dto.text, (uow, q) =>
      this.notifier.answered(uow, q),
    );
    return this.get(id, actor);
  }

  async close(id: string, dto: CloseQueryDto, actor: Actor): Promise<QueryDetailDto> {
    await this.transition(id, actor, ['open', 'answered'], 'closed', dto.text ?? null);
    return this.get(id, actor);
  }

  async reopen(id: string, dto: ReopenQueryDto, actor: Actor): Promise<QueryDetailDto> {
    await this.transition(id, actor, ['answered', 'closed'], 'open', dto.text, (uow, q) =>
      this.notifier.raised(uow, q, true),
    );
    return this.get(id, actor);
  }

  /** Per site within the actor's scope: open, answered, and open longer than QUERY_AGEING_DAYS. */
  async ageing(actor: Actor): Promise<QueryAgeingDto> {
    const now = this.clock.now();
    const days = this.config.QUERY_AGEING_DAYS;
    const rows = await this.queries.ageing(
      siteScope(actor),
      new Date(now.getTime() - days * DAY_MS),
    );
    return {
      thresholdDays: days,
      sites: rows.map(({ oldestOpenAt, ...r }) => ({
        ...r,
        oldestOpenDays: oldestOpenAt ? this.ageDays(oldestOpenAt, now) : null,
      })),
    };
  }

  private async transition(
    id: string,
    actor: Actor,
    from: readonly QueryStatus[],
    to: QueryStatus,
    text: string | null,
    notify?: (uow: UnitOfWork, q: QueryRow) => Promise<void>,
  ): Promise<void> {
    await this.tx.run(async (uow) => {
      const q = await this.queries.find(id, this.scopeOf(actor), uow.em, true);
      if (!q) {
        throw notFound();
      }
      if (!from.includes(q.status)) {
        const message = `The query is ${q.status}: only a query that is ${from.join(' or ')} can be ${to === 'open' ? 're-opened' : to}`;
        throw new DomainError('QUERY_STATE', 'conflict', message, [
          fieldError('', 'QUERY_STATE', message, { status: q.status }),
        ]);
      }
      const kind = to === 'open' ? 'reopened' : to;
      await this.queries.setStatus(id, to, this.clock.now(), uow.em);
      await this.event(uow, id, kind, { text });
      uow.audit({
        action: `query.${kind}`,
        entity: 'data_query',
        entityId: id,
        before: { status: q.status },
        after: { status: to, ...(text ? { text } : {}) },
      });
      await notify?.(uow, q);
    });
  }

  private async event(
    uow: UnitOfWork,
    queryId: string,
    kind: 'raised' | 'answered' | 'closed' | 'reopened',
    e: { text: string | null },
  ): Promise<void> {
    const actor = RequestContext.actor();
    await this.queries.addEvent(
      queryId,
      { kind, text: e.text, actorId: actor.id, actorRole: actor.role, at: this.clock.now() },
      uow.em,
    );
  }

  private scopeOf(actor: Actor): Pick<QueryFilter, 'sites' | 'recordEntities'> {
    return { sites: siteScope(actor), recordEntities: recordEntitiesOf(actor) };
  }

  private ageDays(from: Date, now: Date): number {
    return Math.floor((now.getTime() - new Date(from).getTime()) / DAY_MS);
  }

  private toDto(q: QueryRow): QueryDto {
    const now = this.clock.now();
    return {
      id: q.id,
      participantId: q.participantId,
      studyId: q.studyId,
      siteId: q.siteId,
      record: { entity: q.recordEntity, id: q.recordId, label: recordLabel(q.recordEntity) },
      item: { id: q.itemId, label: fieldItem(q.itemId).label, path: q.path },
      origin: q.origin,
      checkId: q.checkId,
      status: q.status,
      text: q.text,
      raisedBy: q.raisedByName,
      raisedAt: new Date(q.raisedAt).toISOString(),
      statusChangedAt: new Date(q.statusChangedAt).toISOString(),
      ageDays: this.ageDays(q.raisedAt, now),
    };
  }

  private async detail(q: QueryRow): Promise<QueryDetailDto> {
    const events = await this.eventsOf([q.id]);
    return { ...this.toDto(q), events: events.get(q.id) ?? [] };
  }

  /** The steps of these queries, oldest first, per query id (one read). */
  private async eventsOf(queryIds: readonly string[]): Promise<Map<string, QueryEventDto[]>> {
    const byQuery = new Map<string, QueryEventDto[]>();
    for (const e of await this.queries.eventsOf(queryIds)) {
      const list = byQuery.get(e.queryId) ?? [];
      list.push(this.eventDto(e));
      byQuery.set(e.queryId, list);
    }
    return byQuery;
  }

  private eventDto(e: QueryEventRow): QueryEventDto {
    return {
      kind: e.kind,
      text: e.text,
      recordVersion: e.recordVersion,
      before: e.before,
      after: e.after,
      by: e.actorName,
      role: e.actorRole,
      at: new Date(e.at).toISOString(),
    };
  }
}
