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
import { startOfDateInZone } from 'src/common/time/calendar-date';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import type {
  AddAdverseEventsDto,
  AdverseEventDto,
  CorrectAdverseEventDto,
  MarkSaeReportedDto,
} from './dto/visit-log.dto';
import type {
  AdverseEventEntity,
  AdverseEventInput,
  AeIntervention,
  InterventionAssessment,
} from './entities/adverse-event.entity';
import {
  type AdverseEventClocks,
  AdverseEventsRepository,
  type AdverseEventFilter,
} from './adverse-events.repository';
import { FollowUpSettings } from './follow-up.settings';
import { rsiInForce, type SafetySettings, susarOf } from './safety';
import {
  ADVERSE_EVENT,
  type AdverseEventContext,
  contextOf,
  FollowUpRecords,
  patchOf,
  readScope,
} from './follow-up-records';
import { FollowUpErrors } from './follow-up.errors';
import { SaeNotifier } from './sae-notifier';
import { assertPlausibleDates, type DateFacts } from 'src/common/fields/date-rules';
import { ParticipantDates } from 'src/modules/participants/participant-dates.api';

const SAE_CLOCK_MS = 24 * 3600 * 1000;

/** Causality and expectedness per intervention are part of the event's record: a repeating group keyed by intervention. */
const ASSESSMENT_GROUPS = [{ path: 'assessments', key: 'intervention', generated: false }];

