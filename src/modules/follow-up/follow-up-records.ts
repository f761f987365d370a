import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { type JsonRecord, staleVersion } from 'src/common/corrections/corrections';
import type { Actor } from 'src/common/context/request-context';
import { compareDates } from 'src/common/time/calendar-date';
import { RecordHistory } from 'src/kernel/record-history';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/common/context/site-scope';
import { todayInZone } from './calendar/sweep-rules';
import type { VisitEntity } from './entities/visit.entity';
import { FollowUpErrors } from './follow-up.errors';
import { type VisitReadScope, VisitsRepository } from './visits.repository';

/** An actor acting as blinded assessor reads the blinded view (an account cannot hold it with an arm-revealing role). */
export function isBlinded(actor: Actor): boolean {
  return actor.role === 'blinded_assessor';
}

export function readScope(actor: Actor): VisitReadScope {
  return { sites: siteScope(actor), blinded: isBlinded(actor) };
}

/** The correctable record kinds of this module, as named in `record_versions`. */
export const VISIT_LOG = 'visit_log';
export const VISIT_ASSESSMENT = 'visit_assessment';
export const ADVERSE_EVENT = 'adverse_event';

/** Where an adverse event was recorded: its participant, site and (for one logged at a visit) visit. */
export type AdverseEventContext = {
  participantId: string;
  siteId: string;
  studyId: string | null;
  visitId: string | null;
  visitCode: string | null;
};

export function contextOf(visit: VisitEntity): AdverseEventContext {
  return {
    participantId: visit.participantId,
    siteId: visit.siteId,
    studyId: visit.studyId,
    visitId: visit.id,
    visitCode: visit.code,
  };
}

/** A JSON copy of a patch DTO without undefined fields (null stays: it clears). */
export const patchOf = (dto: object, omit: readonly string[]): JsonRecord => {
  const out = JSON.parse(JSON.stringify(dto)) as JsonRecord;
  for (const k of omit) {
    delete out[k];
  }
  return out;
};

/** A date recorded by a site must not lie after the site's today. */
export function notAfter(date: string, today: string, field: string): void {
  if (compareDates(date, today) > 0) {
    throw FollowUpErrors.badInput(field, `must not be after today (${today}, site calendar)`);
  }
}

/**
 * What the visit log, adverse events and assessments share: a visit read or locked within the
 * caller's sites, the site's calendar day, and the kept versions of a correctable record.
 */
@Injectable()
export class FollowUpRecords {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly history: RecordHistory,
    private readonly clock: Clock,
  ) {}

  async visit(id: string, actor: Actor): Promise<VisitEntity> {
    const visit = await this.visits.findVisit(id, readScope(actor));
    if (!visit) {
      throw FollowUpErrors.visitNotFound();
    }
    return visit;
  }

  async lockVisit(uow: UnitOfWork, id: string, actor: Actor): Promise<VisitEntity> {
    const visit = await this.visits.findVisit(id, readScope(actor), uow.em, true);
    if (!visit) {
      throw FollowUpErrors.visitNotFound();
    }
    return visit;
  }

  /** The site's zone and its calendar day now. */
  async site(siteId: string): Promise<{ timeZone: string; today: string }> {
    const site = await this.visits.findSite(siteId, null);
    if (!site) {
      throw FollowUpErrors.siteNotFound();
    }
    return { timeZone: site.timeZone, today: todayInZone(this.clock.now(), site.timeZone) };
  }

  async siteToday(siteId: string): Promise<string> {
    const site = await this.visits.findSite(siteId, null);
    if (!site) {
      throw FollowUpErrors.siteNotFound();
    }
    return todayInZone(this.clock.now(), site.timeZone);
  }

  /** 409 STALE_VERSION with the fields changed since the version the client read. */
  async checkStale(
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
  async keepOriginal(
    uow: UnitOfWork,
    entity: string,
    id: string,
    participantId: string,
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
      participantId,
      version,
      data,
      by: { actorId: null, actorRole: null, at: at ?? this.clock.now() },
    });
  }
}
