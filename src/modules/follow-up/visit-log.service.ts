import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import {
  applyPatch,
  auditOf,
  diffRecord,
  type FieldChange,
  type GroupSpec,
  type JsonRecord,
  staleVersion,
} from 'src/common/corrections/corrections';
import { validationFailed } from 'src/common/errors/domain-error';
import { RandomSource } from 'src/common/random/random-source';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import type { Actor } from 'src/common/context/request-context';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/modules/auth/site-scope';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { UsersService } from 'src/modules/users/users.service';
import { compareDates } from 'src/common/time/calendar-date';
import { todayInZone } from './calendar/sweep-rules';
import { visitDeviation } from './calendar/deviation';
import type {
  AddAdverseEventsDto,
  AdverseEventDto,
  CorrectAdverseEventDto,
  CorrectVisitLogDto,
  LogVisitDto,
  MarkSaeReportedDto,
  UnscheduledVisitDto,
} from './dto/visit-log.dto';
import type { CorrectAssessmentDto, RecordAssessmentDto } from './dto/assessment.dto';
import type { AdverseEventEntity, AdverseEventInput } from './entities/adverse-event.entity';
import type { DeviationEntity, SiteVisitData, VisitEntity } from './entities/visit.entity';
import { AdverseEventsRepository, type AdverseEventFilter } from './adverse-events.repository';
import { FollowUpErrors } from './follow-up.errors';
import { saeNotice } from './notices';
import { type VisitReadScope, VisitsRepository } from './visits.repository';

const SAE_CLOCK_MS = 24 * 3600 * 1000;

/** An actor acting as blinded assessor reads the blinded view (an account cannot hold it with an arm-revealing role). */
export function isBlinded(actor: Actor): boolean {
  return actor.role === 'blinded_assessor';
}

export function readScope(actor: Actor): VisitReadScope {
  return { sites: siteScope(actor), blinded: isBlinded(actor) };
}

export type LogOutcome = {
  visit: VisitEntity;
  deviation: DeviationEntity | null;
  adverseEvents: AdverseEventEntity[];
};

type Context = {
  participantId: string;
  siteId: string;
  studyId: string | null;
  visitId: string | null;
  visitCode: string | null;
};

/** The repeating groups of a visit log: relapses by their generated id, samples by type, questionnaires by instrument. */
export const VISIT_LOG_GROUPS: GroupSpec[] = [
  { path: 'relapseAssessment.relapses', key: 'id', generated: true },
  { path: 'samples', key: 'type', generated: false },
  { path: 'questionnaires', key: 'instrument', generated: false },
];

/** The correctable record kinds of this module, as named in `record_versions`. */
export const VISIT_LOG = 'visit_log';
export const VISIT_ASSESSMENT = 'visit_assessment';
export const ADVERSE_EVENT = 'adverse_event';

/** A logged visit as one correctable record. */
export type VisitLogRecord = { visitDate: string } & SiteVisitData;

export function visitLogRecord(visit: VisitEntity): VisitLogRecord | null {
  if (visit.loggedDate === null || visit.siteData === null) {
    return null;
  }
  return { visitDate: visit.loggedDate, ...visit.siteData };
}

/** The blinded assessment of a visit as one correctable record. */
export type AssessmentRecord = {
  edss?: { score: number; rater: string | null; assessedOn: string };
  mri?: {
    examDate: string;
    gdLesions: number;
    newOrEnlargingT2: number;
    comparedWith: string | null;
  };
};

export function assessmentRecord(v: VisitEntity): AssessmentRecord {
  return {
    ...(v.edssScore !== null && v.edssDate !== null
      ? { edss: { score: v.edssScore, rater: v.edssRater, assessedOn: v.edssDate } }
      : {}),
    ...(v.mriDate !== null
      ? {
          mri: {
            examDate: v.mriDate,
            gdLesions: v.mriGdLesions ?? 0,
            newOrEnlargingT2: v.mriNewT2Lesions ?? 0,
            comparedWith: v.mriComparedWith,
          },
        }
      : {}),
  };
}

