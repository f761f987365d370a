import { validationFailed } from 'src/common/errors/domain-error';
import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import {
  applyPatch,
  auditOf,
  diffRecord,
  type JsonRecord,
} from 'src/common/corrections/corrections';
import type { Actor } from 'src/common/context/request-context';
import { RandomSource } from 'src/common/random/random-source';
import { compareDates } from 'src/common/time/calendar-date';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import type {
  AddAdverseEventsDto,
  AdverseEventDto,
  CorrectAdverseEventDto,
  MarkSaeReportedDto,
} from './dto/visit-log.dto';
import type { AdverseEventEntity, AdverseEventInput } from './entities/adverse-event.entity';
import { AdverseEventsRepository, type AdverseEventFilter } from './adverse-events.repository';
import {
  ADVERSE_EVENT,
  type AdverseEventContext,
  contextOf,
  FollowUpRecords,
  notAfter,
  patchOf,
  readScope,
} from './follow-up-records';
import { FollowUpErrors } from './follow-up.errors';
import { SaeNotifier } from './sae-notifier';

const SAE_CLOCK_MS = 24 * 3600 * 1000;

function checkAdverseEvent(ae: AdverseEventInput, today: string, field: string): void {
  if (ae.endDate) {
    if (compareDates(ae.endDate, ae.onsetDate) < 0) {
      throw FollowUpErrors.badInput(`${field}.endDate`, 'must not be before onsetDate');
    }
    notAfter(ae.endDate, today, `${field}.endDate`);
  }
  if (ae.serious && (ae.seriousnessCriteria ?? []).length === 0) {
    throw FollowUpErrors.badInput(
      `${field}.seriousnessCriteria`,
      'must name at least one criterion when serious is true',
    );
  }
  if (ae.outcome === 'fatal' && !(ae.seriousnessCriteria ?? []).includes('death')) {
    throw FollowUpErrors.badInput(
      `${field}.seriousnessCriteria`,
      "must include 'death' when the outcome is fatal",
    );
  }
}

/**
 * Adverse events recorded by the sites, at a visit or afterwards, their corrections with reasons,
 * and the SAE 24-hour reporting clock: a serious event notifies the site's investigators at once
 * and its clock stops when an investigator marks it reported to the sponsor.
 */
@Injectable()
export class AdverseEventsService {
  constructor(
    private readonly adverseEvents: AdverseEventsRepository,
    private readonly records: FollowUpRecords,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly saeNotifier: SaeNotifier,
    private readonly random: RandomSource,
    private readonly history: RecordHistory,
  ) {}

  listAdverseEvents(filter: AdverseEventFilter, actor: Actor, page: number, pageSize: number) {
    return this.adverseEvents.list(filter, readScope(actor).sites, page, pageSize);
  }

  async adverseEvent(id: string, actor: Actor): Promise<AdverseEventEntity> {
    const ae = await this.adverseEvents.find(id, readScope(actor).sites);
    if (!ae) {
      throw FollowUpErrors.adverseEventNotFound();
    }
    return ae;
  }

  async adverseEventHistory(id: string, actor: Actor): Promise<RecordVersionDto[]> {
    const ae = await this.adverseEvent(id, actor);
    return this.history.list(ADVERSE_EVENT, ae.id);
  }

  async addAdverseEvents(
    visitId: string,
    dto: AddAdverseEventsDto,
    actor: Actor,
  ): Promise<AdverseEventEntity[]> {
    const ids = await this.tx.run(async (uow) => {
      const visit = await this.records.lockVisit(uow, visitId, actor);
      if (visit.status !== 'logged') {
        throw FollowUpErrors.notLogged();
      }
      const today = await this.records.siteToday(visit.siteId);
      return this.record(uow, contextOf(visit), dto.adverseEvents, today, actor, 'adverseEvents');
    });
    return Promise.all(ids.map((id) => this.adverseEvent(id, actor)));
  }

  async correctAdverseEvent(
    id: string,
    dto: CorrectAdverseEventDto,
    actor: Actor,
  ): Promise<AdverseEventEntity> {
    await this.tx.run(async (uow) => {
      const ae = await this.lockAdverseEvent(uow, id, actor);
      await this.records.checkStale(uow, ADVERSE_EVENT, ae.id, ae.version, dto.expectedVersion);
      const before = this.auditedAe(ae);
      const patch = patchOf(dto, ['reason', 'expectedVersion']);
      if (Array.isArray(patch.seriousnessCriteria)) {
        patch.seriousnessCriteria = [...new Set(patch.seriousnessCriteria)];
      }
      const result = applyPatch(before as unknown as JsonRecord, patch, [], () =>
        this.random.uuid(),
      );
      if (result.problems.length > 0) {
        throw validationFailed(result.problems);
      }
      if (result.changes.length === 0) {
        return;
      }
      const a = result.after as unknown as Partial<AdverseEventInput>;
      const next: AdverseEventInput = {
        term: a.term ?? ae.term,
        onsetDate: a.onsetDate ?? ae.onsetDate,
        endDate: a.endDate ?? null,
        severity: a.severity ?? ae.severity,
        serious: a.serious ?? ae.serious,
        seriousnessCriteria: a.seriousnessCriteria ?? [],
        outcome: a.outcome ?? ae.outcome,
      };
      const today = await this.records.siteToday(ae.siteId);
      checkAdverseEvent(next, today, 'adverseEvent');
      const now = this.clock.now();
      const becameSerious = next.serious && !ae.serious && ae.awareAt === null;
      const clock = becameSerious
        ? { awareAt: now, reportDueAt: new Date(now.getTime() + SAE_CLOCK_MS) }
        : { awareAt: ae.awareAt, reportDueAt: ae.reportDueAt };
      await this.records.keepOriginal(uow, ADVERSE_EVENT, ae.id, ae.version, before, ae.createdAt);
      await this.adverseEvents.update(ae.id, next, clock, now, uow.em);
      const changes = diffRecord(before, next);
      uow.version({
        entity: ADVERSE_EVENT,
        entityId: ae.id,
        version: ae.version + 1,
        data: next,
        changes,
        reason: dto.reason,
      });
      uow.audit({
        action: 'follow-up.adverse_event_corrected',
        entity: 'adverse_event',
        entityId: ae.id,
        ...auditOf(changes),
        reason: dto.reason,
      });
      if (next.serious && !ae.serious && clock.awareAt && clock.reportDueAt) {
        await this.saeNotifier.notify(uow, {
          id: ae.id,
          context: {
            participantId: ae.participantId,
            siteId: ae.siteId,
            studyId: ae.studyId,
            visitId: ae.visitId,
            visitCode: ae.visitCode,
          },
          onsetDate: next.onsetDate,
          criteria: next.seriousnessCriteria ?? [],
          awareAt: clock.awareAt,
          reportDueAt: clock.reportDueAt,
        });
      }
    });
    return this.adverseEvent(id, actor);
  }

