import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import {
  applyPatch,
  auditOf,
  diffRecord,
  type JsonRecord,
  staleVersion,
} from 'src/common/corrections/corrections';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/common/context/site-scope';
import { InterventionReceipts } from 'src/modules/randomization/intervention-receipts.api';
import { type ArmAPhaseCode, buildPlan } from './calendar/arm-a-plan';
import { assertPlausibleDates } from 'src/common/fields/date-rules';
import { compareDates, dateInZone } from 'src/common/time/calendar-date';
import { type BookingRow, MANDATORY_BEFORE_DAY0, PHASE_CODES } from './booking.entity';
import type { PlanDto, RecordPhaseDto } from './dto/booking.dto';
import { SchedulingErrors } from './scheduling.errors';
import { TransplantDay0Changed } from './scheduling.events';
import { toPlanResponse } from './scheduling.mapper';
import { SchedulingRepository } from './scheduling.repository';

export const BOOKING_ENTITY = 'transplant_booking';

/** A recorded phase as a correctable record in `record_versions` (one history per booking and phase). */
export const phaseEntity = (phase: ArmAPhaseCode) => `transplant_phase:${phase}`;

function phaseValues(r: {
  outcome: string;
  actualStart: string | null;
  actualEnd: string | null;
}): JsonRecord {
  return {
    outcome: r.outcome,
    ...(r.actualStart ? { actualStart: r.actualStart } : {}),
    ...(r.actualEnd ? { actualEnd: r.actualEnd } : {}),
  };
}

/**
 * The arm-A treatment plan: planned phase dates laid out from the planned admission date (the pure
 * `buildPlan`, with the offsets in force when the booking was made), and the actual dates sites
 * record. Recording the reinfusion sets transplant day 0 and asks follow-up to re-anchor; the
 * booking is `done` only once the earlier phases (MANDATORY_BEFORE_DAY0) are recorded as well,
 * as done or as not done with a reason.
 */
