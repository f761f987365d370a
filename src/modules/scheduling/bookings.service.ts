import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { compareDates, dateInZone } from 'src/common/time/calendar-date';
import { type Page, pageOf } from 'src/common/validation/page';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { InterventionReceipts } from 'src/modules/randomization/intervention-receipts.api';
import { quarterOfDate } from './calendar/quarters';
import type { BookingRow, CentreRow } from './booking.entity';
import { BookingEngineService } from './booking-engine.service';
import { runBookingTransaction } from './booking-transaction';
import type {
  BookingResponseDto,
  CancelBookingDto,
  ListBookingsQueryDto,
  MoveAdmissionDto,
} from './dto/booking.dto';
import { flagForReview } from './scheduling-notices';
import { SchedulingErrors } from './scheduling.errors';
import { auditedBooking, toBookingResponse } from './scheduling.mapper';
import { type BookingChanges, SchedulingRepository, type Scope } from './scheduling.repository';
import { assessWait } from './slot-rules';
import { TransplantFacts } from './transplant-facts.api';
import { BOOKING_ENTITY, TreatmentPlanService } from './treatment-plan.service';

/**
 * The booking use cases of the HTTP API: book on request, read and list bookings, move the planned
 * admission, cancel (freeing the place for move-up), and fill a centre's free places. The booking
 * engine does the placing; every write runs under the centre's booking lock.
 */