/** A JSON copy of a patch DTO without undefined fields (null stays: it clears). */
const patchOf = (dto: object, omit: readonly string[]): JsonRecord => {
  const out = JSON.parse(JSON.stringify(dto)) as JsonRecord;
  for (const k of omit) {
    delete out[k];
  }
  return out;
};

function siteDataOf(
  dto: {
    relapseAssessment: LogVisitDto['relapseAssessment'];
    samples?: LogVisitDto['samples'];
    questionnaires?: LogVisitDto['questionnaires'];
    notes?: string | null;
  },
  newId: () => string,
): SiteVisitData {
  const data: SiteVisitData = {
    relapseAssessment: {
      newRelapse: dto.relapseAssessment.newRelapse,
      relapses: (dto.relapseAssessment.relapses ?? []).map((r) => ({
        id: newId(),
        onsetDate: r.onsetDate,
        steroidTreated: r.steroidTreated,
        ...(r.description ? { description: r.description } : {}),
      })),
    },
    samples: (dto.samples ?? []).map((s) => ({
      type: s.type,
      taken: s.taken,
      ...(s.note ? { note: s.note } : {}),
    })),
    questionnaires: (dto.questionnaires ?? []).map((q) => ({
      instrument: q.instrument,
      done: q.done,
    })),
  };
  if (dto.notes) {
    data.notes = dto.notes;
  }
  return data;
}

/**
 * Visit logging by the sites (visit date and site data, adverse events with the SAE clock), the
 * blinded assessor's EDSS and MRI reads, unscheduled visits, corrections with reasons, and the
 * protocol deviation of a visit logged outside its window. Every write is audited in its
 * transaction; every read and write is limited to the caller's sites in the query.
 */
