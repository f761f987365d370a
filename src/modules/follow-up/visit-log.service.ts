import { validationFailed } from 'src/common/errors/domain-error';
import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import {
  applyPatch,
  auditOf,
  type GroupSpec,
  staleVersion,
} from 'src/common/corrections/corrections';
import type { Actor } from 'src/common/context/request-context';
import { RandomSource } from 'src/common/random/random-source';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import type { CorrectVisitLogDto, LogVisitDto, UnscheduledVisitDto } from './dto/visit-log.dto';
import type { AdverseEventEntity } from './entities/adverse-event.entity';
import type { DeviationEntity, SiteVisitData, VisitEntity } from './entities/visit.entity';
import { AdverseEventsService } from './adverse-events.service';
import { DeviationsService } from './deviations.service';
import {
  type AdverseEventContext,
  contextOf,
  FollowUpRecords,
  isBlinded,
  patchOf,
  readScope,
  VISIT_ASSESSMENT,
  VISIT_LOG,
} from './follow-up-records';
import { FollowUpErrors } from './follow-up.errors';
import { checkSiteData, siteDataOf } from './site-data';
import { ParticipantDates } from 'src/modules/participants/participant-dates.api';
import { VisitsRepository } from './visits.repository';

export type LogOutcome = {
  visit: VisitEntity;
  deviation: DeviationEntity | null;
  adverseEvents: AdverseEventEntity[];
};

/** The repeating groups of a visit log: relapses by their generated id, samples by type, questionnaires by instrument. */
export const VISIT_LOG_GROUPS: GroupSpec[] = [
  { path: 'relapseAssessment.relapses', key: 'id', generated: true },
  { path: 'samples', key: 'type', generated: false },
  { path: 'questionnaires', key: 'instrument', generated: false },
];

/** A logged visit as one correctable record. */
export type VisitLogRecord = { visitDate: string } & SiteVisitData;

export function visitLogRecord(visit: VisitEntity): VisitLogRecord | null {
  if (visit.loggedDate === null || visit.siteData === null) {
    return null;
  }
  return { visitDate: visit.loggedDate, ...visit.siteData };
}

/**
 * Visit logging by the sites: the visit date and site data of a scheduled or unscheduled visit
 * (with the adverse events reported at it), corrections with reasons, and the protocol deviation
 * of a visit logged outside its window; visit reads and their kept versions. Every write is
 * audited in its transaction; every read and write is limited to the caller's sites in the query.
 */