@Injectable()
export class TreatmentPlanService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly history: RecordHistory,
    private readonly receipts: InterventionReceipts,
    private readonly events: DomainEvents,
  ) {}

  /** Every kept version of a recorded phase, newest first. */
  async phaseHistory(
    bookingId: string,
    phaseParam: string,
    actor: Actor,
  ): Promise<RecordVersionDto[]> {
    const phase = this.parsePhase(phaseParam);
    const found = await this.repo.findBooking(bookingId, siteScope(actor));
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    return this.history.list(phaseEntity(phase), bookingId);
  }

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

  /**
   * Records the actual dates of a phase, or that it was not done (with a reason). A correction of a
   * recorded phase sends only what changes, with a reason; the audit row and the kept version list
   * exactly the changed fields.
   */
  async recordPhase(
    bookingId: string,
    phaseParam: string,
    dto: RecordPhaseDto,
    actor: Actor,
  ): Promise<void> {
    const phase = this.parsePhase(phaseParam);
    const found = await this.repo.findBooking(bookingId, siteScope(actor));
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    await this.tx.run(async (uow) => {
      const b = await this.repo.findBooking(bookingId, null, uow.em, true);
      if (!b) {
        throw SchedulingErrors.bookingNotFound();
      }
      if (b.status !== 'booked' && b.status !== 'done') {
        throw SchedulingErrors.notInPlan(b.status);
      }
      const now = this.clock.now();
      const today = dateInZone(now, b.centreTimeZone);
      const existing = await this.repo.findPhase(bookingId, phase, uow.em);
      if (
        existing &&
        dto.expectedVersion !== undefined &&
        dto.expectedVersion !== existing.version
      ) {
        throw staleVersion(
          existing.version,
          dto.expectedVersion,
          await this.history.changesSince(
            phaseEntity(phase),
            bookingId,
            dto.expectedVersion,
            uow.em,
          ),
        );
      }
      const before: JsonRecord = existing ? phaseValues(existing) : {};
      const patch: JsonRecord = {};
      if (dto.outcome !== undefined) {
        patch.outcome = dto.outcome;
      }
      if (dto.actualStart !== undefined) {
        patch.actualStart = dto.actualStart;
      }
      if (dto.actualEnd !== undefined) {
        patch.actualEnd = dto.actualEnd;
      }
      // A one-day phase (end = start, the default) keeps its end on its start when only the start moves.
      if (
        dto.actualStart !== undefined &&
        dto.actualEnd === undefined &&
        before.actualEnd !== undefined &&
        before.actualEnd === before.actualStart
      ) {
        patch.actualEnd = dto.actualStart;
      }
      const merged = applyPatch(before, patch, [], () => '').after as {
        outcome?: 'done' | 'not_done';
        actualStart?: string;
        actualEnd?: string;
      };
      if (!merged.outcome) {
        throw SchedulingErrors.badInput('outcome is required when a phase is first recorded');
      }
      // Not done has no dates: switching to not_done clears them. Done: the end defaults to the start.
      const after =
        merged.outcome === 'done'
          ? {
              outcome: merged.outcome,
              actualStart: merged.actualStart ?? null,
              actualEnd: merged.actualEnd ?? merged.actualStart ?? null,
            }
          : { outcome: merged.outcome, actualStart: null, actualEnd: null };
      this.validate({
        outcome: after.outcome,
        actualStart: after.actualStart ?? undefined,
        actualEnd: after.actualEnd ?? undefined,
        reason: dto.reason ?? existing?.reason ?? undefined,
      });
      if (after.outcome === 'not_done' && (dto.actualStart || dto.actualEnd)) {
        throw SchedulingErrors.badInput(
          'actualStart and actualEnd must be empty when outcome is not_done',
        );
      }
      await this.checkPhaseDates(b, phase, after, today, uow);
      const changes = diffRecord(before, after);
      if (existing && changes.length === 0) {
        return;
      }
      if (existing && !dto.reason) {
        throw SchedulingErrors.badInput('reason is required to correct a recorded phase');
      }
      const record = {
        bookingId,
        phase,
        outcome: after.outcome,
        actualStart: after.actualStart,
        actualEnd: after.actualEnd,
        reason: dto.reason ?? existing?.reason ?? null,
        recordedBy: actor.id,
        recordedAt: now,
      };
      if (existing && !(await this.history.has(phaseEntity(phase), bookingId, uow.em))) {
        uow.version({
          entity: phaseEntity(phase),
          entityId: bookingId,
          participantId: b.participantId,
          version: existing.version,
          data: before,
          by: { actorId: existing.recordedBy, actorRole: null, at: existing.recordedAt },
        });
      }
      await this.repo.upsertPhase(record, uow.em);
      uow.version({
        entity: phaseEntity(phase),
        entityId: bookingId,
        participantId: b.participantId,
        version: existing ? existing.version + 1 : 0,
        data: after,
        changes: existing ? changes : [],
        reason: dto.reason ?? null,
      });
      uow.audit({
        action: existing ? 'scheduling.phase_corrected' : 'scheduling.phase_recorded',
        entity: BOOKING_ENTITY,
        entityId: bookingId,
        // The booking's plan is the record: a correction lists exactly phases[<phase>].<field>.
        ...(existing
          ? auditOf(changes.map((c) => ({ ...c, path: `phases[${phase}].${c.path}` })))
          : { before: null, after: { phase, ...after } }),
        reason: dto.reason ?? null,
      });
      // Day 0 is the recorded reinfusion; the booking is done once the earlier phases are recorded too.
      const day0 =
        phase === 'reinfusion'
          ? record.outcome === 'done'
            ? record.actualStart
            : null
          : b.transplantDay0;
      const records = await this.repo.phaseRecords([bookingId], uow.em);
      const open = MANDATORY_BEFORE_DAY0.filter((p) => !records.some((r) => r.phase === p));
      const status = day0 && open.length === 0 ? 'done' : 'booked';
      if (day0 === b.transplantDay0 && status === b.status) {
        return;
      }
      // Once transplanted, a pending waiting-time review has nothing left to decide.
      const resolved =
        day0 && b.reviewStatus === 'pending' ? { reviewStatus: 'resolved' as const } : {};
      await this.repo.updateBooking(
        bookingId,
        { transplantDay0: day0, status, ...resolved },
        now,
        uow.em,
      );
      if (day0 === b.transplantDay0) {
        uow.audit({
          action: 'scheduling.booking_done',
          entity: BOOKING_ENTITY,
          entityId: bookingId,
          before: { status: b.status },
          after: { status, openPhases: open },
          reason: dto.reason ?? null,
        });
        return;
      }
      uow.audit({
        action: 'scheduling.transplant_day0_set',
        entity: BOOKING_ENTITY,
        entityId: bookingId,
        before: { transplantDay0: b.transplantDay0, status: b.status },
        after: { transplantDay0: day0, status, openPhases: open },
        reason: dto.reason ?? null,
      });
      // Transplanted (day 0 recorded) = received the allocated intervention; taken back, not known.
      await this.receipts.record(
        uow,
        b.participantId,
        day0 ? { received: true, reasonCode: null, note: null } : null,
        day0 ? 'transplant day 0 recorded' : 'transplant day 0 taken back',
      );
      await this.events.publish(uow, TransplantDay0Changed, {
        participantId: b.participantId,
        day0,
        version: b.version + 1,
      });
    });
  }

  /**
   * A phase's dates by the registry's date rules: not after today at the centre, not before
   * randomisation, and in plan order with the phases already recorded (a phase starts no earlier
   * than the phases before it, no later than those after it).
   */
  private async checkPhaseDates(
    b: BookingRow,
    phase: ArmAPhaseCode,
    after: { actualStart: string | null; actualEnd: string | null },
    today: string,
    uow: UnitOfWork,
  ): Promise<void> {
    const start = {
      item: 'transplant_phase.actualStart',
      path: 'actualStart',
      value: after.actualStart,
    };
    const end = { item: 'transplant_phase.actualEnd', path: 'actualEnd', value: after.actualEnd };
    const at = PHASE_CODES.indexOf(phase);
    const orders = (await this.repo.phaseRecords([b.id], uow.em))
      .filter((r) => r.phase !== phase && r.actualStart)
      .map((r) => {
        const other = {
          item: 'transplant_phase.actualStart',
          path: `phases.${r.phase}.actualStart`,
          value: r.actualStart,
        };
        return PHASE_CODES.indexOf(r.phase) < at
          ? { earlier: other, later: start }
          : { earlier: start, later: other, at: 'earlier' as const };
      });
    await assertPlausibleDates([start, end], { today, randomisedOn: b.randomisationDate }, [
      { earlier: start, later: end },
      ...orders,
    ]);
  }

  private parsePhase(phase: string): ArmAPhaseCode {
    const code = PHASE_CODES.find((c) => c === phase);
    if (!code) {
      throw SchedulingErrors.badInput(`phase must be one of: ${PHASE_CODES.join(', ')}`);
    }
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
