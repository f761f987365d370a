import {
  addDays,
  compareDates,
  dateInZone,
  type InstantInput,
  type IsoDate,
  parseIsoDate,
} from 'src/common/time/calendar-date';

/**
 * The rules of the reminder / overdue / missed sweep (issue 7), on calendar dates in the site's
 * zone. "today" is always the site's date of the sweep's instant (`todayInZone`).
 *
 * Findings for a visit that has no data yet (status 'scheduled'):
 * - window_opens_14d  exactly on windowStart − 14
 * - window_opens_3d   exactly on windowStart − 3
 * - window_closes_3d  exactly on windowEnd − 3
 * - overdue           every day after the target date up to and including windowEnd
 *                     (first on targetDate + 1)
 * - missed            every day after windowEnd (first on windowEnd + 1); the sweep then marks
 *                     the visit missed, so it is found once
 * Logged, missed and cancelled visits give no findings.
 *
 * Reminders are exact days: the sweep runs hourly, and a "window opens in 14 days" reminder sent
 * days late would be wrong. Overdue and missed are ranges so they heal after an outage; the
 * deterministic job id (`findingJobId`) keeps overdue to one notification per visit and date.
 *
 * `dueDates(today)` gives, per finding, conditions on one date column each, so the repository can
 * query `status = 'scheduled' AND window_start = $1` etc. by index instead of scanning.
 */

export type VisitStatus = 'scheduled' | 'logged' | 'missed' | 'cancelled';

export type SweepFindingKind =
  'window_opens_14d' | 'window_opens_3d' | 'window_closes_3d' | 'overdue' | 'missed';

export const SWEEP_FINDING_KINDS: readonly SweepFindingKind[] = [
  'window_opens_14d',
  'window_opens_3d',
  'window_closes_3d',
  'overdue',
  'missed',
];

export type SweepRuleConfig = {
  opensFirstReminderDays: number;
  opensSecondReminderDays: number;
  closesReminderDays: number;
};

export const DEFAULT_SWEEP_RULE_CONFIG: Readonly<SweepRuleConfig> = Object.freeze({
  opensFirstReminderDays: 14,
  opensSecondReminderDays: 3,
  closesReminderDays: 3,
});

export type SweepVisit = {
  targetDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
  status: VisitStatus;
};

export type DateColumn = 'targetDate' | 'windowStart' | 'windowEnd';

/** One indexable condition: `column op date`. All conditions of a finding apply together. */
export type DateCondition = { column: DateColumn; op: '=' | '<' | '>='; date: IsoDate };

/** The calendar date of `now` in the site's zone. */
export function todayInZone(now: InstantInput, zone: string): IsoDate {
  return dateInZone(now, zone);
}

/** For a given site-local today: the date conditions that select each finding (status 'scheduled'). */
export function dueDates(
  today: IsoDate,
  config: SweepRuleConfig = DEFAULT_SWEEP_RULE_CONFIG,
): Record<SweepFindingKind, DateCondition[]> {
  parseIsoDate(today);
  return {
    window_opens_14d: [
      { column: 'windowStart', op: '=', date: addDays(today, config.opensFirstReminderDays) },
    ],
    window_opens_3d: [
      { column: 'windowStart', op: '=', date: addDays(today, config.opensSecondReminderDays) },
    ],
    window_closes_3d: [
      { column: 'windowEnd', op: '=', date: addDays(today, config.closesReminderDays) },
    ],
    overdue: [
      { column: 'targetDate', op: '<', date: today },
      { column: 'windowEnd', op: '>=', date: today },
    ],
    missed: [{ column: 'windowEnd', op: '<', date: today }],
  };
}

/** Whether a visit's dates satisfy all the conditions (the in-memory twin of the query). */
export function matchesConditions(
  visit: Pick<SweepVisit, DateColumn>,
  conditions: readonly DateCondition[],
): boolean {
  return conditions.every((c) => {
    const cmp = compareDates(visit[c.column], c.date);
    switch (c.op) {
      case '=':
        return cmp === 0;
      case '<':
        return cmp < 0;
      case '>=':
        return cmp >= 0;
    }
  });
}

/** The findings of one visit on site-local `today`, in `SWEEP_FINDING_KINDS` order. */
export function sweepFindings(
  visit: SweepVisit,
  today: IsoDate,
  config: SweepRuleConfig = DEFAULT_SWEEP_RULE_CONFIG,
): SweepFindingKind[] {
  if (visit.status !== 'scheduled') {
    return [];
  }
  const due = dueDates(today, config);
  return SWEEP_FINDING_KINDS.filter((kind) => matchesConditions(visit, due[kind]));
}

/** The first site-local day on which a finding appears for the visit. */
export function firstDayOfFinding(
  visit: Pick<SweepVisit, DateColumn>,
  kind: SweepFindingKind,
  config: SweepRuleConfig = DEFAULT_SWEEP_RULE_CONFIG,
): IsoDate {
  switch (kind) {
    case 'window_opens_14d':
      return addDays(visit.windowStart, -config.opensFirstReminderDays);
    case 'window_opens_3d':
      return addDays(visit.windowStart, -config.opensSecondReminderDays);
    case 'window_closes_3d':
      return addDays(visit.windowEnd, -config.closesReminderDays);
    case 'overdue':
      return addDays(visit.targetDate, 1);
    case 'missed':
      return addDays(visit.windowEnd, 1);
  }
}

/**
 * Deterministic notification job id: one per visit, finding and the dates it is about, so a
 * sweep that runs twice enqueues once, while a re-anchored visit (new dates) is reminded again.
 */
export function findingJobId(
  visitId: string,
  kind: SweepFindingKind,
  visit: Pick<SweepVisit, DateColumn>,
): string {
  const date =
    kind === 'window_opens_14d' || kind === 'window_opens_3d'
      ? visit.windowStart
      : kind === 'overdue'
        ? visit.targetDate
        : visit.windowEnd;
  return `follow-up:${kind}:${visitId}:${date}`;
}