@Injectable()
export class VisitLogService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly records: FollowUpRecords,
    private readonly adverseEvents: AdverseEventsService,
    private readonly deviations: DeviationsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly history: RecordHistory,
    private readonly dates: ParticipantDates,
  ) {}

  /** The kept versions of a visit's log (site readers) or of its blinded assessment, newest first. */
  async visitHistory(
    id: string,
    actor: Actor,
  ): Promise<{ log: RecordVersionDto[]; assessment: RecordVersionDto[] }> {
    const visit = await this.visit(id, actor);
    return {
      log: isBlinded(actor) ? [] : await this.history.list(VISIT_LOG, visit.id),
      assessment: await this.history.list(VISIT_ASSESSMENT, visit.id),
    };
  }

  // ---- reads -----------------------------------------------------------------------------

  async participantVisits(participantId: string, actor: Actor): Promise<VisitEntity[]> {
    const scope = readScope(actor);
    const participant = await this.visits.findParticipant(participantId, scope.sites);
    if (!participant) {
      throw FollowUpErrors.participantNotFound();
    }
    return this.visits.visitsOf(participantId, undefined, scope);
  }

  visit(id: string, actor: Actor): Promise<VisitEntity> {
    return this.records.visit(id, actor);
  }

  async visitWithDetails(id: string, actor: Actor): Promise<LogOutcome> {
    const visit = await this.visit(id, actor);
    const deviation = await this.visits.findDeviationOf(visit.id);
    const { items } = isBlinded(actor)
      ? { items: [] as AdverseEventEntity[] }
      : await this.adverseEvents.listAdverseEvents(
          { participantId: visit.participantId },
          actor,
          1,
          200,
        );
    return { visit, deviation, adverseEvents: items.filter((ae) => ae.visitId === visit.id) };
  }

  // ---- site staff: logging ---------------------------------------------------------------

  async logVisit(id: string, dto: LogVisitDto, actor: Actor): Promise<LogOutcome> {
    const { visitId, aeIds } = await this.tx.run(async (uow) => {
      const visit = await this.records.lockVisit(uow, id, actor);
      if (visit.status === 'cancelled') {
        throw FollowUpErrors.visitCancelled();
      }
      if (visit.status === 'logged') {
        throw FollowUpErrors.alreadyLogged();
      }
      this.checkVersion(visit, dto.expectedVersion);
      const facts = await this.dates.facts(visit.participantId, uow.em);
      await checkSiteData(dto, facts);
      const siteData = siteDataOf(dto, () => this.random.uuid());
      const now = this.clock.now();
      await this.visits.logVisit(
        visit.id,
        { loggedDate: dto.visitDate, siteData, loggedBy: actor.id },
        now,
        uow.em,
      );
      uow.audit({
        action: 'follow-up.visit_logged',
        entity: 'visit',
        entityId: visit.id,
        before: { status: visit.status, version: visit.version },
        after: { status: 'logged', code: visit.code, loggedDate: dto.visitDate, siteData },
      });
      uow.version({
        entity: VISIT_LOG,
        entityId: visit.id,
        participantId: visit.participantId,
        version: visit.version + 1,
        data: { visitDate: dto.visitDate, ...siteData },
      });
      await this.deviations.apply(uow, visit, dto.visitDate, null);
      const aeIds = await this.adverseEvents.record(
        uow,
        contextOf(visit),
        dto.adverseEvents ?? [],
        facts.today,
        actor,
        'adverseEvents',
      );
      return { visitId: visit.id, aeIds };
    });
    return this.outcome(visitId, aeIds, actor);
  }

  async correctLog(id: string, dto: CorrectVisitLogDto, actor: Actor): Promise<LogOutcome> {
    const visitId = await this.tx.run(async (uow) => {
      const visit = await this.records.lockVisit(uow, id, actor);
      const before = visitLogRecord(visit);
      if (visit.status !== 'logged' || before === null) {
        throw FollowUpErrors.notLogged();
      }
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== visit.version) {
        // The visit's version also moves with the blinded assessment, which site staff may see.
        const log = await this.history.changesSince(
          VISIT_LOG,
          visit.id,
          dto.expectedVersion,
          uow.em,
        );
        const assessment = await this.history.changesSince(
          VISIT_ASSESSMENT,
          visit.id,
          dto.expectedVersion,
          uow.em,
        );
        throw staleVersion(visit.version, dto.expectedVersion, [
          ...log,
          ...assessment.map((c) => ({ ...c, path: `assessment.${c.path}` })),
        ]);
      }
      const result = applyPatch(
        before,
        patchOf(dto, ['reason', 'expectedVersion']),
        VISIT_LOG_GROUPS,
        () => this.random.uuid(),
      );
      if (result.problems.length > 0) {
        throw validationFailed(result.problems);
      }
      if (result.changes.length === 0) {
        return visit.id;
      }
      const { visitDate, ...siteData } = result.after;
      await checkSiteData(
        { visitDate, relapseAssessment: siteData.relapseAssessment },
        await this.dates.facts(visit.participantId, uow.em),
      );
      if (
        siteData.relapseAssessment.newRelapse &&
        siteData.relapseAssessment.relapses.length === 0
      ) {
        throw FollowUpErrors.badInput(
          'relapseAssessment.relapses',
          'must list at least one relapse when newRelapse is true',
        );
      }
      await this.records.keepOriginal(
        uow,
        VISIT_LOG,
        visit.id,
        visit.participantId,
        visit.version,
        before,
        visit.loggedAt,
      );
      await this.visits.correctLog(
        visit.id,
        { loggedDate: visitDate, siteData },
        this.clock.now(),
        uow.em,
      );
      uow.version({
        entity: VISIT_LOG,
        entityId: visit.id,
        participantId: visit.participantId,
        version: visit.version + 1,
        data: result.after,
        changes: result.changes,
        reason: dto.reason,
      });
      uow.audit({
        action: 'follow-up.visit_corrected',
        entity: 'visit',
        entityId: visit.id,
        ...auditOf(result.changes),
        reason: dto.reason,
      });
      if (visitDate !== visit.loggedDate) {
        await this.deviations.apply(uow, visit, visitDate, dto.reason);
      }
      return visit.id;
    });
    return this.outcome(visitId, [], actor);
  }

  async logUnscheduled(
    participantId: string,
    dto: UnscheduledVisitDto,
    actor: Actor,
  ): Promise<LogOutcome> {
    const { visitId, aeIds } = await this.tx.run(async (uow) => {
      const participant = await this.visits.findParticipant(
        participantId,
        readScope(actor).sites,
        uow.em,
      );
      if (!participant) {
        throw FollowUpErrors.participantNotFound();
      }
      const allocation = await this.visits.allocationFacts(participantId, uow.em);
      if (!allocation) {
        throw FollowUpErrors.notRandomised();
      }
      const schedule = await this.visits.findSchedule(participantId, uow.em);
      if (schedule?.status === 'cancelled') {
        throw FollowUpErrors.scheduleCancelled();
      }
      const facts = await this.dates.facts(participantId, uow.em);
      await checkSiteData(dto, facts);
      const siteData = siteDataOf(dto, () => this.random.uuid());
      const code = await this.visits.nextUnscheduledCode(participantId, uow.em);
      const id = await this.visits.insertUnscheduled(
        {
          participantId,
          siteId: participant.siteId,
          code,
          visitDate: dto.visitDate,
          reason: dto.reason,
          siteData,
          loggedBy: actor.id,
        },
        this.clock.now(),
        uow.em,
      );
      uow.audit({
        action: 'follow-up.unscheduled_visit_logged',
        entity: 'visit',
        entityId: id,
        after: { participantId, code, visitDate: dto.visitDate, reason: dto.reason, siteData },
      });
      uow.version({
        entity: VISIT_LOG,
        entityId: id,
        participantId,
        version: 0,
        data: { visitDate: dto.visitDate, ...siteData },
      });
      const context: AdverseEventContext = {
        participantId,
        siteId: participant.siteId,
        studyId: participant.studyId,
        visitId: id,
        visitCode: code,
      };
      const aeIds = await this.adverseEvents.record(
        uow,
        context,
        dto.adverseEvents ?? [],
        facts.today,
        actor,
        'adverseEvents',
      );
      return { visitId: id, aeIds };
    });
    return this.outcome(visitId, aeIds, actor);
  }

  // ---- internals -------------------------------------------------------------------------

  private checkVersion(visit: VisitEntity, expected: number | undefined): void {
    if (expected !== undefined && expected !== visit.version) {
      throw FollowUpErrors.versionMismatch(visit.version);
    }
  }

  private async outcome(visitId: string, aeIds: string[], actor: Actor): Promise<LogOutcome> {
    const visit = await this.visit(visitId, actor);
    const deviation = await this.visits.findDeviationOf(visitId);
    const adverseEvents = await Promise.all(
      aeIds.map((id) => this.adverseEvents.adverseEvent(id, actor)),
    );
    return { visit, deviation, adverseEvents };
  }
}
