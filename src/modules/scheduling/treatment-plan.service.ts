import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import type { Actor } from '../../common/context/request-context';
import { QueueName } from '../../common/queue/queues';
import { TransactionRunner } from '../../database/transaction';
import { siteScope } from '../auth/site-scope';
import { type ArmAPhaseCode, buildPlan } from './calendar/arm-a-plan';
import { compareDates, dateInZone } from '../../common/time/calendar-date';
import { type BookingRow, PHASE_CODES } from './booking.entity';
import type { PlanDto, RecordPhaseDto } from './dto/booking.dto';
import { SchedulingErrors } from './scheduling.errors';
import { FollowUpReanchorJob } from './scheduling.jobs';
import { toPlanResponse } from './scheduling.mapper';
import { SchedulingRepository } from './scheduling.repository';

export const BOOKING_ENTITY = 'transplant_booking';

/**
 * The arm-A treatment plan: planned phase dates laid out from the planned admission date (the pure
 * `buildPlan`, with the offsets in force when the booking was made), and the actual dates sites
 * record. Recording the reinfusion sets transplant day 0 and asks follow-up to re-anchor.
 */
@Injectable()
export class TreatmentPlanService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** Plans for bookings that have a planned admission date (null for the others). */
  async plansFor(bookings: readonly BookingRow[]): Promise<Map<string, PlanDto | null>> {
    const planned = bookings.filter((b) => b.plannedAdmissionDate !== null);
    const records = await this.repo.phaseRecords(planned.map((b) => b.id));
    const out = new Map<string, PlanDto | null>();
    for (const b of bookings) {
      out.set(
        b.id,
        b.plannedAdmissionDate === null
          ? null
          : toPlanResponse(
              buildPlan(b.plannedAdmissionDate, b.planConfig),
              records.filter((r) => r.bookingId === b.id),
            ),
      );
    }
    return out;
  }

  /** Records the actual dates of a phase, or that it was not done (with a reason). */
  async recordPhase(
    bookingId: string,
    phaseParam: string,
    dto: RecordPhaseDto,
    actor: Actor,
  ): Promise<void> {
    const phase = this.parsePhase(phaseParam);
    this.validate(dto);
    const found = await this.repo.findBooking(bookingId, siteScope(actor));
    if (!found) throw SchedulingErrors.bookingNotFound();
    await this.tx.run(async (uow) => {
      const b = await this.repo.findBooking(bookingId, null, uow.em, true);
      if (!b) throw SchedulingErrors.bookingNotFound();
      if (b.status !== 'booked' && b.status !== 'done') throw SchedulingErrors.notInPlan(b.status);
      const now = this.clock.now();
      const today = dateInZone(now, b.centreTimeZone);
      for (const [field, value] of [
        ['actualStart', dto.actualStart],
        ['actualEnd', dto.actualEnd],
      ] as const) {
        if (value !== undefined && compareDates(value, today) > 0) {
          throw SchedulingErrors.badInput(
            `${field} must not be in the future (today is ${today} at the centre)`,
          );
        }
      }
      const existing = await this.repo.findPhase(bookingId, phase, uow.em);
      if (existing && !dto.reason) {
        throw SchedulingErrors.badInput('reason is required to correct a recorded phase');
      }
      const record = {
        bookingId,
        phase,
        outcome: dto.outcome,
        actualStart: dto.outcome === 'done' ? (dto.actualStart ?? null) : null,
        actualEnd: dto.outcome === 'done' ? (dto.actualEnd ?? dto.actualStart ?? null) : null,
        reason: dto.reason ?? null,
        recordedBy: actor.id,
        recordedAt: now,
      };
      await this.repo.upsertPhase(record, uow.em);
      uow.audit({
        action: existing ? 'scheduling.phase_corrected' : 'scheduling.phase_recorded',
        entity: BOOKING_ENTITY,
        entityId: bookingId,
        before: existing
          ? {
              phase,
              outcome: existing.outcome,
              actualStart: existing.actualStart,
              actualEnd: existing.actualEnd,
              reason: existing.reason,
            }
          : null,
        after: {
          phase,
          outcome: record.outcome,
          actualStart: record.actualStart,
          actualEnd: record.actualEnd,
        },
        reason: dto.reason ?? null,
      });
      if (phase !== 'reinfusion') return;
      const day0 = record.outcome === 'done' ? record.actualStart : null;
      if (day0 === b.transplantDay0) return;
      // Once transplanted, a pending waiting-time review has nothing left to decide.
      const resolved =
        day0 && b.reviewStatus === 'pending' ? { reviewStatus: 'resolved' as const } : {};
      await this.repo.updateBooking(
        bookingId,
        { transplantDay0: day0, status: day0 ? 'done' : 'booked', ...resolved },
        now,
        uow.em,
      );
      uow.audit({
        action: 'scheduling.transplant_day0_set',
        entity: BOOKING_ENTITY,
        entityId: bookingId,
        before: { transplantDay0: b.transplantDay0, status: b.status },
        after: { transplantDay0: day0, status: day0 ? 'done' : 'booked' },
        reason: dto.reason ?? null,
      });
      uow.enqueue({
        queue: QueueName.FollowUp,
        name: FollowUpReanchorJob,
        payload: { participantId: b.participantId },
        // Day 0 plus the booking version: a change back to an earlier date is a new job too.
        dedupeKey: `${FollowUpReanchorJob}:${b.participantId}:${day0 ?? 'cleared'}:v${b.version + 1}`,
      });
    });
  }

  private parsePhase(phase: string): ArmAPhaseCode {
    const code = PHASE_CODES.find((c) => c === phase);
    if (!code) throw SchedulingErrors.badInput(`phase must be one of: ${PHASE_CODES.join(', ')}`);
    return code;
  }

  private validate(dto: RecordPhaseDto): void {
    if (dto.outcome === 'done') {
      if (!dto.actualStart) {
        throw SchedulingErrors.badInput('actualStart is required when outcome is done');
      }
      if (dto.actualEnd && compareDates(dto.actualEnd, dto.actualStart) < 0) {
        throw SchedulingErrors.badInput('actualEnd must not be before actualStart');
      }
    } else {
      if (!dto.reason) {
        throw SchedulingErrors.badInput('reason is required when outcome is not_done');
      }
      if (dto.actualStart || dto.actualEnd) {
        throw SchedulingErrors.badInput(
          'actualStart and actualEnd must be empty when outcome is not_done',
        );
      }
    }
  }
}
