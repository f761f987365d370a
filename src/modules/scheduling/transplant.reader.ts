import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid } from 'src/common/validation/canonical-uuid.pipe';
import { buildPlan } from './calendar/arm-a-plan';
import type { BookingResponseDto } from './dto/booking.dto';
import { toBookingResponse, toPlanResponse } from './scheduling.mapper';
import { SchedulingRepository } from './scheduling.repository';

/** What other modules may read of the transplant bookings and the arm-A treatment plans. */
@Injectable()
export class TransplantReader {
  constructor(private readonly repo: SchedulingRepository) {}

  /**
   * For exports, through the export's snapshot transaction: each participant's current booking
   * (the live one, else the most recent) with its plan and phases, in the API shape. Arm A only,
   * and arm-revealing as a whole: a blinded export must not ask for it.
   */
  async forExport(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<Map<string, BookingResponseDto>> {
    const bookings = await this.repo.exportBookings(em, participantIds);
    const planned = bookings.filter((b) => b.plannedAdmissionDate !== null);
    const records = await this.repo.phaseRecords(
      planned.map((b) => b.id),
      em,
    );
    const out = new Map<string, BookingResponseDto>();
    for (const b of bookings) {
      const plan =
        b.plannedAdmissionDate === null
          ? null
          : toPlanResponse(
              buildPlan(b.plannedAdmissionDate, b.planConfig),
              records.filter((r) => r.bookingId === b.id),
            );
      out.set(b.participantId, toBookingResponse(b, plan));
    }
    return out;
  }

  /**
   * For an archival export's audit trail: the ids of every booking (live or ended) of a page of
   * participants, with the participant each belongs to (audit rows about a booking and its
   * recorded phases name the booking's id).
   */
  async bookingOwners(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<Map<string, string>> {
    const rows = await this.repo.exportBookingIds(em, participantIds);
    return new Map(rows.map((r) => [r.id, r.participantId]));
  }

  /**
   * For the audit trail: the participant of each transplant booking that belongs to one of `participantIds`
   * or has one of `recordIds` as its id (ids that are not uuids are ignored).
   */
  async bookingsOf(
    participantIds: readonly string[],
    recordIds: readonly string[],
  ): Promise<Map<string, string>> {
    const rows = await this.repo.bookingOwners(participantIds, recordIds.filter(isUuid));
    return new Map(rows.map((r) => [r.id, r.participantId]));
  }
}