@Injectable()
export class VisitLogService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly adverseEvents: AdverseEventsRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly random: RandomSource,
    private readonly history: RecordHistory,
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

  async adverseEventHistory(id: string, actor: Actor): Promise<RecordVersionDto[]> {
    const ae = await this.adverseEvent(id, actor);
    return this.history.list(ADVERSE_EVENT, ae.id);
  }

  /** 409 STALE_VERSION with the fields changed since the version the client read. */
  private async checkStale(
    uow: UnitOfWork,
    entity: string,
    id: string,
    current: number,
    expected: number | undefined,
  ): Promise<void> {
    if (expected === undefined || expected === current) {
      return;
    }
    throw staleVersion(
      current,
      expected,
      await this.history.changesSince(entity, id, expected, uow.em),
    );
  }

  /** Keeps the record's original version before its first correction (records made before versions were kept). */
  private async keepOriginal(
    uow: UnitOfWork,
    entity: string,
    id: string,
    version: number,
    data: unknown,
    at: Date | null,
  ): Promise<void> {
    if (await this.history.has(entity, id, uow.em)) {
      return;
    }
    uow.version({
      entity,
      entityId: id,
      version,
      data,
      by: { actorId: null, actorRole: null, at: at ?? this.clock.now() },
    });
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

  async visit(id: string, actor: Actor): Promise<VisitEntity> {
    const visit = await this.visits.findVisit(id, readScope(actor));
    if (!visit) {
      throw FollowUpErrors.visitNotFound();
    }
    return visit;
  }

  async visitWithDetails(id: string, actor: Actor): Promise<LogOutcome> {
    const visit = await this.visit(id, actor);
    const deviation = await this.visits.findDeviationOf(visit.id);
    const { items } = isBlinded(actor)
      ? { items: [] as AdverseEventEntity[] }
      : await this.adverseEvents.list(
          { participantId: visit.participantId },
          siteScope(actor),
          1,
          200,
        );
    return { visit, deviation, adverseEvents: items.filter((ae) => ae.visitId === visit.id) };
  }

  deviations(
    filter: { siteId?: string; status?: 'open' | 'voided'; participantId?: string },
    actor: Actor,
    page: number,
    pageSize: number,
  ) {
    return this.visits.listDeviations(filter, readScope(actor), page, pageSize);
  }

  listAdverseEvents(filter: AdverseEventFilter, actor: Actor, page: number, pageSize: number) {
    return this.adverseEvents.list(filter, siteScope(actor), page, pageSize);
  }

  async adverseEvent(id: string, actor: Actor): Promise<AdverseEventEntity> {
    const ae = await this.adverseEvents.find(id, siteScope(actor));
    if (!ae) {
      throw FollowUpErrors.adverseEventNotFound();
    }
    return ae;
  }

  // ---- site staff: logging ---------------------------------------------------------------

  async logVisit(id: string, dto: LogVisitDto, actor: Actor): Promise<LogOutcome> {
    const { visitId, aeIds } = await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      if (visit.status === 'cancelled') {
        throw FollowUpErrors.visitCancelled();
      }
      if (visit.status === 'logged') {
        throw FollowUpErrors.alreadyLogged();
      }
      this.checkVersion(visit, dto.expectedVersion);
      const today = await this.siteToday(visit.siteId);
      this.checkSiteData(dto, today);
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
        version: visit.version + 1,
        data: { visitDate: dto.visitDate, ...siteData },
      });
      await this.applyDeviation(uow, visit, dto.visitDate, null);
      const aeIds = await this.recordAdverseEvents(
        uow,
        this.contextOf(visit),
        dto.adverseEvents ?? [],
        today,
        actor,
        'adverseEvents',
      );
      return { visitId: visit.id, aeIds };
    });
    return this.outcome(visitId, aeIds, actor);
  }

  async correctLog(id: string, dto: CorrectVisitLogDto, actor: Actor): Promise<LogOutcome> {
    const visitId = await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
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
      const today = await this.siteToday(visit.siteId);
      this.checkSiteData({ visitDate, relapseAssessment: siteData.relapseAssessment }, today);
      if (
        siteData.relapseAssessment.newRelapse &&
        siteData.relapseAssessment.relapses.length === 0
      ) {
        throw FollowUpErrors.badInput(
          'relapseAssessment.relapses',
          'must list at least one relapse when newRelapse is true',
        );
      }
      await this.keepOriginal(uow, VISIT_LOG, visit.id, visit.version, before, visit.loggedAt);
      await this.visits.correctLog(
        visit.id,
        { loggedDate: visitDate, siteData },
        this.clock.now(),
        uow.em,
      );
      uow.version({
        entity: VISIT_LOG,
        entityId: visit.id,
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
        await this.applyDeviation(uow, visit, visitDate, dto.reason);
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
        siteScope(actor),
        uow.em,
      );
      if (!participant) {
        throw FollowUpErrors.participantNotFound();
      }
      const facts = await this.visits.allocationFacts(participantId, uow.em);
      if (!facts) {
        throw FollowUpErrors.notRandomised();
      }
      const schedule = await this.visits.findSchedule(participantId, uow.em);
      if (schedule?.status === 'cancelled') {
        throw FollowUpErrors.scheduleCancelled();
      }
      const today = await this.siteToday(participant.siteId);
      this.checkSiteData(dto, today);
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
        version: 0,
        data: { visitDate: dto.visitDate, ...siteData },
      });
      const context: Context = {
        participantId,
        siteId: participant.siteId,
        studyId: participant.studyId,
        visitId: id,
        visitCode: code,
      };
      const aeIds = await this.recordAdverseEvents(
        uow,
        context,
        dto.adverseEvents ?? [],
        today,
        actor,
        'adverseEvents',
      );
      return { visitId: id, aeIds };
    });
    return this.outcome(visitId, aeIds, actor);
  }

  async addAdverseEvents(
    visitId: string,
    dto: AddAdverseEventsDto,
    actor: Actor,
  ): Promise<AdverseEventEntity[]> {
    const ids = await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, visitId, actor);
      if (visit.status !== 'logged') {
        throw FollowUpErrors.notLogged();
      }
      const today = await this.siteToday(visit.siteId);
      return this.recordAdverseEvents(
        uow,
        this.contextOf(visit),
        dto.adverseEvents,
        today,
        actor,
        'adverseEvents',
      );
    });
    return Promise.all(ids.map((id) => this.adverseEvent(id, actor)));
  }

  async correctAdverseEvent(
    id: string,
    dto: CorrectAdverseEventDto,
    actor: Actor,
  ): Promise<AdverseEventEntity> {
    await this.tx.run(async (uow) => {
      const ae = await this.adverseEvents.find(id, siteScope(actor), uow.em, true);
      if (!ae) {
        throw FollowUpErrors.adverseEventNotFound();
      }
      await this.checkStale(uow, ADVERSE_EVENT, ae.id, ae.version, dto.expectedVersion);
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
      const today = await this.siteToday(ae.siteId);
      this.checkAdverseEvent(next, today, 'adverseEvent');
      const now = this.clock.now();
      const becameSerious = next.serious && !ae.serious && ae.awareAt === null;
      const clock = becameSerious
        ? { awareAt: now, reportDueAt: new Date(now.getTime() + SAE_CLOCK_MS) }
        : { awareAt: ae.awareAt, reportDueAt: ae.reportDueAt };
      await this.keepOriginal(uow, ADVERSE_EVENT, ae.id, ae.version, before, ae.createdAt);
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
        await this.notifySae(uow, {
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
      const ae = await this.adverseEvents.find(id, siteScope(actor), uow.em, true);
      if (!ae) {
        throw FollowUpErrors.adverseEventNotFound();
      }
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

  // ---- blinded assessor ------------------------------------------------------------------

  async recordAssessment(id: string, dto: RecordAssessmentDto, actor: Actor): Promise<VisitEntity> {
    if (!dto.edss && !dto.mri) {
      throw FollowUpErrors.nothingToRecord();
    }
    await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      if (visit.status === 'cancelled') {
        throw FollowUpErrors.visitCancelled();
      }
      const today = await this.siteToday(visit.siteId);
      const now = this.clock.now();
      if (dto.edss) {
        if (visit.edssScore !== null) {
          throw FollowUpErrors.assessmentExists('edss');
        }
        this.notAfter(dto.edss.assessedOn, today, 'edss.assessedOn');
        const edss = { score: dto.edss.score, date: dto.edss.assessedOn, rater: dto.edss.rater };
        await this.visits.setEdss(visit.id, edss, actor.id, now, uow.em);
        uow.audit({
          action: 'follow-up.edss_recorded',
          entity: 'visit',
          entityId: visit.id,
          before: null,
          after: edss,
        });
      }
      if (dto.mri) {
        if (visit.mriDate !== null) {
          throw FollowUpErrors.assessmentExists('mri');
        }
        const mri = this.checkMri(dto.mri, today);
        await this.visits.setMri(visit.id, mri, actor.id, now, uow.em);
        uow.audit({
          action: 'follow-up.mri_recorded',
          entity: 'visit',
          entityId: visit.id,
          before: null,
          after: mri,
        });
      }
      const recorded = await this.visits.findVisit(visit.id, readScope(actor), uow.em);
      if (recorded) {
        const previous = assessmentRecord(visit);
        const data = assessmentRecord(recorded);
        uow.version({
          entity: VISIT_ASSESSMENT,
          entityId: visit.id,
          version: recorded.version,
          data,
          changes: Object.keys(previous).length > 0 ? diffRecord(previous, data) : [],
        });
      }
    });
    return this.visit(id, actor);
  }

  async correctAssessment(
    id: string,
    dto: CorrectAssessmentDto,
    actor: Actor,
  ): Promise<VisitEntity> {
    if (!dto.edss && !dto.mri) {
      throw FollowUpErrors.nothingToRecord();
    }
    await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      const before = assessmentRecord(visit);
      if (dto.edss && !before.edss) {
        throw FollowUpErrors.assessmentMissing('edss');
      }
      if (dto.mri && !before.mri) {
        throw FollowUpErrors.assessmentMissing('mri');
      }
      await this.checkStale(uow, VISIT_ASSESSMENT, visit.id, visit.version, dto.expectedVersion);
      const result = applyPatch(
        before as JsonRecord,
        patchOf(dto, ['reason', 'expectedVersion']),
        [],
        () => this.random.uuid(),
      );
      if (result.problems.length > 0) {
        throw validationFailed(result.problems);
      }
      if (result.changes.length === 0) {
        return;
      }
      const after = result.after as AssessmentRecord;
      const today = await this.siteToday(visit.siteId);
      const now = this.clock.now();
      await this.keepOriginal(
        uow,
        VISIT_ASSESSMENT,
        visit.id,
        visit.version,
        before,
        visit.updatedAt,
      );
      const touched = (prefix: string) =>
        result.changes.some((c: FieldChange) => c.path.startsWith(prefix));
      if (after.edss && touched('edss.')) {
        this.notAfter(after.edss.assessedOn, today, 'edss.assessedOn');
        await this.visits.setEdss(
          visit.id,
          { score: after.edss.score, date: after.edss.assessedOn, rater: after.edss.rater ?? '' },
          actor.id,
          now,
          uow.em,
        );
      }
      if (after.mri && touched('mri.')) {
        const mri = this.checkMri(
          { ...after.mri, comparedWith: after.mri.comparedWith ?? '' },
          today,
        );
        await this.visits.setMri(visit.id, mri, actor.id, now, uow.em);
      }
      // setEdss and setMri each add one to the visit's version.
      const version = visit.version + (touched('edss.') ? 1 : 0) + (touched('mri.') ? 1 : 0);
      uow.version({
        entity: VISIT_ASSESSMENT,
        entityId: visit.id,
        version,
        data: after,
        changes: result.changes,
        reason: dto.reason,
      });
      uow.audit({
        action: 'follow-up.assessment_corrected',
        entity: 'visit',
        entityId: visit.id,
        ...auditOf(result.changes),
        reason: dto.reason,
      });
    });
    return this.visit(id, actor);
  }

  // ---- internals -------------------------------------------------------------------------

  private async lockVisit(uow: UnitOfWork, id: string, actor: Actor): Promise<VisitEntity> {
    const visit = await this.visits.findVisit(id, readScope(actor), uow.em, true);
    if (!visit) {
      throw FollowUpErrors.visitNotFound();
    }
    return visit;
  }

  private checkVersion(visit: VisitEntity, expected: number | undefined): void {
    if (expected !== undefined && expected !== visit.version) {
      throw FollowUpErrors.versionMismatch(visit.version);
    }
  }

  private async siteToday(siteId: string): Promise<string> {
    const site = await this.visits.findSite(siteId, null);
    if (!site) {
      throw FollowUpErrors.siteNotFound();
    }
    return todayInZone(this.clock.now(), site.timeZone);
  }

  private notAfter(date: string, today: string, field: string): void {
    if (compareDates(date, today) > 0) {
      throw FollowUpErrors.badInput(field, `must not be after today (${today}, site calendar)`);
    }
  }

  private checkSiteData(
    dto: {
      visitDate: string;
      relapseAssessment: { newRelapse: boolean; relapses?: { onsetDate: string }[] };
    },
    today: string,
  ): void {
    this.notAfter(dto.visitDate, today, 'visitDate');
    const relapses = dto.relapseAssessment.relapses ?? [];
    if (!dto.relapseAssessment.newRelapse && relapses.length > 0) {
      throw FollowUpErrors.badInput(
        'relapseAssessment.relapses',
        'must be empty when newRelapse is false',
      );
    }
    relapses.forEach((r, i) => {
      if (compareDates(r.onsetDate, dto.visitDate) > 0) {
        throw FollowUpErrors.badInput(
          `relapseAssessment.relapses.${i}.onsetDate`,
          'must not be after the visit date',
        );
      }
    });
  }

  private checkAdverseEvent(ae: AdverseEventInput, today: string, field: string): void {
    this.notAfter(ae.onsetDate, today, `${field}.onsetDate`);
    if (ae.endDate) {
      if (compareDates(ae.endDate, ae.onsetDate) < 0) {
        throw FollowUpErrors.badInput(`${field}.endDate`, 'must not be before onsetDate');
      }
      this.notAfter(ae.endDate, today, `${field}.endDate`);
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

  private checkMri(
    mri: { examDate: string; gdLesions: number; newOrEnlargingT2: number; comparedWith: string },
    today: string,
  ): { date: string; gdLesions: number; newOrEnlargingT2: number; comparedWith: string } {
    this.notAfter(mri.examDate, today, 'mri.examDate');
    if (compareDates(mri.comparedWith, mri.examDate) >= 0) {
      throw FollowUpErrors.badInput('mri.comparedWith', 'must be an exam before examDate');
    }
    return {
      date: mri.examDate,
      gdLesions: mri.gdLesions,
      newOrEnlargingT2: mri.newOrEnlargingT2,
      comparedWith: mri.comparedWith,
    };
  }

  private contextOf(visit: VisitEntity): Context {
    return {
      participantId: visit.participantId,
      siteId: visit.siteId,
      studyId: visit.studyId,
      visitId: visit.id,
      visitCode: visit.code,
    };
  }

  /** Records a visit date against its window: a deviation outside it, none (voiding an earlier one) inside. */
  private async applyDeviation(
    uow: UnitOfWork,
    visit: VisitEntity,
    visitDate: string,
    reason: string | null,
  ): Promise<void> {
    if (visit.kind === 'unscheduled') {
      return;
    }
    const now = this.clock.now();
    const deviation = visitDeviation(visitDate, visit);
    if (deviation) {
      const after = {
        visitId: visit.id,
        participantId: visit.participantId,
        siteId: visit.siteId,
        visitCode: visit.code,
        visitDate,
        windowStart: visit.windowStart,
        windowEnd: visit.windowEnd,
        daysOutside: deviation.daysOutside,
        direction: deviation.direction,
      };
      const id = await this.visits.upsertDeviation(after, now, uow.em);
      uow.audit({
        action: 'follow-up.deviation_recorded',
        entity: 'protocol_deviation',
        entityId: id,
        after,
        reason,
      });
    } else {
      const voided = await this.visits.voidDeviation(
        visit.id,
        reason ?? 'visit date inside the window',
        now,
        uow.em,
      );
      if (voided) {
        uow.audit({
          action: 'follow-up.deviation_voided',
          entity: 'protocol_deviation',
          entityId: voided,
          before: { status: 'open' },
          after: { status: 'voided', visitDate },
          reason,
        });
      }
    }
  }

  private async recordAdverseEvents(
    uow: UnitOfWork,
    context: Context,
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
      this.checkAdverseEvent(input, today, `${field}.${i}`);
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
        await this.notifySae(uow, {
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

  /**
   * An SAE notifies the site's investigators at once: the inbox rows commit with the event itself
   * (no queue in between), and their e-mails go through the outbox. Coordinators are told when the
   * site has no investigator account. Blinded assessors are never told.
   */
  private async notifySae(
    uow: UnitOfWork,
    sae: {
      id: string;
      context: Context;
      onsetDate: string;
      criteria: readonly string[];
      awareAt: Date;
      reportDueAt: Date;
    },
  ): Promise<void> {
    const staff = (await this.users.staffOfSite(sae.context.siteId, null)).filter(
      (u) => !u.roles.includes('blinded_assessor'),
    );
    const investigators = staff.filter((u) => u.roles.includes('investigator'));
    const recipients =
      investigators.length > 0
        ? investigators
        : staff.filter((u) => u.roles.includes('coordinator'));
    const site = await this.visits.findSite(sae.context.siteId, null);
    const notice = saeNotice({
      adverseEventId: sae.id,
      participantId: sae.context.participantId,
      studyId: sae.context.studyId,
      siteLabel: site?.label ?? 'site',
      visitCode: sae.context.visitCode,
      onsetDate: sae.onsetDate,
      criteria: sae.criteria,
      awareAt: sae.awareAt,
      reportDueAt: sae.reportDueAt,
    });
    await this.notifications.deliverIn(
      uow,
      recipients.map((u) => ({
        userId: u.id,
        kind: 'follow-up.sae',
        subject: notice.subject,
        body: notice.body,
        data: notice.data,
        dedupeKey: `follow-up.sae:${sae.id}`,
      })),
    );
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

  private async outcome(visitId: string, aeIds: string[], actor: Actor): Promise<LogOutcome> {
    const visit = await this.visit(visitId, actor);
    const deviation = await this.visits.findDeviationOf(visitId);
    const adverseEvents = await Promise.all(aeIds.map((id) => this.adverseEvent(id, actor)));
    return { visit, deviation, adverseEvents };
  }
}
