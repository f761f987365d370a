import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { DomainError } from 'src/common/errors/domain-error';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { parseQuarter, quarterOfInstant, quarterRange } from './calendar/quarters';
import type { CentreRow } from './booking.entity';
import { BookingEngineService } from './booking-engine.service';
import { runBookingTransaction } from './booking-transaction';
import { type CapacityRow, SchedulingRepository } from './scheduling.repository';
import { SchedulingErrors } from './scheduling.errors';

const quarterIndex = (id: string) => {
  const q = parseQuarter(id);
  return q.year * 4 + q.quarter;
};

/**
 * A transplant centre's places per quarter: the centre's default (a site setting) unless a quarter
 * is set on its own. Setting a quarter takes the centre's booking lock, so it never races a
 * booking, and never goes below the places already taken.
 */
@Injectable()
export class CapacityService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly engine: BookingEngineService,
  ) {}

  /** Each quarter from `from` to `to` (default: this quarter in the centre's zone, 8 quarters). */
  async capacity(centreId: string, from?: string, to?: string): Promise<CapacityRow[]> {
    const centre = await this.centre(await this.repo.findCentre(centreId));
    const first = from ?? quarterOfInstant(this.clock.now(), centre.timeZone);
    const count = to ? quarterIndex(to) - quarterIndex(first) + 1 : 8;
    if (count < 1 || count > 40) {
      throw new DomainError(
        'QUARTER_RANGE_INVALID',
        'bad_request',
        'from must not be after to, and the range at most 40 quarters',
      );
    }
    return this.repo.capacities(centreId, quarterRange(first, count));
  }

  /**
   * Sets a quarter's places. Raised: in the same transaction (under the centre lock) the new places
   * go to the longest-waiting participants in randomisation order, each move freeing a later place
   * for the next; so a participant randomised later can never take a new place before them.
   */
  async setCapacity(
    centreId: string,
    quarter: string,
    capacity: number,
    reason?: string,
  ): Promise<CapacityRow & { movedUp: string[] }> {
    const movedUp = await runBookingTransaction(this.tx, async (uow) => {
      const centre = this.centre(await this.repo.lockCentre(centreId, uow.em));
      const [before] = await this.repo.capacities(centreId, [quarter], uow.em);
      const places = await this.repo.placesInQuarter(centreId, quarter, uow.em);
      if (places.length > capacity) {
        throw SchedulingErrors.capacityBelowBookings(quarter, capacity, places);
      }
      await this.repo.setCapacity(centreId, quarter, capacity, this.clock.now(), uow.em);
      uow.audit({
        action: 'site.capacity_set',
        entity: 'site',
        entityId: centreId,
        before: { quarter, capacity: before.capacity },
        after: { quarter, capacity },
        reason,
      });
      if (capacity <= before.capacity) {
        return [] as string[];
      }
      const now = this.clock.now();
      const moved: string[] = [];
      for (let guard = 0; guard < capacity; guard++) {
        const step = await this.engine.freeAndMoveUp(uow, centre, quarter, now, null);
        if (step.length === 0) {
          break;
        }
        moved.push(...step);
      }
      return moved;
    });
    const [row] = await this.repo.capacities(centreId, [quarter]);
    return { ...row, movedUp };
  }

  private centre(c: CentreRow | null): CentreRow {
    if (!c) {
      throw SchedulingErrors.siteNotFound();
    }
    if (!c.isCentre) {
      throw new DomainError(
        'SITE_NOT_TRANSPLANT_CENTRE',
        'bad_request',
        'The site is not a transplant centre',
      );
    }
    return c;
  }
}
