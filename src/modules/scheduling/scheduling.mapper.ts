import type { ArmAPlan } from './calendar/arm-a-plan';
import type { BookingRow, PhaseRecordRow } from './booking.entity';
import type { BookingResponseDto, PlanDto, WaitlistEntryDto } from './dto/booking.dto';
import type { WaitingRow } from './scheduling.repository';
import { assessWait, describeWait } from './slot-rules';
import { daysBetween, maxDate } from 'src/common/time/calendar-date';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toPlanResponse(plan: ArmAPlan, records: readonly PhaseRecordRow[]): PlanDto {
  const byPhase = new Map(records.map((r) => [r.phase, r]));
  return {
    admissionDate: plan.admissionDate,
    plannedTransplantDay0: plan.transplantDay0,
    dischargeDate: plan.dischargeDate,
    phases: plan.phases.map((p) => {
      const r = byPhase.get(p.code);
      return {
        code: p.code,
        name: p.name,
        plannedStart: p.plannedStart,
        plannedEnd: p.plannedEnd,
        dayFrom: p.dayFrom,
        dayTo: p.dayTo,
        outcome: r?.outcome ?? null,
        actualStart: r?.actualStart ?? null,
        actualEnd: r?.actualEnd ?? null,
        reason: r?.reason ?? null,
        recordedAt: iso(r?.recordedAt ?? null),
        version: r?.version ?? null,
      };
    }),
  };
}

export function toBookingResponse(b: BookingRow, plan?: PlanDto | null): BookingResponseDto {
  const waitable = b.status === 'booked' || b.status === 'done' || b.status === 'waitlisted';
  const assessed = waitable
    ? assessWait(b.randomisationDate, b.plannedAdmissionDate, b.waitLimitMonths)
    : null;
  return {
    id: b.id,
    participantId: b.participantId,
    studyId: b.studyId,
    siteId: b.siteId,
    siteLabel: b.siteLabel,
    centreId: b.centreId,
    centreLabel: b.centreLabel,
    centreTimeZone: b.centreTimeZone,
    status: b.status,
    quarter: b.quarter,
    plannedAdmissionDate: b.plannedAdmissionDate,
    randomisationDate: b.randomisationDate,
    earliestAdmissionDate: b.earliestAdmissionDate,
    wait: assessed?.wait ? { ...assessed.wait, text: describeWait(assessed.wait) } : null,
    waitLimitMonths: b.waitLimitMonths,
    exceedsWaitLimit: assessed?.exceedsLimit ?? false,
    reviewStatus: b.reviewStatus,
    flaggedAt: iso(b.flaggedAt),
    reviewReason: b.reviewReason,
    reviewedAt: iso(b.reviewedAt),
    referredFromId: b.referredFromId,
    referredToId: b.referredToId,
    transplantDay0: b.transplantDay0,
    receivedAllocatedIntervention: b.received,
    notReceivedCode: b.notReceivedCode,
    notReceivedReason: b.notReceivedReason,
    endedReason: b.endedReason,
    endedAt: iso(b.endedAt),
    version: b.version,
    createdAt: new Date(b.createdAt).toISOString(),
    updatedAt: new Date(b.updatedAt).toISOString(),
    ...(plan !== undefined ? { plan } : {}),
  };
}

export function toWaitlistEntry(w: WaitingRow, today: string): WaitlistEntryDto {
  return {
    position: w.position,
    bookingId: w.id,
    participantId: w.participantId,
    studyId: w.studyId,
    siteLabel: w.siteLabel,
    status: w.status,
    quarter: w.quarter,
    plannedAdmissionDate: w.plannedAdmissionDate,
    randomisationDate: w.randomisationDate,
    earliestAdmissionDate: w.earliestAdmissionDate,
    waitingDays: daysBetween(w.randomisationDate, maxDate(today, w.randomisationDate)),
    reviewStatus: w.reviewStatus,
  };
}

/** What the audit trail keeps of a booking (no identity fields exist on it). */
export function auditedBooking(b: BookingRow) {
  return {
    participantId: b.participantId,
    studyId: b.studyId,
    centreId: b.centreId,
    status: b.status,
    quarter: b.quarter,
    plannedAdmissionDate: b.plannedAdmissionDate,
    earliestAdmissionDate: b.earliestAdmissionDate,
    reviewStatus: b.reviewStatus,
    transplantDay0: b.transplantDay0,
    notReceivedCode: b.notReceivedCode,
    version: b.version,
  };
}
