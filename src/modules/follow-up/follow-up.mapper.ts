import { projectBlinded, VIEWS } from 'src/common/fields/registry';
import { compareDates, dateInZone, daysBetween } from 'src/common/time/calendar-date';
import type { AdverseEventEntity, InterventionAssessment } from './entities/adverse-event.entity';
import { RESOLVED_OUTCOMES } from './safety';
import type { DeviationEntity, SiteVisitData, VisitEntity } from './entities/visit.entity';

/**
 * Entity → response. Two visit shapes: the full one for unblinded staff, and the blinded one for
 * anyone holding the blinded_assessor role. The blinded shape is an allow-list: dates, status and
 * the EDSS / MRI reads only; no site data (samples can name arm-A-only material), no cancel reason
 * (it can name a treatment), no anchor or offset (arm-A visits are never returned to them anyway).
 */

export type EdssResponse = { score: number; assessedOn: string; rater: string | null };
export type MriResponse = {
  examDate: string;
  gdLesions: number;
  newOrEnlargingT2: number;
  comparedWith: string | null;
};

export type BlindedVisitResponse = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  code: string;
  label: string;
  kind: 'scheduled' | 'unscheduled';
  assessments: string[];
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  status: VisitEntity['status'];
  loggedDate: string | null;
  edss: EdssResponse | null;
  mri: MriResponse | null;
  version: number;
};

export type VisitResponse = Omit<BlindedVisitResponse, 'kind'> & {
  kind: VisitEntity['kind'];
  anchor: VisitEntity['anchor'];
  offsetDays: number | null;
  isPrimary: boolean;
  isEndpoint: boolean;
  mriRebaseline: boolean;
  siteData: SiteVisitData | null;
  unscheduledReason: VisitEntity['unscheduledReason'];
  missedOn: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
};

const edssOf = (v: VisitEntity): EdssResponse | null =>
  v.edssScore === null || v.edssDate === null
    ? null
    : { score: v.edssScore, assessedOn: v.edssDate, rater: v.edssRater };

const mriOf = (v: VisitEntity): MriResponse | null =>
  v.mriDate === null
    ? null
    : {
        examDate: v.mriDate,
        gdLesions: v.mriGdLesions ?? 0,
        newOrEnlargingT2: v.mriNewT2Lesions ?? 0,
        comparedWith: v.mriComparedWith,
      };

/**
 * The blinded view is the full one projected through the field registry: only the visit's keys and
 * the items a blinded reader may see (never one marked revealsArm) are kept.
 */
export function toBlindedVisitResponse(v: VisitEntity): BlindedVisitResponse {
  if (v.kind === 'arm_a_weekly') {
    // The repositories never load these for a blinded reader; refuse loudly if one slips through.
    throw new Error('arm-A visit passed to the blinded mapper');
  }
  return projectBlinded<BlindedVisitResponse>(VIEWS.visit, toVisitResponse(v));
}

export function toVisitResponse(v: VisitEntity): VisitResponse {
  return {
    id: v.id,
    participantId: v.participantId,
    studyId: v.studyId,
    siteId: v.siteId,
    code: v.code,
    label: v.label,
    kind: v.kind,
    anchor: v.anchor,
    offsetDays: v.offsetDays,
    assessments: v.assessments,
    isPrimary: v.isPrimary,
    isEndpoint: v.isEndpoint,
    mriRebaseline: v.mriRebaseline,
    targetDate: v.targetDate,
    windowStart: v.windowStart,
    windowEnd: v.windowEnd,
    status: v.status,
    loggedDate: v.loggedDate,
    siteData: v.siteData,
    unscheduledReason: v.unscheduledReason,
    edss: edssOf(v),
    mri: mriOf(v),
    missedOn: v.missedOn,
    cancelledAt: v.cancelledAt ? new Date(v.cancelledAt).toISOString() : null,
    cancelReason: v.cancelReason,
    version: v.version,
  };
}

export function mapVisit(v: VisitEntity, blinded: boolean): VisitResponse | BlindedVisitResponse {
  return blinded ? toBlindedVisitResponse(v) : toVisitResponse(v);
}

export type DeviationResponse = {
  id: string;
  kind: DeviationEntity['kind'];
  visitId: string;
  visitCode: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  visitDate: string;
  windowStart: string;
  windowEnd: string;
  daysOutside: number;
  direction: 'early' | 'late';
  status: 'open' | 'voided';
  voidReason: string | null;
  recordedAt: string;
};

export function toDeviationResponse(d: DeviationEntity): DeviationResponse {
  return {
    id: d.id,
    kind: d.kind,
    visitId: d.visitId,
    visitCode: d.visitCode,
    participantId: d.participantId,
    studyId: d.studyId,
    siteId: d.siteId,
    siteLabel: d.siteLabel,
    visitDate: d.visitDate,
    windowStart: d.windowStart,
    windowEnd: d.windowEnd,
    daysOutside: d.daysOutside,
    direction: d.direction,
    status: d.status,
    voidReason: d.voidReason,
    recordedAt: new Date(d.createdAt).toISOString(),
  };
}

