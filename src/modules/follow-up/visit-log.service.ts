import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import type { Actor } from '../../common/context/request-context';
import { TransactionRunner, UnitOfWork } from '../../database/transaction';
import { siteScope } from '../auth/site-scope';
import { NotificationsService } from '../notifications/notifications.service';
import { UsersService } from '../users/users.service';
import { compareDates } from '../../common/time/calendar-date';
import { todayInZone } from './calendar/sweep-rules';
import { visitDeviation } from './calendar/deviation';
import type { AddAdverseEventsDto, AdverseEventDto, CorrectAdverseEventDto, CorrectVisitLogDto, LogVisitDto, MarkSaeReportedDto, UnscheduledVisitDto } from './dto/visit-log.dto';
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

type Context = { participantId: string; siteId: string; studyId: string | null; visitId: string | null; visitCode: string | null };

function siteDataOf(dto: {
  relapseAssessment: LogVisitDto['relapseAssessment'];
  samples?: LogVisitDto['samples'];
  questionnaires?: LogVisitDto['questionnaires'];
  notes?: string | null;
}): SiteVisitData {
  const data: SiteVisitData = {
    relapseAssessment: {
      newRelapse: dto.relapseAssessment.newRelapse,
      relapses: (dto.relapseAssessment.relapses ?? []).map((r) => ({
        onsetDate: r.onsetDate,
        steroidTreated: r.steroidTreated,
        ...(r.description ? { description: r.description } : {}),
      })),
    },
    samples: (dto.samples ?? []).map((s) => ({ type: s.type, taken: s.taken, ...(s.note ? { note: s.note } : {}) })),
    questionnaires: (dto.questionnaires ?? []).map((q) => ({ instrument: q.instrument, done: q.done })),
  };
  if (dto.notes) data.notes = dto.notes;
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
  ) {}

  // ---- reads -----------------------------------------------------------------------------

  async participantVisits(participantId: string, actor: Actor): Promise<VisitEntity[]> {
    const scope = readScope(actor);
    const participant = await this.visits.findParticipant(participantId, scope.sites);
    if (!participant) throw FollowUpErrors.participantNotFound();
    return this.visits.visitsOf(participantId, undefined, scope);
  }

  async visit(id: string, actor: Actor): Promise<VisitEntity> {
    const visit = await this.visits.findVisit(id, readScope(actor));
    if (!visit) throw FollowUpErrors.visitNotFound();
    return visit;
  }

  async visitWithDetails(id: string, actor: Actor): Promise<LogOutcome> {
    const visit = await this.visit(id, actor);
    const deviation = await this.visits.findDeviationOf(visit.id);
    const { items } = isBlinded(actor)
      ? { items: [] as AdverseEventEntity[] }
      : await this.adverseEvents.list({ participantId: visit.participantId }, siteScope(actor), 1, 200);
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
    if (!ae) throw FollowUpErrors.adverseEventNotFound();
    return ae;
  }

  // ---- site staff: logging ---------------------------------------------------------------

  async logVisit(id: string, dto: LogVisitDto, actor: Actor): Promise<LogOutcome> {
    const { visitId, aeIds } = await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      if (visit.status === 'cancelled') throw FollowUpErrors.visitCancelled();
      if (visit.status === 'logged') throw FollowUpErrors.alreadyLogged();
      this.checkVersion(visit, dto.expectedVersion);
      const today = await this.siteToday(visit.siteId);
      this.checkSiteData(dto, today);
      const siteData = siteDataOf(dto);
      const now = this.clock.now();
      await this.visits.logVisit(visit.id, { loggedDate: dto.visitDate, siteData, loggedBy: actor.id }, now, uow.em);
      uow.audit({
        action: 'follow-up.visit_logged',
        entity: 'visit',
        entityId: visit.id,
        before: { status: visit.status, version: visit.version },
        after: { status: 'logged', code: visit.code, loggedDate: dto.visitDate, siteData },
      });
      await this.applyDeviation(uow, visit, dto.visitDate, null);
      const aeIds = await this.recordAdverseEvents(uow, this.contextOf(visit), dto.adverseEvents ?? [], today, actor, 'adverseEvents');
      return { visitId: visit.id, aeIds };
    });
    return this.outcome(visitId, aeIds, actor);
  }

  async correctLog(id: string, dto: CorrectVisitLogDto, actor: Actor): Promise<LogOutcome> {
    const given = ['visitDate', 'relapseAssessment', 'samples', 'questionnaires', 'notes'].filter(
      (k) => (dto as unknown as Record<string, unknown>)[k] !== undefined,
    );
    if (given.length === 0) throw FollowUpErrors.badInput('visitDate', 'or another field to correct must be given');
    const visitId = await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      if (visit.status !== 'logged' || visit.loggedDate === null || visit.siteData === null) throw FollowUpErrors.notLogged();
      this.checkVersion(visit, dto.expectedVersion);
      const today = await this.siteToday(visit.siteId);
      const before = { loggedDate: visit.loggedDate, siteData: visit.siteData };
      const merged = siteDataOf({
        relapseAssessment: dto.relapseAssessment ?? visit.siteData.relapseAssessment,
        samples: dto.samples ?? visit.siteData.samples,
        questionnaires: dto.questionnaires ?? visit.siteData.questionnaires,
        notes: dto.notes === undefined ? visit.siteData.notes : dto.notes,
      });
      const loggedDate = dto.visitDate ?? visit.loggedDate;
      this.checkSiteData({ visitDate: loggedDate, relapseAssessment: merged.relapseAssessment }, today);
      await this.visits.correctLog(visit.id, { loggedDate, siteData: merged }, this.clock.now(), uow.em);
      uow.audit({
        action: 'follow-up.visit_corrected',
        entity: 'visit',
        entityId: visit.id,
        before,
        after: { loggedDate, siteData: merged },
        reason: dto.reason,
      });
      if (loggedDate !== visit.loggedDate) await this.applyDeviation(uow, visit, loggedDate, dto.reason);
      return visit.id;
    });
    return this.outcome(visitId, [], actor);
  }

  async logUnscheduled(participantId: string, dto: UnscheduledVisitDto, actor: Actor): Promise<LogOutcome> {
    const { visitId, aeIds } = await this.tx.run(async (uow) => {
      const participant = await this.visits.findParticipant(participantId, siteScope(actor), uow.em);
      if (!participant) throw FollowUpErrors.participantNotFound();
      const facts = await this.visits.allocationFacts(participantId, uow.em);
      if (!facts) throw FollowUpErrors.notRandomised();
      const schedule = await this.visits.findSchedule(participantId, uow.em);
      if (schedule?.status === 'cancelled') throw FollowUpErrors.scheduleCancelled();
      const today = await this.siteToday(participant.siteId);
      this.checkSiteData(dto, today);
      const siteData = siteDataOf(dto);
      const code = await this.visits.nextUnscheduledCode(participantId, uow.em);
      const id = await this.visits.insertUnscheduled(
        { participantId, siteId: participant.siteId, code, visitDate: dto.visitDate, reason: dto.reason, siteData, loggedBy: actor.id },
        this.clock.now(),
        uow.em,
      );
      uow.audit({
        action: 'follow-up.unscheduled_visit_logged',
        entity: 'visit',
        entityId: id,
        after: { participantId, code, visitDate: dto.visitDate, reason: dto.reason, siteData },
      });
      const context: Context = { participantId, siteId: participant.siteId, studyId: participant.studyId, visitId: id, visitCode: code };
      const aeIds = await this.recordAdverseEvents(uow, context, dto.adverseEvents ?? [], today, actor, 'adverseEvents');
      return { visitId: id, aeIds };
    });
    return this.outcome(visitId, aeIds, actor);
  }

  async addAdverseEvents(visitId: string, dto: AddAdverseEventsDto, actor: Actor): Promise<AdverseEventEntity[]> {
    const ids = await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, visitId, actor);
      if (visit.status !== 'logged') throw FollowUpErrors.notLogged();
      const today = await this.siteToday(visit.siteId);
      return this.recordAdverseEvents(uow, this.contextOf(visit), dto.adverseEvents, today, actor, 'adverseEvents');
    });
    return Promise.all(ids.map((id) => this.adverseEvent(id, actor)));
  }

  async correctAdverseEvent(id: string, dto: CorrectAdverseEventDto, actor: Actor): Promise<AdverseEventEntity> {
    await this.tx.run(async (uow) => {
      const ae = await this.adverseEvents.find(id, siteScope(actor), uow.em, true);
      if (!ae) throw FollowUpErrors.adverseEventNotFound();
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== ae.version) throw FollowUpErrors.versionMismatch(ae.version);
      const next: AdverseEventInput = {
        term: dto.term ?? ae.term,
        onsetDate: dto.onsetDate ?? ae.onsetDate,
        endDate: dto.endDate === undefined ? ae.endDate : dto.endDate,
        severity: dto.severity ?? ae.severity,
        serious: dto.serious ?? ae.serious,
        seriousnessCriteria: dto.seriousnessCriteria ?? ae.seriousnessCriteria,
        outcome: dto.outcome ?? ae.outcome,
      };
      const today = await this.siteToday(ae.siteId);
      this.checkAdverseEvent(next, today, 'adverseEvent');
      const now = this.clock.now();
      const becameSerious = next.serious && !ae.serious && ae.awareAt === null;
      const clock = becameSerious
        ? { awareAt: now, reportDueAt: new Date(now.getTime() + SAE_CLOCK_MS) }
        : { awareAt: ae.awareAt, reportDueAt: ae.reportDueAt };
      await this.adverseEvents.update(ae.id, next, clock, now, uow.em);
      uow.audit({
        action: 'follow-up.adverse_event_corrected',
        entity: 'adverse_event',
        entityId: ae.id,
        before: this.auditedAe(ae),
        after: { ...next, seriousnessCriteria: next.serious ? next.seriousnessCriteria : [] },
        reason: dto.reason,
      });
      if (next.serious && !ae.serious && clock.awareAt && clock.reportDueAt) {
        await this.notifySae(uow, {
          id: ae.id,
          context: { participantId: ae.participantId, siteId: ae.siteId, studyId: ae.studyId, visitId: ae.visitId, visitCode: ae.visitCode },
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
  async markSaeReported(id: string, dto: MarkSaeReportedDto, actor: Actor): Promise<AdverseEventEntity> {
    await this.tx.run(async (uow) => {
      const ae = await this.adverseEvents.find(id, siteScope(actor), uow.em, true);
      if (!ae) throw FollowUpErrors.adverseEventNotFound();
      if (!ae.serious || ae.awareAt === null) throw FollowUpErrors.notSerious();
      if (ae.reportedAt !== null) throw FollowUpErrors.alreadyReported();
      const now = this.clock.now();
      const reportedAt = dto.reportedAt ? new Date(dto.reportedAt) : now;
      if (reportedAt.getTime() > now.getTime()) throw FollowUpErrors.badInput('reportedAt', 'must not be in the future');
      if (reportedAt.getTime() < new Date(ae.awareAt).getTime()) {
        throw FollowUpErrors.badInput('reportedAt', 'must not be before the site became aware of the event');
      }
      await this.adverseEvents.markReported(ae.id, { reportedAt, reference: dto.reference, by: actor.id }, now, uow.em);
      uow.audit({
        action: 'follow-up.sae_reported',
        entity: 'adverse_event',
        entityId: ae.id,
        before: { reportedAt: null },
        after: { reportedAt: reportedAt.toISOString(), reference: dto.reference, dueAt: new Date(ae.reportDueAt ?? now).toISOString() },
      });
    });
    return this.adverseEvent(id, actor);
  }

  // ---- blinded assessor ------------------------------------------------------------------

  async recordAssessment(id: string, dto: RecordAssessmentDto, actor: Actor): Promise<VisitEntity> {
    if (!dto.edss && !dto.mri) throw FollowUpErrors.nothingToRecord();
    await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      if (visit.status === 'cancelled') throw FollowUpErrors.visitCancelled();
      const today = await this.siteToday(visit.siteId);
      const now = this.clock.now();
      if (dto.edss) {
        if (visit.edssScore !== null) throw FollowUpErrors.assessmentExists('edss');
        this.notAfter(dto.edss.assessedOn, today, 'edss.assessedOn');
        const edss = { score: dto.edss.score, date: dto.edss.assessedOn, rater: dto.edss.rater };
        await this.visits.setEdss(visit.id, edss, actor.id, now, uow.em);
        uow.audit({ action: 'follow-up.edss_recorded', entity: 'visit', entityId: visit.id, before: null, after: edss });
      }
      if (dto.mri) {
        if (visit.mriDate !== null) throw FollowUpErrors.assessmentExists('mri');
        const mri = this.checkMri(dto.mri, today);
        await this.visits.setMri(visit.id, mri, actor.id, now, uow.em);
        uow.audit({ action: 'follow-up.mri_recorded', entity: 'visit', entityId: visit.id, before: null, after: mri });
      }
    });
    return this.visit(id, actor);
  }

  async correctAssessment(id: string, dto: CorrectAssessmentDto, actor: Actor): Promise<VisitEntity> {
    if (!dto.edss && !dto.mri) throw FollowUpErrors.nothingToRecord();
    await this.tx.run(async (uow) => {
      const visit = await this.lockVisit(uow, id, actor);
      const today = await this.siteToday(visit.siteId);
      const now = this.clock.now();
      if (dto.edss) {
        if (visit.edssScore === null) throw FollowUpErrors.assessmentMissing('edss');
        this.notAfter(dto.edss.assessedOn, today, 'edss.assessedOn');
        const edss = { score: dto.edss.score, date: dto.edss.assessedOn, rater: dto.edss.rater };
        await this.visits.setEdss(visit.id, edss, actor.id, now, uow.em);
        uow.audit({
          action: 'follow-up.edss_corrected',
          entity: 'visit',
          entityId: visit.id,
          before: { score: visit.edssScore, date: visit.edssDate, rater: visit.edssRater },
          after: edss,
          reason: dto.reason,
        });
      }
      if (dto.mri) {
        if (visit.mriDate === null) throw FollowUpErrors.assessmentMissing('mri');
        const mri = this.checkMri(dto.mri, today);
        await this.visits.setMri(visit.id, mri, actor.id, now, uow.em);
        uow.audit({
          action: 'follow-up.mri_corrected',
          entity: 'visit',
          entityId: visit.id,
          before: {
            date: visit.mriDate,
            gdLesions: visit.mriGdLesions,
            newOrEnlargingT2: visit.mriNewT2Lesions,
            comparedWith: visit.mriComparedWith,
          },
          after: mri,
          reason: dto.reason,
        });
      }
    });
    return this.visit(id, actor);
  }

  // ---- internals -------------------------------------------------------------------------

  private async lockVisit(uow: UnitOfWork, id: string, actor: Actor): Promise<VisitEntity> {
    const visit = await this.visits.findVisit(id, readScope(actor), uow.em, true);
    if (!visit) throw FollowUpErrors.visitNotFound();
    return visit;
  }

  private checkVersion(visit: VisitEntity, expected: number | undefined): void {
    if (expected !== undefined && expected !== visit.version) throw FollowUpErrors.versionMismatch(visit.version);
  }

  private async siteToday(siteId: string): Promise<string> {
    const site = await this.visits.findSite(siteId, null);
    if (!site) throw FollowUpErrors.siteNotFound();
    return todayInZone(this.clock.now(), site.timeZone);
  }

  private notAfter(date: string, today: string, field: string): void {
    if (compareDates(date, today) > 0) throw FollowUpErrors.badInput(field, `must not be after today (${today}, site calendar)`);
  }

  private checkSiteData(
    dto: { visitDate: string; relapseAssessment: { newRelapse: boolean; relapses?: { onsetDate: string }[] } },
    today: string,
  ): void {
    this.notAfter(dto.visitDate, today, 'visitDate');
    const relapses = dto.relapseAssessment.relapses ?? [];
    if (!dto.relapseAssessment.newRelapse && relapses.length > 0) {
      throw FollowUpErrors.badInput('relapseAssessment.relapses', 'must be empty when newRelapse is false');
    }
    relapses.forEach((r, i) => {
      if (compareDates(r.onsetDate, dto.visitDate) > 0) {
        throw FollowUpErrors.badInput(`relapseAssessment.relapses.${i}.onsetDate`, 'must not be after the visit date');
      }
    });
  }

  private checkAdverseEvent(ae: AdverseEventInput, today: string, field: string): void {
    this.notAfter(ae.onsetDate, today, `${field}.onsetDate`);
    if (ae.endDate) {
      if (compareDates(ae.endDate, ae.onsetDate) < 0) throw FollowUpErrors.badInput(`${field}.endDate`, 'must not be before onsetDate');
      this.notAfter(ae.endDate, today, `${field}.endDate`);
    }
    if (ae.serious && (ae.seriousnessCriteria ?? []).length === 0) {
      throw FollowUpErrors.badInput(`${field}.seriousnessCriteria`, 'must name at least one criterion when serious is true');
    }
    if (ae.outcome === 'fatal' && !(ae.seriousnessCriteria ?? []).includes('death')) {
      throw FollowUpErrors.badInput(`${field}.seriousnessCriteria`, "must include 'death' when the outcome is fatal");
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
    return { date: mri.examDate, gdLesions: mri.gdLesions, newOrEnlargingT2: mri.newOrEnlargingT2, comparedWith: mri.comparedWith };
  }

  private contextOf(visit: VisitEntity): Context {
    return { participantId: visit.participantId, siteId: visit.siteId, studyId: visit.studyId, visitId: visit.id, visitCode: visit.code };
  }

  /** Records a visit date against its window: a deviation outside it, none (voiding an earlier one) inside. */
  private async applyDeviation(uow: UnitOfWork, visit: VisitEntity, visitDate: string, reason: string | null): Promise<void> {
    if (visit.kind === 'unscheduled') return;
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
      uow.audit({ action: 'follow-up.deviation_recorded', entity: 'protocol_deviation', entityId: id, after, reason });
    } else {
      const voided = await this.visits.voidDeviation(visit.id, reason ?? 'visit date inside the window', now, uow.em);
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
        { ...input, participantId: context.participantId, siteId: context.siteId, visitId: context.visitId, recordedBy: actor.id },
        clock,
        now,
        uow.em,
      );
      uow.audit({ action: 'follow-up.adverse_event_recorded', entity: 'adverse_event', entityId: id, after: { ...input, visitId: context.visitId } });
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
    sae: { id: string; context: Context; onsetDate: string; criteria: readonly string[]; awareAt: Date; reportDueAt: Date },
  ): Promise<void> {
    const staff = (await this.users.staffOfSite(sae.context.siteId, null)).filter((u) => !u.roles.includes('blinded_assessor'));
    const investigators = staff.filter((u) => u.roles.includes('investigator'));
    const recipients = investigators.length > 0 ? investigators : staff.filter((u) => u.roles.includes('coordinator'));
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
