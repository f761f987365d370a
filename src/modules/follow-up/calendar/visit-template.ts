/**
 * The follow-up visit template as data (docs/domain/ram-ms.md §5 proposed default calendar, §9 Q4 and Q6).
 *
 * - Scheduled visits are anchored on the randomisation date (week 0 = the calendar date of the
 *   randomisation instant in the site's zone; Q4: ITT anchor).
 * - Windows are data per visit, in days before and after the target date: ±14 days up to and
 *   including week 24, ±28 days after. Baseline (week 0) is the exception: its window is
 *   0…+14 days, because a baseline visit cannot take place before randomisation (anything before
 *   is the screening visit).
 * - Week 12 is the MRI re-baseline for NEDA-3 (Q5).
 * - Week 96 is the primary endpoint; weeks 96 and 240 are NEDA endpoints.
 * - Arm A: weekly visits after transplant day 0 from day +7, every 7 days, closing with a visit
 *   on day +100. A weekly visit closer than `mergeWithinDays` (3) to day +100 is replaced by the
 *   day +100 visit, so the default is days 7, 14, …, 91 and 100 (day 98 is dropped: two visits two
 *   days apart with ±2-day windows would overlap). 14 visits, bloods + urine, window ±2 days.
 */

export type Assessment = 'edss_blinded' | 'mri' | 'bloods' | 'pro' | 'urine';

export type VisitWindow = {
  /** Days the window opens before the target date (≥ 0). */
  beforeDays: number;
  /** Days the window stays open after the target date (≥ 0). */
  afterDays: number;
};

export type ScheduledVisitDefinition = {
  /** Stable code, e.g. 'W012'. */
  code: string;
  label: string;
  /** Weeks after randomisation. */
  week: number;
  window: VisitWindow;
  assessments: readonly Assessment[];
  /** The primary-endpoint visit (week 96). */
  primary?: boolean;
  /** A NEDA-3 endpoint visit (weeks 96 and 240). */
  endpoint?: boolean;
  /** The MRI of this visit is the re-baseline for NEDA-3 (week 12). */
  mriRebaseline?: boolean;
};

export type ArmAWeeklyRule = {
  /** First visit, in days after transplant day 0. */
  firstDay: number;
  /** Days between weekly visits. */
  everyDays: number;
  /** The closing visit (day +100). */
  lastDay: number;
  /** A weekly visit closer than this to `lastDay` is dropped in favour of the closing visit. */
  mergeWithinDays: number;
  window: VisitWindow;
  assessments: readonly Assessment[];
};

export type VisitTemplate = {
  /** Identifies the template version stored with each generated schedule. */
  id: string;
  scheduled: readonly ScheduledVisitDefinition[];
  armAWeekly: ArmAWeeklyRule;
};

const ALL: readonly Assessment[] = ['edss_blinded', 'mri', 'bloods', 'pro'];
const NEAR = { beforeDays: 14, afterDays: 14 } as const;
const FAR = { beforeDays: 28, afterDays: 28 } as const;

export function scheduledVisitCode(week: number): string {
  return `W${String(week).padStart(3, '0')}`;
}

export function armAVisitCode(day: number): string {
  return `A-D${String(day).padStart(3, '0')}`;
}

export const DEFAULT_VISIT_TEMPLATE: VisitTemplate = Object.freeze({
  id: 'ram-ms-default-v1',
  scheduled: Object.freeze([
    {
      code: 'W000',
      label: 'Randomisation / baseline',
      week: 0,
      window: { beforeDays: 0, afterDays: 14 },
      assessments: ['edss_blinded', 'bloods', 'pro'],
    },
    {
      code: 'W012',
      label: 'Follow-up week 12 (MRI re-baseline)',
      week: 12,
      window: NEAR,
      assessments: ['edss_blinded', 'mri', 'bloods'],
      mriRebaseline: true,
    },
    { code: 'W024', label: 'Follow-up week 24', week: 24, window: NEAR, assessments: ALL },
    { code: 'W048', label: 'Follow-up week 48', week: 48, window: FAR, assessments: ALL },
    {
      code: 'W072',
      label: 'Follow-up week 72',
      week: 72,
      window: FAR,
      assessments: ['edss_blinded', 'mri', 'bloods'],
    },
    {
      code: 'W096',
      label: 'Primary endpoint week 96',
      week: 96,
      window: FAR,
      assessments: ALL,
      primary: true,
      endpoint: true,
    },
    { code: 'W144', label: 'Extension week 144', week: 144, window: FAR, assessments: ALL },
    { code: 'W192', label: 'Extension week 192', week: 192, window: FAR, assessments: ALL },
    {
      code: 'W240',
      label: 'Extension endpoint week 240',
      week: 240,
      window: FAR,
      assessments: ALL,
      endpoint: true,
    },
  ] satisfies ScheduledVisitDefinition[]),
  armAWeekly: Object.freeze({
    firstDay: 7,
    everyDays: 7,
    lastDay: 100,
    mergeWithinDays: 3,
    window: { beforeDays: 2, afterDays: 2 },
    assessments: ['bloods', 'urine'],
  } satisfies ArmAWeeklyRule),
});

/** The days after transplant day 0 of the arm-A visits a rule produces (7, 14, …, 91, 100 by default). */
export function armAWeeklyDays(rule: ArmAWeeklyRule): number[] {
  if (
    !Number.isInteger(rule.firstDay) ||
    !Number.isInteger(rule.everyDays) ||
    !Number.isInteger(rule.lastDay) ||
    rule.firstDay < 1 ||
    rule.everyDays < 1 ||
    rule.lastDay < rule.firstDay
  ) {
    throw new RangeError('invalid arm-A weekly rule');
  }
  const days: number[] = [];
  for (let day = rule.firstDay; day < rule.lastDay; day += rule.everyDays) {
    if (rule.lastDay - day >= rule.mergeWithinDays) {
      days.push(day);
    }
  }
  days.push(rule.lastDay);
  return days;
}

/** Problems with a template; empty when it is usable. */
export function validateVisitTemplate(template: VisitTemplate): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  const checkWindow = (code: string, w: VisitWindow): void => {
    if (
      !Number.isInteger(w.beforeDays) ||
      !Number.isInteger(w.afterDays) ||
      w.beforeDays < 0 ||
      w.afterDays < 0
    ) {
      problems.push(`${code}: window days must be non-negative integers`);
    }
  };
  for (const visit of template.scheduled) {
    if (codes.has(visit.code)) {
      problems.push(`${visit.code}: duplicate code`);
    }
    codes.add(visit.code);
    if (!Number.isInteger(visit.week) || visit.week < 0) {
      problems.push(`${visit.code}: week must be a non-negative integer`);
    }
    checkWindow(visit.code, visit.window);
  }
  if (template.scheduled.filter((v) => v.primary === true).length > 1) {
    problems.push('at most one primary visit');
  }
  if (template.scheduled.filter((v) => v.mriRebaseline === true).length > 1) {
    problems.push('at most one MRI re-baseline visit');
  }
  checkWindow('arm A', template.armAWeekly.window);
  try {
    for (const day of armAWeeklyDays(template.armAWeekly)) {
      if (codes.has(armAVisitCode(day))) {
        problems.push(`${armAVisitCode(day)}: duplicate code`);
      }
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : 'invalid arm-A weekly rule');
  }
  return problems;
}
