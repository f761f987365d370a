import { compareDates, type IsoDate } from 'src/common/time/calendar-date';
import type { VisitEntity } from './entities/visit.entity';
import { ADVERSE_EVENT, VISIT_ASSESSMENT, VISIT_LOG } from './follow-up-records';

/**
 * Edit checks (issue 18) as configuration: each raises a data query by the system on the item it
 * finds wrong, once, and closes it (`resolved`) when the data no longer fail it. Checks within one
 * record run when the record is saved (EditChecksService, a record-change hook); time-based
 * checks run in the follow-up sweep. Which run, and their parameters, are trial settings
 * (`followUp.editChecks`: a list of `{ id, enabled?, params? }` over the defaults below). Pure: no
 * I/O.
 */

export const EDIT_CHECK_IDS = [
  'ae_end_before_onset',
  'edss_rise_without_relapse',
  'visit_out_of_window',
  'mri_missing',
] as const;
export type EditCheckId = (typeof EDIT_CHECK_IDS)[number];

export type EditChecks = {
  /** On save: an adverse event whose end date lies before its onset date. */
  ae_end_before_onset: { enabled: boolean };
  /**
   * On save: an EDSS score at least `minRise` points above the participant's previous recorded
   * EDSS, at a logged visit that records no relapse, with no relapse onset since that assessment.
   */
  edss_rise_without_relapse: { enabled: boolean; minRise: number };
  /** In the sweep: a scheduled visit logged with a visit date outside its window. */
  visit_out_of_window: { enabled: boolean };
  /**
   * In the sweep: a logged visit whose planned assessments include an MRI (the visit template,
   * docs/domain/ram-ms.md §5) with no MRI read once its window closed `daysAfterWindow` days ago.
   */
  mri_missing: { enabled: boolean; daysAfterWindow: number };
};

/** The defaults: every check on; an EDSS rise of 1.0 point; an MRI missing from the day after the window. */
export const DEFAULT_EDIT_CHECKS: EditChecks = Object.freeze({
  ae_end_before_onset: { enabled: true },
  edss_rise_without_relapse: { enabled: true, minRise: 1 },
  visit_out_of_window: { enabled: true },
  mri_missing: { enabled: true, daysAfterWindow: 0 },
});

/** Where each check's query points: the record kind and the field-registry item. */
export const EDIT_CHECK_TARGETS: Record<EditCheckId, { record: string; itemId: string }> = {
  ae_end_before_onset: { record: ADVERSE_EVENT, itemId: 'adverse_event.endDate' },
  edss_rise_without_relapse: { record: VISIT_ASSESSMENT, itemId: 'assessment.edss' },
  visit_out_of_window: { record: VISIT_LOG, itemId: 'visit.visitDate' },
  mri_missing: { record: VISIT_ASSESSMENT, itemId: 'assessment.mriDate' },
};

/** The parameters each check takes, with their rule. */
const PARAMS: Record<
  EditCheckId,
  Record<string, { valid: (v: unknown) => boolean; rule: string }>
> = {
  ae_end_before_onset: {},
  edss_rise_without_relapse: {
    minRise: {
      // EDSS moves in steps of 0.5.
      valid: (v) => typeof v === 'number' && v >= 0.5 && v <= 10 && Number.isInteger(v * 2),
      rule: 'a multiple of 0.5 from 0.5 to 10',
    },
  },
  visit_out_of_window: {},
  mri_missing: {
    daysAfterWindow: {
      valid: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 366,
      rule: 'a whole number of days from 0 to 366',
    },
  },
};

/** One entry of the trial settings' `followUp.editChecks`. */
export type EditCheckSetting = { id: string; enabled?: boolean; params?: Record<string, unknown> };

const isCheckId = (v: unknown): v is EditCheckId => EDIT_CHECK_IDS.includes(v as EditCheckId);

/**
 * The checks as configured: the defaults with each listed check's `enabled` and `params`
 * overriding them; `problems` names every entry that is not a known check or valid parameter.
 */
export function editChecksOf(settings: unknown): { checks: EditChecks; problems: string[] } {
  const checks = JSON.parse(JSON.stringify(DEFAULT_EDIT_CHECKS)) as EditChecks;
  const problems: string[] = [];
  if (settings === undefined || settings === null) {
    return { checks, problems };
  }
  if (!Array.isArray(settings)) {
    return { checks, problems: ['must be a list of { id, enabled?, params? }'] };
  }
  const seen = new Set<string>();
  settings.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Partial<EditCheckSetting>;
    if (!isCheckId(e.id)) {
      problems.push(`[${i}].id must be one of ${EDIT_CHECK_IDS.join(', ')}`);
      return;
    }
    if (seen.has(e.id)) {
      problems.push(`[${i}].id: ${e.id} is listed twice`);
      return;
    }
    seen.add(e.id);
    const check = checks[e.id] as { enabled: boolean } & Record<string, unknown>;
    if (e.enabled !== undefined) {
      if (typeof e.enabled !== 'boolean') {
        problems.push(`[${i}].enabled must be true or false`);
      } else {
        check.enabled = e.enabled;
      }
    }
    for (const [name, value] of Object.entries(e.params ?? {})) {
      const param = PARAMS[e.id][name];
      if (!param) {
        const known = Object.keys(PARAMS[e.id]);
        problems.push(
          `[${i}].params.${name}: ${e.id} takes ${known.length > 0 ? known.join(', ') : 'no parameters'}`,
        );
      } else if (!param.valid(value)) {
        problems.push(`[${i}].params.${name} must be ${param.rule}`);
      } else {
        check[name] = value;
      }
    }
  });
  return { checks, problems };
}

