import {
  addDays,
  assertTimeZone,
  dateInZone,
  daysBetween,
  type InstantInput,
  type IsoDate,
  parseIsoDate,
} from 'src/common/time/calendar-date';
import {
  armAVisitCode,
  armAWeeklyDays,
  type Assessment,
  DEFAULT_VISIT_TEMPLATE,
  validateVisitTemplate,
  type VisitTemplate,
} from './visit-template';

/**
 * The planned visits of one participant: target dates and windows as calendar dates in the
 * site's time zone. Pure: the same input always gives the same visits, which is what makes the
 * generation job idempotent (upsert on participant + code).
 */

export type TrialArm = 'A' | 'B';

export type VisitKind = 'scheduled' | 'arm_a_weekly';

export type VisitAnchor = 'randomisation' | 'transplant';

export type PlannedVisit = {
  code: string;
  kind: VisitKind;
  anchor: VisitAnchor;
  /** Days after the anchor date. */
  offsetDays: number;
  targetDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
  assessments: readonly Assessment[];
  primary?: boolean;
  endpoint?: boolean;
  mriRebaseline?: boolean;
};

export type BuildScheduleInput = {
  randomisedAt: InstantInput;
  siteTimeZone: string;
  arm: TrialArm;
  template?: VisitTemplate;
  /** Transplant day 0 (reinfusion), arm A only; the weekly arm-A visits exist only once it is known. */
  transplantDay0?: IsoDate | null;
};

/** Week 0: the calendar date of the randomisation instant in the site's zone. */
export function randomisationAnchorDate(randomisedAt: InstantInput, siteTimeZone: string): IsoDate {
  return dateInZone(randomisedAt, siteTimeZone);
}

function assertTemplate(template: VisitTemplate): void {
  const problems = validateVisitTemplate(template);
  if (problems.length > 0) {
    throw new RangeError(`invalid visit template: ${problems.join('; ')}`);
  }
}

/** The arm-A weekly visits for a given transplant day 0. */
export function buildArmAVisits(
  transplantDay0: IsoDate,
  template: VisitTemplate = DEFAULT_VISIT_TEMPLATE,
): PlannedVisit[] {
  parseIsoDate(transplantDay0);
  const rule = template.armAWeekly;
  return armAWeeklyDays(rule).map((day) => {
    const targetDate = addDays(transplantDay0, day);
    return {
      code: armAVisitCode(day),
      kind: 'arm_a_weekly',
      anchor: 'transplant',
      offsetDays: day,
      targetDate,
      windowStart: addDays(targetDate, -rule.window.beforeDays),
      windowEnd: addDays(targetDate, rule.window.afterDays),
      assessments: rule.assessments,
    };
  });
}

function byTargetDate(a: PlannedVisit, b: PlannedVisit): number {
  const d = daysBetween(b.targetDate, a.targetDate);
  if (d !== 0) {
    return d;
  }
  if (a.kind !== b.kind) {
    return a.kind === 'scheduled' ? -1 : 1;
  }
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** All planned visits of a participant, ordered by target date. */
export function buildSchedule(input: BuildScheduleInput): PlannedVisit[] {
  const template = input.template ?? DEFAULT_VISIT_TEMPLATE;
  assertTimeZone(input.siteTimeZone);
  assertTemplate(template);
  if (input.arm !== 'A' && input.arm !== 'B') {
    throw new RangeError(`unknown arm: ${String(input.arm)}`);
  }
  const hasDay0 = input.transplantDay0 !== undefined && input.transplantDay0 !== null;
  if (input.arm === 'B' && hasDay0) {
    throw new RangeError('arm B has no transplant day 0');
  }
  const anchor = randomisationAnchorDate(input.randomisedAt, input.siteTimeZone);
  const visits: PlannedVisit[] = template.scheduled.map((def) => {
    const offsetDays = def.week * 7;
    const targetDate = addDays(anchor, offsetDays);
    const visit: PlannedVisit = {
      code: def.code,
      kind: 'scheduled',
      anchor: 'randomisation',
      offsetDays,
      targetDate,
      windowStart: addDays(targetDate, -def.window.beforeDays),
      windowEnd: addDays(targetDate, def.window.afterDays),
      assessments: def.assessments,
    };
    if (def.primary === true) {
      visit.primary = true;
    }
    if (def.endpoint === true) {
      visit.endpoint = true;
    }
    if (def.mriRebaseline === true) {
      visit.mriRebaseline = true;
    }
    return visit;
  });
  if (input.arm === 'A' && hasDay0) {
    visits.push(...buildArmAVisits(input.transplantDay0 as IsoDate, template));
  }
  return visits.sort(byTargetDate);
}

export type VisitDates = Pick<PlannedVisit, 'targetDate' | 'windowStart' | 'windowEnd'>;

export type VisitMove = { code: string; from: VisitDates; to: VisitDates };

export type ReanchorResult = {
  /** The full visit list after re-anchoring (input order kept, created visits appended). */
  visits: PlannedVisit[];
  /** Unlogged arm-A visits whose dates change. */
  moved: VisitMove[];
  /** Arm-A visits of the template that did not exist yet (only when a template is given). */
  created: PlannedVisit[];
  /** Arm-A visits left where they are because they are already logged. */
  keptLogged: string[];
};

/**
 * Moves the arm-A weekly visits to a new transplant day 0. Logged visits (codes in `loggedCodes`)
 * never move; scheduled (randomisation-anchored) visits are never touched. Each visit keeps its
 * offset and its window widths. When `template` is given, arm-A visits it defines that are missing
 * from `existing` are created (day 0 set for the first time). Re-anchoring twice to the same day
 * moves nothing the second time.
 */
export function reanchorArmA(
  existing: readonly PlannedVisit[],
  newDay0: IsoDate,
  loggedCodes: Iterable<string>,
  template?: VisitTemplate,
): ReanchorResult {
  parseIsoDate(newDay0);
  const logged = new Set(loggedCodes);
  const moved: VisitMove[] = [];
  const keptLogged: string[] = [];
  const visits = existing.map((visit): PlannedVisit => {
    if (visit.anchor !== 'transplant') {
      return visit;
    }
    if (logged.has(visit.code)) {
      keptLogged.push(visit.code);
      return visit;
    }
    const targetDate = addDays(newDay0, visit.offsetDays);
    const to: VisitDates = {
      targetDate,
      windowStart: addDays(targetDate, -daysBetween(visit.windowStart, visit.targetDate)),
      windowEnd: addDays(targetDate, daysBetween(visit.targetDate, visit.windowEnd)),
    };
    if (
      to.targetDate === visit.targetDate &&
      to.windowStart === visit.windowStart &&
      to.windowEnd === visit.windowEnd
    ) {
      return visit;
    }
    moved.push({
      code: visit.code,
      from: {
        targetDate: visit.targetDate,
        windowStart: visit.windowStart,
        windowEnd: visit.windowEnd,
      },
      to,
    });
    return { ...visit, ...to };
  });
  const created: PlannedVisit[] = [];
  if (template !== undefined) {
    const present = new Set(existing.map((v) => v.code));
    for (const visit of buildArmAVisits(newDay0, template)) {
      if (!present.has(visit.code)) {
        created.push(visit);
        visits.push(visit);
      }
    }
  }
  return { visits, moved, created, keptLogged };
}
