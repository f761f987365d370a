import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { InterventionReceipts } from 'src/modules/randomization/intervention-receipts.api';
import type { BookingRow, CentreRow } from './booking.entity';
import { BookingEngineService } from './booking-engine.service';
import { runBookingTransaction } from './booking-transaction';
import { BookingsService } from './bookings.service';
import type { BookingResponseDto, ReviewBookingDto } from './dto/booking.dto';
import { SchedulingErrors } from './scheduling.errors';
import { toBookingResponse } from './scheduling.mapper';
import { SchedulingRepository } from './scheduling.repository';
import { BOOKING_ENTITY } from './treatment-plan.service';

/**
 * The waiting-time review of a booking beyond the limit: accept the wait, refer to another
 * transplant centre (a new booking there, the place here freed for move-up), or a second-line drug
 * instead (the transplant not done). Both centres are locked in a fixed order.
 */
@Injectable()
export class BookingReviewService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly engine: BookingEngineService,
    private readonly bookings: BookingsService,
    private readonly receipts: InterventionReceipts,
  ) {}

  /** Records the one outcome of a waiting-time review. */
  async review(
    id: string,
    dto: ReviewBookingDto,
    actor: Actor,
  ): Promise<{
    booking: BookingResponseDto;
    referral: BookingResponseDto | null;
    movedUp: string[];
  }> {
    if (dto.outcome === 'refer' && !dto.centreId) {
      throw SchedulingErrors.badInput('centreId is required when outcome is refer');
    }
    if (dto.outcome !== 'refer' && dto.centreId) {
      throw SchedulingErrors.badInput('centreId is only allowed when outcome is refer');
    }
    const found = await this.repo.findBooking(id, siteScope(actor));
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    const settings = await this.engine.settings();
    let target: CentreRow | null = null;
    if (dto.outcome === 'refer') {
      target = await this.repo.findCentre(dto.centreId as string);
      if (!target?.isCentre) {
        throw SchedulingErrors.notACentre('centreId');
      }
      if (target.id === found.centreId) {
        throw SchedulingErrors.sameCentre();
      }
    }
    const result = await runBookingTransaction(this.tx, async (uow) => {
      // Lock both centres in a fixed order so two referrals in opposite directions cannot deadlock.
      const lockIds = [found.centreId, ...(target ? [target.id] : [])].sort();
      const locked = new Map<string, CentreRow>();
      for (const cid of lockIds) {
        const c = await this.repo.lockCentre(cid, uow.em);
        if (c) {
          locked.set(cid, c);
        }
      }
      const centre = locked.get(found.centreId);
      const b = await this.repo.findBooking(id, null, uow.em, true);
      if (!b || !centre) {
        throw SchedulingErrors.bookingNotFound();
      }
      if (b.reviewStatus !== 'pending') {
        throw SchedulingErrors.reviewNotPending(b.reviewStatus);
      }
      if (b.status !== 'booked' && b.status !== 'waitlisted') {
        throw SchedulingErrors.notActive(b.status);
      }
      const now = this.clock.now();
      const reviewed = { reviewReason: dto.reason, reviewedBy: actor.id, reviewedAt: now };
      const held = b.status === 'booked' && b.quarter !== null ? b.quarter : null;
      uow.audit({
        action: 'scheduling.review_recorded',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: {
          reviewStatus: b.reviewStatus,
          status: b.status,
          quarter: b.quarter,
          plannedAdmissionDate: b.plannedAdmissionDate,
        },
        after: { outcome: dto.outcome, referredToCentreId: target?.id ?? null },
        reason: dto.reason,
      });
      if (dto.outcome === 'accept_wait') {
        await this.repo.updateBooking(b.id, { ...reviewed, reviewStatus: 'accepted' }, now, uow.em);
        return { referralId: null, movedUp: [] as string[] };
      }
      if (dto.outcome === 'second_line') {
        await this.repo.updateBooking(
          b.id,
          {
            ...reviewed,
            reviewStatus: 'second_line',
            status: 'not_done',
            notReceivedCode: 'second_line_started',
            notReceivedReason: dto.reason,
            endedReason: `Second-line drug started instead of aHSCT: ${dto.reason}`,
            endedAt: now,
          },
          now,
          uow.em,
        );
        uow.audit({
          action: 'scheduling.intervention_not_received',
          entity: BOOKING_ENTITY,
          entityId: b.id,
          before: { status: b.status },
          after: {
            status: 'not_done',
            notReceivedCode: 'second_line_started',
            participantId: b.participantId,
          },
          reason: dto.reason,
        });
        await this.receipts.record(
          uow,
          b.participantId,
          { received: false, reasonCode: 'started_second_line_instead', note: dto.reason },
          'transplant booking review: second-line drug started instead',
        );
        return {
          referralId: null,
          movedUp: held ? await this.engine.freeAndMoveUp(uow, centre, held, now, null) : [],
        };
      }
      const to = locked.get((target as CentreRow).id) as CentreRow;
      await this.repo.updateBooking(
        b.id,
        {
          ...reviewed,
          reviewStatus: 'referred',
          status: 'cancelled',
          endedReason: `Referred to ${to.label}: ${dto.reason}`,
          endedAt: now,
        },
        now,
        uow.em,
      );
      const referralId = await this.engine.place(uow, b, to, settings, now, b.id);
      await this.repo.updateBooking(b.id, { referredToId: referralId }, now, uow.em);
      uow.audit({
        action: 'scheduling.booking_referred',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: { centreId: b.centreId, status: b.status, quarter: b.quarter },
        after: { centreId: to.id, referralBookingId: referralId },
        reason: dto.reason,
      });
      return {
        referralId,
        movedUp: held ? await this.engine.freeAndMoveUp(uow, centre, held, now, null) : [],
      };
    });
    return {
      booking: await this.bookings.get(id, actor),
      referral: result.referralId
        ? toBookingResponse((await this.repo.findBooking(result.referralId, null)) as BookingRow)
        : null,
      movedUp: result.movedUp,
    };
  }
}