export type ReportingClockState = 'open' | 'overdue' | 'reported' | 'reported_late';

export type ReportingClock = {
  awareAt: string;
  dueAt: string;
  reportedAt: string | null;
  state: ReportingClockState;
  /** Hours left until the 24-hour deadline (negative once past it); null once reported. */
  hoursRemaining: number | null;
};

/** The 24-hour SAE reporting clock (docs/domain/ram-ms.md §9 Q9) at `now`. */
export function reportingClock(ae: AdverseEventEntity, now: Date): ReportingClock | null {
  if (!ae.serious || ae.awareAt === null || ae.reportDueAt === null) {
    return null;
  }
  const due = new Date(ae.reportDueAt);
  const reported = ae.reportedAt === null ? null : new Date(ae.reportedAt);
  const state: ReportingClockState =
    reported === null
      ? now.getTime() > due.getTime()
        ? 'overdue'
        : 'open'
      : reported.getTime() > due.getTime()
        ? 'reported_late'
        : 'reported';
  return {
    awareAt: new Date(ae.awareAt).toISOString(),
    dueAt: due.toISOString(),
    reportedAt: reported?.toISOString() ?? null,
    state,
    hoursRemaining:
      reported === null ? Math.round((due.getTime() - now.getTime()) / 360_000) / 10 : null,
  };
}

export type SusarClock = {
  awareDate: string;
  /** 7 (fatal or life-threatening) or 15 calendar days after awareness. */
  days: number;
  dueDate: string;
  reportedAt: string | null;
  reference: string | null;
  state: ReportingClockState;
  /** Calendar days left until the due date (site calendar; negative once past it); null once reported. */
  daysRemaining: number | null;
};

/** The SUSAR reporting clock (EU CTR art. 42) at `now`, in the site's calendar. */
export function susarClock(ae: AdverseEventEntity, now: Date): SusarClock | null {
  if (!ae.susar || ae.susarDueDate === null || ae.awareDate === null) {
    return null;
  }
  const reported = ae.susarReportedAt === null ? null : new Date(ae.susarReportedAt);
  const late = (day: string) => compareDates(day, ae.susarDueDate ?? day) > 0;
  const state: ReportingClockState =
    reported === null
      ? late(dateInZone(now, ae.timeZone))
        ? 'overdue'
        : 'open'
      : late(dateInZone(reported, ae.timeZone))
        ? 'reported_late'
        : 'reported';
  return {
    awareDate: ae.awareDate,
    days: daysBetween(ae.awareDate, ae.susarDueDate),
    dueDate: ae.susarDueDate,
    reportedAt: reported?.toISOString() ?? null,
    reference: ae.susarReference,
    state,
    daysRemaining:
      reported === null ? daysBetween(dateInZone(now, ae.timeZone), ae.susarDueDate) : null,
  };
}

export type AdverseEventResponse = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteId: string;
  visitId: string | null;
  visitCode: string | null;
  term: string;
  onsetDate: string;
  endDate: string | null;
  severity: AdverseEventEntity['severity'];
  serious: boolean;
  seriousnessCriteria: AdverseEventEntity['seriousnessCriteria'];
  outcome: AdverseEventEntity['outcome'];
  /** open: still followed up; resolved: recovered, recovered with sequelae or fatal. */
  status: 'open' | 'resolved';
  meddraCode: string | null;
  ctcaeGrade: number | null;
  awareDate: string | null;
  assessments: InterventionAssessment[];
  susar: boolean;
  susarClock: SusarClock | null;
  reportReference: string | null;
  reportingClock: ReportingClock | null;
  version: number;
  recordedAt: string;
};

export function toAdverseEventResponse(ae: AdverseEventEntity, now: Date): AdverseEventResponse {
  return {
    id: ae.id,
    participantId: ae.participantId,
    studyId: ae.studyId,
    siteId: ae.siteId,
    visitId: ae.visitId,
    visitCode: ae.visitCode,
    term: ae.term,
    onsetDate: ae.onsetDate,
    endDate: ae.endDate,
    severity: ae.severity,
    serious: ae.serious,
    seriousnessCriteria: ae.seriousnessCriteria,
    outcome: ae.outcome,
    status: RESOLVED_OUTCOMES.includes(ae.outcome) ? 'resolved' : 'open',
    meddraCode: ae.meddraCode,
    ctcaeGrade: ae.ctcaeGrade,
    awareDate: ae.awareDate,
    assessments: (ae.assessments ?? []).map((a) => ({
      intervention: a.intervention,
      causality: a.causality,
      expectedness: a.expectedness ?? null,
      expectednessBy: a.expectednessBy ?? null,
      rsiVersion: a.rsiVersion ?? null,
    })),
    susar: ae.susar,
    susarClock: susarClock(ae, now),
    reportReference: ae.reportReference,
    reportingClock: reportingClock(ae, now),
    version: ae.version,
    recordedAt: new Date(ae.createdAt).toISOString(),
  };
}