// ---- on save ------------------------------------------------------------------------------

/** Check `ae_end_before_onset` on an adverse event's kept values: the problem in words, or null. */
export function aeEndBeforeOnset(ae: {
  onsetDate?: IsoDate | null;
  endDate?: IsoDate | null;
}): string | null {
  if (!ae.onsetDate || !ae.endDate || compareDates(ae.endDate, ae.onsetDate) >= 0) {
    return null;
  }
  return `The end date (${ae.endDate}) is before the onset date (${ae.onsetDate}). Please correct the date that is wrong.`;
}

export type EdssVisit = Pick<
  VisitEntity,
  | 'id'
  | 'siteId'
  | 'code'
  | 'kind'
  | 'status'
  | 'targetDate'
  | 'edssScore'
  | 'edssDate'
  | 'siteData'
  | 'unscheduledReason'
>;

export type EdssRise = { visit: EdssVisit; text: string };

const tenths = (score: number) => Math.round(score * 10);
const points = (t: number) => (t / 10).toFixed(1);

/**
 * Check `edss_rise_without_relapse` over one participant's visits: each visit whose EDSS lies at
 * least `minRise` above the previous recorded EDSS (by examination date) while no relapse is
 * recorded, neither at that visit (its log: a new relapse, a relapse listed, or an unscheduled
 * relapse visit) nor with an onset since the previous assessment at any visit. A visit not yet
 * logged is not judged: its relapse assessment is still to come. Arm-A visits (never assessed
 * blinded) are left out.
 */
export function edssRisesWithoutRelapse(visits: readonly EdssVisit[], minRise: number): EdssRise[] {
  const assessed = visits
    .filter(
      (v) =>
        v.edssScore !== null &&
        v.edssDate !== null &&
        v.kind !== 'arm_a_weekly' &&
        v.status !== 'cancelled',
    )
    .sort(
      (a, b) =>
        compareDates(a.edssDate!, b.edssDate!) ||
        compareDates(a.targetDate, b.targetDate) ||
        a.code.localeCompare(b.code),
    );
  const onsets = visits.flatMap((v) =>
    (v.siteData?.relapseAssessment?.relapses ?? []).map((r) => r.onsetDate),
  );
  const rises: EdssRise[] = [];
  for (let i = 1; i < assessed.length; i++) {
    const visit = assessed[i];
    const previous = assessed[i - 1];
    const rise = tenths(visit.edssScore!) - tenths(previous.edssScore!);
    if (rise < tenths(minRise) || visit.siteData === null) {
      continue;
    }
    const relapses = visit.siteData.relapseAssessment;
    const atVisit =
      relapses?.newRelapse === true ||
      (relapses?.relapses ?? []).length > 0 ||
      visit.unscheduledReason === 'relapse';
    const since = onsets.some(
      (d) => compareDates(d, previous.edssDate!) > 0 && compareDates(d, visit.edssDate!) <= 0,
    );
    if (atVisit || since) {
      continue;
    }
    rises.push({
      visit,
      text:
        `EDSS ${points(tenths(visit.edssScore!))} is ${points(rise)} above the previous EDSS ` +
        `(${points(tenths(previous.edssScore!))} at ${previous.code} on ${previous.edssDate}) and no relapse ` +
        'is recorded at this visit or since that assessment. Please confirm the score.',
    });
  }
  return rises;
}

// ---- in the sweep ------------------------------------------------------------------------

/** The text of a `visit_out_of_window` query. */
export const outOfWindowText = (v: {
  code: string;
  visitDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
}) =>
  `Visit ${v.code} is logged on ${v.visitDate}, outside its window (${v.windowStart} to ${v.windowEnd}). ` +
  'Please confirm the visit date or correct it.';

/** The text of an `mri_missing` query. */
export const mriMissingText = (v: { code: string; windowStart: IsoDate; windowEnd: IsoDate }) =>
  `Visit ${v.code} requires an MRI, and none is recorded though its window (${v.windowStart} to ${v.windowEnd}) has closed. ` +
  'Please enter the MRI read, or answer why it is missing.';