async function checkAdverseEvent(
  ae: AdverseEventInput,
  facts: DateFacts,
  field: string,
): Promise<void> {
  const onset = {
    item: 'adverse_event.onsetDate',
    path: `${field}.onsetDate`,
    value: ae.onsetDate,
  };
  const aware = {
    item: 'adverse_event.awareDate',
    path: `${field}.awareDate`,
    value: ae.awareDate,
  };
  const end = { item: 'adverse_event.endDate', path: `${field}.endDate`, value: ae.endDate };
  await assertPlausibleDates([onset, aware, end], facts, [
    { earlier: onset, later: aware },
    { earlier: onset, later: end },
  ]);
  if (ae.ctcaeGrade === 5 && ae.outcome !== 'fatal') {
    throw FollowUpErrors.badInput(
      `${field}.ctcaeGrade`,
      "5 (death related to the event) requires the outcome 'fatal'",
    );
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
    private readonly settings: FollowUpSettings,
    private readonly dates: ParticipantDates,
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

  /** Records adverse events found between visits (no visit): the participant's site and arm decide the rest. */
  async addBetweenVisits(
    participantId: string,
    dto: AddAdverseEventsDto,
    actor: Actor,
  ): Promise<AdverseEventEntity[]> {
    const ids = await this.tx.run(async (uow) => {
      const facts = await this.adverseEvents.participantFacts(participantId, uow.em);
      const sites = readScope(actor).sites;
      if (!facts || (sites !== null && !sites.includes(facts.siteId))) {
        throw FollowUpErrors.participantNotFound();
      }
      const today = await this.records.siteToday(facts.siteId);
      const context: AdverseEventContext = {
        participantId,
        siteId: facts.siteId,
        studyId: facts.studyId,
        visitId: null,
        visitCode: null,
      };
      return this.record(uow, context, dto.adverseEvents, today, actor, 'adverseEvents');
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
      const result = applyPatch(before as unknown as JsonRecord, patch, ASSESSMENT_GROUPS, () =>
        this.random.uuid(),
      );
      if (result.problems.length > 0) {
        throw validationFailed(result.problems);
      }
      if (result.changes.length === 0) {
        return;
      }
      const a = result.after as unknown as Partial<AdverseEventInput>;
      const site = await this.records.site(ae.siteId);
      const today = site.today;
      const now = this.clock.now();
      const safety = await this.settings.safety();
      const arm = await this.armOf(ae.participantId, uow);
      // A changed expectedness without a named RSI version is judged against the version in force today.
      const rejudged = new Set(
        ((patch.assessments as { change?: JsonRecord[] } | null)?.change ?? [])
          .filter((c) => 'expectedness' in c && !('rsiVersion' in c))
          .map((c) => String(c.intervention)),
      );
      const next: AdverseEventInput = {
        term: a.term ?? ae.term,
        onsetDate: a.onsetDate ?? ae.onsetDate,
        endDate: a.endDate ?? null,
        severity: a.severity ?? ae.severity,
        serious: a.serious ?? ae.serious,
        seriousnessCriteria: a.seriousnessCriteria ?? [],
        outcome: a.outcome ?? ae.outcome,
        meddraCode: a.meddraCode ?? null,
        ctcaeGrade: a.ctcaeGrade ?? null,
        awareDate: a.awareDate ?? ae.awareDate ?? today,
        assessments: normaliseAssessments(
          (a.assessments ?? []).map((x) =>
            rejudged.has(x.intervention) ? { ...x, rsiVersion: null } : x,
          ),
          arm,
          safety,
          today,
          'adverseEvent',
        ),
      };
      const awareNamed = typeof patch.awareDate === 'string' && patch.awareDate !== ae.awareDate;
      let clock: AdverseEventClocks = {
        awareDate: next.awareDate ?? today,
        awareAt: ae.awareAt,
        reportDueAt: ae.reportDueAt,
        susar: false,
        susarDueDate: null,
      };
      if (next.serious && (ae.awareAt === null || awareNamed || !ae.serious)) {
        if (awareNamed) {
          clock = { ...clock, ...saeClock(clock.awareDate, site.timeZone, now, true) };
        } else if (ae.awareAt === null || !ae.serious) {
          // Became serious now and no awareness date was given: the site knows it from today.
          next.awareDate = today;
          clock = { ...clock, awareDate: today, ...saeClock(today, site.timeZone, now, false) };
        }
      }
      await checkAdverseEvent(
        next,
        { ...(await this.dates.facts(ae.participantId, uow.em)), today },
        'adverseEvent',
      );
      const susar = susarOf(next, clock.awareDate, safety);
      clock = { ...clock, susar: susar.susar, susarDueDate: susar.dueDate };
      const upgraded = next.serious && !ae.serious;
      await this.records.keepOriginal(
        uow,
        ADVERSE_EVENT,
        ae.id,
        ae.participantId,
        ae.version,
        before,
        ae.createdAt,
      );
      await this.adverseEvents.update(ae.id, next, clock, now, uow.em);
      const changes = diffRecord(before, next, ASSESSMENT_GROUPS);
      uow.version({
        entity: ADVERSE_EVENT,
        entityId: ae.id,
        participantId: ae.participantId,
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
      if (upgraded && clock.awareAt && clock.reportDueAt) {
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

  /** The investigator marks a SUSAR reported (to the sponsor / EudraVigilance): its 7- or 15-day clock stops. */
  async markSusarReported(
    id: string,
    dto: MarkSaeReportedDto,
    actor: Actor,
  ): Promise<AdverseEventEntity> {
    await this.tx.run(async (uow) => {
      const ae = await this.lockAdverseEvent(uow, id, actor);
      if (!ae.susar) {
        throw FollowUpErrors.notSusar();
      }
      if (ae.susarReportedAt !== null) {
        throw FollowUpErrors.alreadyReported();
      }
      const now = this.clock.now();
      const reportedAt = dto.reportedAt ? new Date(dto.reportedAt) : now;
      if (reportedAt.getTime() > now.getTime()) {
        throw FollowUpErrors.badInput('reportedAt', 'must not be in the future');
      }
      await this.adverseEvents.markSusarReported(
        ae.id,
        { reportedAt, reference: dto.reference, by: actor.id },
        now,
        uow.em,
      );
      uow.audit({
        action: 'follow-up.susar_reported',
        entity: 'adverse_event',
        entityId: ae.id,
        before: { susarReportedAt: null },
        after: {
          susarReportedAt: reportedAt.toISOString(),
          reference: dto.reference,
          dueDate: ae.susarDueDate,
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
    if (list.length === 0) {
      return ids;
    }
    const now = this.clock.now();
    const site = await this.records.site(context.siteId);
    const safety = await this.settings.safety();
    const arm = await this.armOf(context.participantId, uow);
    const facts = { ...(await this.dates.facts(context.participantId, uow.em)), today };
    for (const [i, dto] of list.entries()) {
      const input: AdverseEventInput = {
        term: dto.term,
        onsetDate: dto.onsetDate,
        endDate: dto.endDate ?? null,
        severity: dto.severity,
        serious: dto.serious,
        seriousnessCriteria: dto.serious ? [...new Set(dto.seriousnessCriteria ?? [])] : [],
        outcome: dto.outcome,
        meddraCode: dto.meddraCode ?? null,
        ctcaeGrade: dto.ctcaeGrade ?? null,
        awareDate: dto.awareDate ?? today,
        assessments: normaliseAssessments(
          dto.assessments ?? [],
          arm,
          safety,
          today,
          `${field}.${i}`,
        ),
      };
      await checkAdverseEvent(input, facts, `${field}.${i}`);
      const awareDate = input.awareDate ?? today;
      const susar = susarOf(input, awareDate, safety);
      const clock: AdverseEventClocks = {
        awareDate,
        ...(dto.serious
          ? saeClock(awareDate, site.timeZone, now, dto.awareDate !== undefined)
          : { awareAt: null, reportDueAt: null }),
        susar: susar.susar,
        susarDueDate: susar.dueDate,
      };
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
        after: { ...input, visitId: context.visitId, susar: susar.susar },
      });
      uow.version({
        entity: ADVERSE_EVENT,
        entityId: id,
        participantId: context.participantId,
        version: 0,
        data: input,
      });
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

  private async armOf(participantId: string, uow: UnitOfWork): Promise<'A' | 'B' | null> {
    return (await this.adverseEvents.participantFacts(participantId, uow.em))?.arm ?? null;
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
      meddraCode: ae.meddraCode,
      ctcaeGrade: ae.ctcaeGrade,
      awareDate: ae.awareDate,
      assessments: ae.assessments ?? [],
    };
  }
}

/**
 * The 24-hour SAE clock: from the start of the entered awareness date in the site's zone (the
 * site knew it at the latest that day), or from now when no date was entered (it is known now).
 */
function saeClock(
  awareDate: string,
  zone: string,
  now: Date,
  entered: boolean,
): { awareAt: Date; reportDueAt: Date } {
  const awareAt = entered ? new Date(startOfDateInZone(awareDate, zone)) : now;
  return { awareAt, reportDueAt: new Date(awareAt.getTime() + SAE_CLOCK_MS) };
}

/**
 * The causality and expectedness per intervention, checked against the participant's arm and the
 * configured RSI versions: an expectedness is recorded with the RSI version it was judged against
 * (the one named, which must be configured, or else the one in force today).
 */
function normaliseAssessments(
  list: readonly InterventionAssessment[],
  arm: 'A' | 'B' | null,
  safety: SafetySettings,
  today: string,
  field: string,
): InterventionAssessment[] {
  const allowed: readonly AeIntervention[] = arm ? safety.interventionsByArm[arm] : [];
  const seen = new Set<string>();
  return list.map((a, i) => {
    const at = `${field}.assessments.${i}`;
    if (!allowed.includes(a.intervention)) {
      throw FollowUpErrors.badInput(
        `${at}.intervention`,
        `must be one of the participant's interventions: ${allowed.join(', ') || 'none (not randomised)'}`,
      );
    }
    if (seen.has(a.intervention)) {
      throw FollowUpErrors.badInput(`${at}.intervention`, 'is assessed twice');
    }
    seen.add(a.intervention);
    if (!a.expectedness) {
      if (a.rsiVersion) {
        throw FollowUpErrors.badInput(`${at}.rsiVersion`, 'is only recorded with an expectedness');
      }
      return {
        intervention: a.intervention,
        causality: a.causality,
        expectedness: null,
        expectednessBy: null,
        rsiVersion: null,
      };
    }
    const versions = safety.rsi[a.intervention] ?? [];
    let rsiVersion: string;
    if (a.rsiVersion) {
      if (!versions.some((v) => v.version === a.rsiVersion)) {
        throw FollowUpErrors.badInput(
          `${at}.rsiVersion`,
          `must be a configured RSI version of ${a.intervention}: ${versions.map((v) => v.version).join(', ')}`,
        );
      }
      rsiVersion = a.rsiVersion;
    } else {
      const inForce = rsiInForce(safety, a.intervention, today);
      if (!inForce) {
        throw FollowUpErrors.badInput(
          `${at}.expectedness`,
          `cannot be judged: no reference safety information of ${a.intervention} is in force`,
        );
      }
      rsiVersion = inForce.version;
    }
    return {
      intervention: a.intervention,
      causality: a.causality,
      expectedness: a.expectedness,
      expectednessBy: a.expectednessBy ?? 'investigator',
      rsiVersion,
    };
  });
}
