import type { SweepFindingKind } from './calendar/sweep-rules';

/**
 * The texts of follow-up notifications. They carry the study id, the visit and its dates, and
 * never a name or any other personal data (the inbox and e-mail are not the identity vault).
 */

export type NoticeVisit = {
  id: string;
  participantId: string;
  studyId: string | null;
  siteLabel: string;
  code: string;
  label: string;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
};

export type Notice = { subject: string; body: string; data: Record<string, unknown> };

const WHAT: Record<SweepFindingKind, (v: NoticeVisit) => { title: string; line: string }> = {
  window_opens_14d: (v) => ({
    title: `window opens ${v.windowStart}`,
    line: `First reminder: the visit window opens on ${v.windowStart}. Please plan the visit.`,
  }),
  window_opens_3d: (v) => ({
    title: `window opens ${v.windowStart}`,
    line: `Second reminder: the visit window opens on ${v.windowStart}.`,
  }),
  window_closes_3d: (v) => ({
    title: `window closes ${v.windowEnd}`,
    line: `The visit window closes on ${v.windowEnd} and the visit has no data yet.`,
  }),
  overdue: (v) => ({
    title: 'overdue',
    line: `The target date ${v.targetDate} has passed and the visit has no data yet. The window closes on ${v.windowEnd}.`,
  }),
  missed: (v) => ({
    title: 'missed',
    line: `The visit window closed on ${v.windowEnd} without data; the visit is recorded as missed.`,
  }),
};

const who = (v: NoticeVisit): string => v.studyId ?? `participant ${v.participantId.slice(0, 8)}`;

export function findingNotice(kind: SweepFindingKind, v: NoticeVisit): Notice {
  const what = WHAT[kind](v);
  return {
    subject: `${who(v)} ${v.code}: ${what.title}`,
    body: [
      `Participant ${who(v)} at ${v.siteLabel}, visit ${v.code} (${v.label}).`,
      `Target date ${v.targetDate}; window ${v.windowStart} to ${v.windowEnd}.`,
      what.line,
    ].join('\n'),
    data: {
      visitId: v.id,
      participantId: v.participantId,
      studyId: v.studyId,
      visitCode: v.code,
      finding: kind,
      targetDate: v.targetDate,
      windowStart: v.windowStart,
      windowEnd: v.windowEnd,
    },
  };
}

export type SaeNoticeInput = {
  adverseEventId: string;
  participantId: string;
  studyId: string | null;
  siteLabel: string;
  visitCode: string | null;
  onsetDate: string;
  criteria: readonly string[];
  awareAt: Date;
  reportDueAt: Date;
};

/** The at-once notice of a serious adverse event to the site's investigators (no term, no names). */
export function saeNotice(i: SaeNoticeInput): Notice {
  const studyId = i.studyId ?? `participant ${i.participantId.slice(0, 8)}`;
  return {
    subject: `SAE: ${studyId} at ${i.siteLabel}, report due ${i.reportDueAt.toISOString()}`,
    body: [
      `A serious adverse event was recorded for participant ${studyId} at ${i.siteLabel}${i.visitCode ? ` (visit ${i.visitCode})` : ''}.`,
      `Onset ${i.onsetDate}; seriousness: ${i.criteria.join(', ').replace(/_/g, ' ')}.`,
      `Report it to the sponsor within 24 hours: due ${i.reportDueAt.toISOString()} (site aware ${i.awareAt.toISOString()}).`,
      'Open the adverse event in the system for the details, and mark it reported once sent.',
    ].join('\n'),
    data: {
      adverseEventId: i.adverseEventId,
      participantId: i.participantId,
      studyId: i.studyId,
      visitCode: i.visitCode,
      onsetDate: i.onsetDate,
      awareAt: i.awareAt.toISOString(),
      reportDueAt: i.reportDueAt.toISOString(),
    },
  };
}