  /** The investigator marks an SAE reported to the sponsor: the 24-hour clock stops. */
  async markSaeReported(
    id: string,
    dto: MarkSaeReportedDto,
    actor: Actor,
  ): Promise<AdverseEventEntity> {
    await this.tx.run(async (uow) => {
      const ae = await this.lockAdverseEvent(uow, id, actor);
      if (!ae.serious || ae.awareAt === null) {
        throw FollowUpErrors.notSerious();
      }
      if (ae.reportedAt !== null) {
        throw FollowUpErrors.alreadyReported();
      }
      const now = this.clock.now();
      const reportedAt = dto.reportedAt ? new Date(dto.reportedAt) : now;
      if (reportedAt.getTime() > now.getTime()) {
        throw FollowUpErrors.badInput('reportedAt', 'must not be in the future');
      }
      if (reportedAt.getTime() < new Date(ae.awareAt).getTime()) {
        throw FollowUpErrors.badInput(
          'reportedAt',
          'must not be before the site became aware of the event',
        );
      }
      await this.adverseEvents.markReported(
        ae.id,
        { reportedAt, reference: dto.reference, by: actor.id },
        now,
        uow.em,
      );
      uow.audit({
        action: 'follow-up.sae_reported',
        entity: 'adverse_event',
        entityId: ae.id,
        before: { reportedAt: null },
        after: {
          reportedAt: reportedAt.toISOString(),
          reference: dto.reference,
          dueAt: new Date(ae.reportDueAt ?? now).toISOString(),
        },
      });
    });
    return this.adverseEvent(id, actor);
  }

  /** Records adverse events in the caller's transaction, starting the SAE clock of the serious ones. */
  async record(
    uow: UnitOfWork,
    context: AdverseEventContext,
    list: AdverseEventDto[],
    today: string,
    actor: Actor,
    field: string,
  ): Promise<string[]> {
    const ids: string[] = [];
    const now = this.clock.now();
    for (const [i, dto] of list.entries()) {
      const input: AdverseEventInput = {
        term: dto.term,
        onsetDate: dto.onsetDate,
        endDate: dto.endDate ?? null,
        severity: dto.severity,
        serious: dto.serious,
        seriousnessCriteria: dto.serious ? [...new Set(dto.seriousnessCriteria ?? [])] : [],
        outcome: dto.outcome,
      };
      checkAdverseEvent(input, today, `${field}.${i}`);
      const clock = dto.serious
        ? { awareAt: now, reportDueAt: new Date(now.getTime() + SAE_CLOCK_MS) }
        : { awareAt: null, reportDueAt: null };
      const id = await this.adverseEvents.insert(
        {
          ...input,
          participantId: context.participantId,
          siteId: context.siteId,
          visitId: context.visitId,
          recordedBy: actor.id,
        },
        clock,
        now,
        uow.em,
      );
      uow.audit({
        action: 'follow-up.adverse_event_recorded',
        entity: 'adverse_event',
        entityId: id,
        after: { ...input, visitId: context.visitId },
      });
      uow.version({ entity: ADVERSE_EVENT, entityId: id, version: 0, data: input });
      if (clock.awareAt && clock.reportDueAt) {
        await this.saeNotifier.notify(uow, {
          id,
          context,
          onsetDate: input.onsetDate,
          criteria: input.seriousnessCriteria ?? [],
          awareAt: clock.awareAt,
          reportDueAt: clock.reportDueAt,
        });
      }
      ids.push(id);
    }
    return ids;
  }

  private async lockAdverseEvent(
    uow: UnitOfWork,
    id: string,
    actor: Actor,
  ): Promise<AdverseEventEntity> {
    const ae = await this.adverseEvents.find(id, readScope(actor).sites, uow.em, true);
    if (!ae) {
      throw FollowUpErrors.adverseEventNotFound();
    }
    return ae;
  }

  private auditedAe(ae: AdverseEventEntity): AdverseEventInput {
    return {
      term: ae.term,
      onsetDate: ae.onsetDate,
      endDate: ae.endDate,
      severity: ae.severity,
      serious: ae.serious,
      seriousnessCriteria: ae.seriousnessCriteria,
      outcome: ae.outcome,
    };
  }
}