@Injectable()
export class BookingsService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly engine: BookingEngineService,
    private readonly facts: TransplantFacts,
    private readonly plans: TreatmentPlanService,
    private readonly receipts: InterventionReceipts,
  ) {}

  async readinessForActor(siteId: string, actor: Actor): Promise<string | null> {
    if (!(await this.repo.siteWithCentre(siteId, siteScope(actor)))) {
      throw SchedulingErrors.siteNotFound();
    }
    return this.facts.armAReadinessWarning(siteId);
  }

  async book(participantId: string, actor: Actor): Promise<BookingResponseDto> {
    if (!(await this.repo.participantInScope(participantId, siteScope(actor)))) {
      throw SchedulingErrors.participantNotFound();
    }
    const alloc = await this.repo.allocationOf(participantId);
    if (!alloc) {
      throw SchedulingErrors.notAllocated();
    }
    if (alloc.arm !== 'A') {
      throw SchedulingErrors.notArmA();
    }
    const id = await this.engine.bookForParticipant(participantId, { rebook: true });
    const booking = id ? await this.repo.findBooking(id, null) : null;
    if (!booking) {
      throw SchedulingErrors.notArmA();
    }
    return this.withPlan(booking);
  }

  async get(id: string, actor: Actor): Promise<BookingResponseDto> {
    const b = await this.repo.findBooking(id, siteScope(actor));
    if (!b) {
      throw SchedulingErrors.bookingNotFound();
    }
    return this.withPlan(b);
  }

  async ofParticipant(participantId: string, actor: Actor): Promise<BookingResponseDto[]> {
    const scope = siteScope(actor);
    if (!(await this.repo.participantInScope(participantId, scope))) {
      throw SchedulingErrors.participantNotFound();
    }
    const rows = await this.repo.bookingsOfParticipant(participantId, scope);
    const plans = await this.plans.plansFor(rows);
    return rows.map((b) => toBookingResponse(b, plans.get(b.id) ?? null));
  }

  async list(query: ListBookingsQueryDto, actor: Actor): Promise<Page<BookingResponseDto>> {
    const { page, pageSize } = pageOf(query);
    const { items, total } = await this.repo.listBookings(
      {
        centreId: query.centreId,
        siteId: query.siteId,
        status: query.status,
        quarter: query.quarter,
        reviewStatus: query.reviewStatus,
      },
      siteScope(actor),
      page,
      pageSize,
    );
    return { items: items.map((b) => toBookingResponse(b)), total, page, pageSize };
  }

  /** The centre sets or moves the planned admission date; another quarter needs a free place there. */
  async moveAdmission(
    id: string,
    dto: MoveAdmissionDto,
    actor: Actor,
  ): Promise<{ booking: BookingResponseDto; movedUp: string[] }> {
    const scope = siteScope(actor);
    const found = await this.repo.findBooking(id, scope);
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    this.assertCentreStaff(found, scope);
    const movedUp = await runBookingTransaction(this.tx, async (uow) => {
      const { centre, booking: b } = await this.lockBooking(uow, found);
      if (b.status !== 'booked' && b.status !== 'waitlisted') {
        throw SchedulingErrors.notActive(b.status);
      }
      if (b.transplantDay0) {
        throw SchedulingErrors.transplanted();
      }
      const now = this.clock.now();
      const today = dateInZone(now, centre.timeZone);
      const date = dto.plannedAdmissionDate;
      if (compareDates(date, b.earliestAdmissionDate) < 0) {
        throw SchedulingErrors.badInput(
          `plannedAdmissionDate must not be before the earliest admission ${b.earliestAdmissionDate} (randomisation + lead time)`,
        );
      }
      if (compareDates(date, today) < 0) {
        throw SchedulingErrors.badInput(
          `plannedAdmissionDate must not be in the past (today is ${today} at the centre)`,
        );
      }
      const target = quarterOfDate(date);
      const sameQuarter = b.status === 'booked' && b.quarter === target;
      if (!sameQuarter) {
        const [usage] = await this.repo.quarterUsage(centre.id, [target], uow.em);
        if (usage.used >= usage.capacity) {
          throw SchedulingErrors.quarterFull(target);
        }
      }
      const changes: BookingChanges = {
        status: 'booked',
        quarter: target,
        plannedAdmissionDate: date,
      };
      const { exceedsLimit } = assessWait(b.randomisationDate, date, b.waitLimitMonths);
      const flag =
        exceedsLimit && (b.reviewStatus === 'not_required' || b.reviewStatus === 'resolved');
      if (flag) {
        Object.assign(changes, { reviewStatus: 'pending', flaggedAt: now });
      }
      if (!exceedsLimit && b.reviewStatus === 'pending') {
        changes.reviewStatus = 'resolved';
      }
      await this.repo.updateBooking(b.id, changes, now, uow.em);
      uow.audit({
        action: 'scheduling.admission_moved',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: {
          status: b.status,
          quarter: b.quarter,
          plannedAdmissionDate: b.plannedAdmissionDate,
          reviewStatus: b.reviewStatus,
        },
        after: {
          status: 'booked',
          quarter: target,
          plannedAdmissionDate: date,
          reviewStatus: changes.reviewStatus ?? b.reviewStatus,
        },
        reason: dto.reason,
      });
      if (flag) {
        flagForReview(uow, b.id, b.version + 1, {
          quarter: target,
          plannedAdmissionDate: date,
        });
      }
      const freed =
        b.status === 'booked' && b.quarter !== null && b.quarter !== target ? b.quarter : null;
      return freed ? this.engine.freeAndMoveUp(uow, centre, freed, now, b.id) : [];
    });
    return { booking: await this.get(id, actor), movedUp };
  }

  /** Cancels a booking (postponed, withdrawn…) or ends it for good (`final`: transplant not done). */
  async cancel(
    id: string,
    dto: CancelBookingDto,
    actor: Actor,
  ): Promise<{ booking: BookingResponseDto; movedUp: string[] }> {
    const found = await this.repo.findBooking(id, siteScope(actor));
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    const movedUp = await runBookingTransaction(this.tx, async (uow) => {
      const { centre, booking: b } = await this.lockBooking(uow, found);
      if (b.status !== 'booked' && b.status !== 'waitlisted') {
        throw SchedulingErrors.notActive(b.status);
      }
      if (b.transplantDay0) {
        throw SchedulingErrors.transplanted();
      }
      const now = this.clock.now();
      const final = dto.final === true;
      const changes: BookingChanges = {
        status: final ? 'not_done' : 'cancelled',
        endedReason: dto.reason,
        endedAt: now,
        ...(final
          ? { notReceivedCode: 'transplant_not_done' as const, notReceivedReason: dto.reason }
          : {}),
        ...(b.reviewStatus === 'pending' ? { reviewStatus: 'resolved' as const } : {}),
      };
      await this.repo.updateBooking(b.id, changes, now, uow.em);
      uow.audit({
        action: final ? 'scheduling.booking_not_done' : 'scheduling.booking_cancelled',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: auditedBooking(b),
        after: { status: changes.status, notReceivedCode: changes.notReceivedCode ?? null },
        reason: dto.reason,
      });
      if (final) {
        await this.receipts.record(
          uow,
          b.participantId,
          { received: false, reasonCode: 'transplant_not_done', note: dto.reason },
          'transplant recorded as not done',
        );
      }
      return b.status === 'booked' && b.quarter
        ? this.engine.freeAndMoveUp(uow, centre, b.quarter, now, null)
        : [];
    });
    return { booking: await this.get(id, actor), movedUp };
  }

  /** Offers every free place of the centre's horizon to the longest-waiting participants. */
  async fill(centreId: string, actor: Actor): Promise<string[]> {
    const scope = siteScope(actor);
    const visible = await this.repo.visibleCentre(centreId, scope);
    if (!visible) {
      throw SchedulingErrors.centreNotFound();
    }
    if (scope !== null && !scope.includes(centreId)) {
      throw SchedulingErrors.centreOnly();
    }
    await this.engine.settings();
    return runBookingTransaction(this.tx, async (uow) => {
      const centre = await this.repo.lockCentre(centreId, uow.em);
      if (!centre) {
        throw SchedulingErrors.centreNotFound();
      }
      return this.engine.fillCentre(uow, centre, this.clock.now());
    });
  }

  /** Locks the booking's centre, then the booking itself (always in this order). */
  private async lockBooking(
    uow: UnitOfWork,
    found: BookingRow,
  ): Promise<{ centre: CentreRow; booking: BookingRow }> {
    const centre = await this.repo.lockCentre(found.centreId, uow.em);
    const booking = await this.repo.findBooking(found.id, null, uow.em, true);
    if (!centre || !booking) {
      throw SchedulingErrors.bookingNotFound();
    }
    return { centre, booking };
  }

  private assertCentreStaff(b: BookingRow, scope: Scope): void {
    if (scope !== null && !scope.includes(b.centreId)) {
      throw SchedulingErrors.centreOnly();
    }
  }

  private async withPlan(b: BookingRow): Promise<BookingResponseDto> {
    const plans = await this.plans.plansFor([b]);
    return toBookingResponse(b, plans.get(b.id) ?? null);
  }
}
