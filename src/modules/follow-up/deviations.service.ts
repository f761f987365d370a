import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { visitDeviation } from './calendar/deviation';
import type { VisitEntity } from './entities/visit.entity';
import { readScope } from './follow-up-records';
import { VisitsRepository } from './visits.repository';

/** Protocol deviations: a scheduled visit logged outside its window, recorded or voided as its date is logged and corrected. */
@Injectable()
export class DeviationsService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly clock: Clock,
  ) {}

  list(
    filter: { siteId?: string; status?: 'open' | 'voided'; participantId?: string },
    actor: Actor,
    page: number,
    pageSize: number,
  ) {
    return this.visits.listDeviations(filter, readScope(actor), page, pageSize);
  }

  /** Records a visit date against its window: a deviation outside it, none (voiding an earlier one) inside. */
  async apply(
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
}
