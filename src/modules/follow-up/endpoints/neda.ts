import { DateTime } from 'luxon';

/**
 * NEDA-3 ("no evidence of disease activity") of one participant at an endpoint week (96 primary,
 * 240 extension), docs/domain/ram-ms.md §5 and §9 Q5. Pure: the caller passes the participant's data.
 *
 * NEDA is lost by
 * - relapse: a relapse with onset after the randomisation date (strictly) up to the cutoff;
 * - edss_progression: an EDSS increase from baseline of at least 1.5 if baseline is 0, 1.0 if
 *   baseline is ≤ 5.5, 0.5 if baseline is > 5.5, at an assessment up to the cutoff, confirmed by
 *   the first assessment at least 6 calendar months later, with every assessment from the
 *   increase up to that confirmation still at or above the threshold (sustained). By default the
 *   confirmation must also lie within the cutoff, so the result at week 96 is final at week 96;
 *   an unconfirmed (tentative) increase does not lose NEDA and is listed in the details;
 * - mri_activity: any Gd+ lesion or any new/enlarging T2 lesion on an MRI dated after the
 *   week-12 re-baseline exam up to the cutoff (activity on the re-baseline exam itself does not
 *   count; it is the comparator).
 *
 * The cutoff is the date of the endpoint visit when given, otherwise the end of the endpoint
 * window (randomisation date + week × 7 + 28 days).
 *
 * neda is null (insufficient data) when nothing lost NEDA but a component cannot be judged: no
 * baseline EDSS, no EDSS in the endpoint window, no re-baseline MRI, or no MRI after it in the
 * endpoint window ([target − 28 days, cutoff]). A loss is a loss even when other data are missing.
 */

type IsoDate = string;

export type NedaLossReason = 'relapse' | 'edss_progression' | 'mri_activity';

export type NedaMissing = 'edss_baseline' | 'edss_endpoint' | 'mri_rebaseline' | 'mri_endpoint';

export type RelapseRecord = { onsetDate: IsoDate };

export type EdssAssessment = {
  date: IsoDate;
  score: number;
  /** The baseline assessment; without a flag, the last assessment on or before randomisation. */
  baseline?: boolean;
};

export type MriRead = {
  date: IsoDate;
  gdLesions: number;
  newOrEnlargingT2: number;
  /** The week-12 re-baseline exam (exactly one may be flagged). */
  rebaseline?: boolean;
};

export type EdssProgressionRule = {
  /** Increase needed when baseline EDSS is 0. */
  zeroBaselineIncrease: number;
  /** Increase needed when 0 < baseline ≤ lowBaselineMax. */
  lowBaselineIncrease: number;
  lowBaselineMax: number;
  /** Increase needed when baseline > lowBaselineMax. */
  highBaselineIncrease: number;
  /** The confirming assessment is at least this many calendar months after the increase. */
  confirmationMonths: number;
  /** Whether a confirmation dated after the cutoff counts (false: the endpoint result is final). */
  confirmationMayFollowCutoff: boolean;
  /** Whether every assessment between the increase and its confirmation must stay at the threshold. */
  requireSustained: boolean;
};

export type NedaParams = {
  edss: EdssProgressionRule;
  /** Default cutoff = target date + this (end of the endpoint window). */
  endpointWindowAfterDays: number;
  /** The endpoint assessments must be dated on or after target date − this. */
  endpointWindowBeforeDays: number;
};

export const DEFAULT_EDSS_PROGRESSION_RULE: Readonly<EdssProgressionRule> = Object.freeze({
  zeroBaselineIncrease: 1.5,
  lowBaselineIncrease: 1.0,
  lowBaselineMax: 5.5,
  highBaselineIncrease: 0.5,
  confirmationMonths: 6,
  confirmationMayFollowCutoff: false,
  requireSustained: true,
});

export const DEFAULT_NEDA_PARAMS: Readonly<NedaParams> = Object.freeze({
  edss: DEFAULT_EDSS_PROGRESSION_RULE,
  endpointWindowAfterDays: 28,
  endpointWindowBeforeDays: 28,
});

export type NedaInput = {
  randomisationDate: IsoDate;
  /** Endpoint week, e.g. 96 or 240. */
  week: number;
  /** The date of the endpoint visit; defaults to the end of the endpoint window. */
  endpointDate?: IsoDate;
  relapses: readonly RelapseRecord[];
  edss: readonly EdssAssessment[];
  mri: readonly MriRead[];
};

export type EdssProgressionEvent = {
  onsetDate: IsoDate;
  onsetScore: number;
  confirmedDate: IsoDate;
  confirmedScore: number;
};

export type NedaDetails = {
  targetDate: IsoDate;
  cutoffDate: IsoDate;
  endpointWindowStart: IsoDate;
  relapseOnsets: IsoDate[];
  edss: {
    baseline: { date: IsoDate; score: number } | null;
    requiredIncrease: number | null;
    confirmedProgression: EdssProgressionEvent | null;
    unconfirmedIncreases: { date: IsoDate; score: number }[];
  };
  mri: {
    rebaselineDate: IsoDate | null;
    activeScans: { date: IsoDate; gdLesions: number; newOrEnlargingT2: number }[];
  };
  missing: NedaMissing[];
};

export type NedaResult = {
  week: number;
  neda: boolean | null;
  lostBy: NedaLossReason[];
  details: NedaDetails;
};

const EPS = 1e-9;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parse(date: IsoDate, what: string): DateTime {
  const parsed = ISO_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
  if (parsed === null || !parsed.isValid) {
    throw new RangeError(`${what}: not a calendar date 'YYYY-MM-DD': ${String(date)}`);
  }
  return parsed;
}

function iso(d: DateTime): IsoDate {
  const text = d.toISODate();
  if (text === null) {
    throw new RangeError('date out of range');
  }
  return text;
}

function byDate<T extends { date: IsoDate }>(a: T, b: T): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

/** The EDSS increase from `baseline` that counts as progression under `rule`. */
export function requiredEdssIncrease(
  baseline: number,
  rule: EdssProgressionRule = DEFAULT_EDSS_PROGRESSION_RULE,
): number {
  if (Math.abs(baseline) < EPS) {
    return rule.zeroBaselineIncrease;
  }
  return baseline <= rule.lowBaselineMax + EPS
    ? rule.lowBaselineIncrease
    : rule.highBaselineIncrease;
}

function checkScore(score: number, date: IsoDate): void {
  if (!Number.isFinite(score) || score < 0 || score > 10) {
    throw new RangeError(`EDSS score out of range 0..10 on ${date}: ${score}`);
  }
}

function checkCount(n: number, what: string, date: IsoDate): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer on ${date}: ${n}`);
  }
}

function findBaseline(
  edss: readonly EdssAssessment[],
  randomisationDate: IsoDate,
): EdssAssessment | null {
  const flagged = edss.filter((a) => a.baseline === true);
  if (flagged.length > 1) {
    throw new RangeError('more than one EDSS assessment is flagged as baseline');
  }
  if (flagged.length === 1) {
    return flagged[0];
  }
  const before = edss.filter((a) => a.date <= randomisationDate).sort(byDate);
  return before.length > 0 ? before[before.length - 1] : null;
}

function findConfirmedProgression(
  baseline: EdssAssessment,
  assessments: readonly EdssAssessment[],
  cutoffDate: IsoDate,
  rule: EdssProgressionRule,
): { confirmed: EdssProgressionEvent | null; unconfirmed: { date: IsoDate; score: number }[] } {
  const threshold = baseline.score + requiredEdssIncrease(baseline.score, rule);
  const reaches = (a: EdssAssessment): boolean => a.score >= threshold - EPS;
  const after = assessments
    .filter((a) => a !== baseline && a.date > baseline.date)
    .filter((a) => rule.confirmationMayFollowCutoff || a.date <= cutoffDate)
    .sort(byDate);
  const unconfirmed: { date: IsoDate; score: number }[] = [];
  for (let i = 0; i < after.length; i += 1) {
    const onset = after[i];
    if (onset.date > cutoffDate || !reaches(onset)) {
      continue;
    }
    const confirmFrom = iso(parse(onset.date, 'EDSS').plus({ months: rule.confirmationMonths }));
    const j = after.findIndex((a, k) => k > i && a.date >= confirmFrom);
    const confirmation = j === -1 ? null : after[j];
    const sustained =
      confirmation !== null &&
      (rule.requireSustained ? after.slice(i + 1, j + 1).every(reaches) : reaches(confirmation));
    if (confirmation !== null && sustained) {
      return {
        confirmed: {
          onsetDate: onset.date,
          onsetScore: onset.score,
          confirmedDate: confirmation.date,
          confirmedScore: confirmation.score,
        },
        unconfirmed,
      };
    }
    unconfirmed.push({ date: onset.date, score: onset.score });
  }
  return { confirmed: null, unconfirmed };
}

/** NEDA-3 of one participant at an endpoint week. */
export function evaluateNeda3(
  input: NedaInput,
  params: NedaParams = DEFAULT_NEDA_PARAMS,
): NedaResult {
  if (!Number.isInteger(input.week) || input.week <= 0) {
    throw new RangeError(`week must be a positive integer: ${input.week}`);
  }
  const randomisation = parse(input.randomisationDate, 'randomisationDate');
  const target = randomisation.plus({ days: input.week * 7 });
  const targetDate = iso(target);
  const cutoffDate =
    input.endpointDate !== undefined
      ? iso(parse(input.endpointDate, 'endpointDate'))
      : iso(target.plus({ days: params.endpointWindowAfterDays }));
  const endpointWindowStart = iso(target.minus({ days: params.endpointWindowBeforeDays }));
  if (cutoffDate <= input.randomisationDate) {
    throw new RangeError(`endpoint ${cutoffDate} is not after randomisation`);
  }

  for (const r of input.relapses) {
    parse(r.onsetDate, 'relapse onset');
  }
  for (const a of input.edss) {
    parse(a.date, 'EDSS');
    checkScore(a.score, a.date);
  }
  for (const m of input.mri) {
    parse(m.date, 'MRI');
    checkCount(m.gdLesions, 'gdLesions', m.date);
    checkCount(m.newOrEnlargingT2, 'newOrEnlargingT2', m.date);
  }

  const lostBy: NedaLossReason[] = [];
  const missing: NedaMissing[] = [];

  // Relapses.
  const relapseOnsets = input.relapses
    .map((r) => r.onsetDate)
    .filter((d) => d > input.randomisationDate && d <= cutoffDate)
    .sort();
  if (relapseOnsets.length > 0) {
    lostBy.push('relapse');
  }

  // EDSS.
  const baseline = findBaseline(input.edss, input.randomisationDate);
  let requiredIncrease: number | null = null;
  let confirmedProgression: EdssProgressionEvent | null = null;
  let unconfirmedIncreases: { date: IsoDate; score: number }[] = [];
  if (baseline === null) {
    missing.push('edss_baseline');
  } else {
    requiredIncrease = requiredEdssIncrease(baseline.score, params.edss);
    const found = findConfirmedProgression(baseline, input.edss, cutoffDate, params.edss);
    confirmedProgression = found.confirmed;
    unconfirmedIncreases = found.unconfirmed;
    if (confirmedProgression !== null) {
      lostBy.push('edss_progression');
    }
  }
  const edssAtEndpoint = input.edss.some(
    (a) => a !== baseline && a.date >= endpointWindowStart && a.date <= cutoffDate,
  );
  if (!edssAtEndpoint) {
    missing.push('edss_endpoint');
  }

  // MRI.
  const flagged = input.mri.filter((m) => m.rebaseline === true);
  if (flagged.length > 1) {
    throw new RangeError('more than one MRI is flagged as the re-baseline');
  }
  const rebaseline = flagged.length === 1 ? flagged[0] : null;
  const activeScans: NedaDetails['mri']['activeScans'] = [];
  if (rebaseline === null) {
    missing.push('mri_rebaseline');
  } else {
    const scans = input.mri
      .filter((m) => m !== rebaseline && m.date > rebaseline.date && m.date <= cutoffDate)
      .sort(byDate);
    for (const m of scans) {
      if (m.gdLesions > 0 || m.newOrEnlargingT2 > 0) {
        activeScans.push({
          date: m.date,
          gdLesions: m.gdLesions,
          newOrEnlargingT2: m.newOrEnlargingT2,
        });
      }
    }
    if (activeScans.length > 0) {
      lostBy.push('mri_activity');
    }
    if (!scans.some((m) => m.date >= endpointWindowStart)) {
      missing.push('mri_endpoint');
    }
  }

  const neda = lostBy.length > 0 ? false : missing.length > 0 ? null : true;
  return {
    week: input.week,
    neda,
    lostBy,
    details: {
      targetDate,
      cutoffDate,
      endpointWindowStart,
      relapseOnsets,
      edss: {
        baseline: baseline === null ? null : { date: baseline.date, score: baseline.score },
        requiredIncrease,
        confirmedProgression,
        unconfirmedIncreases,
      },
      mri: { rebaselineDate: rebaseline === null ? null : rebaseline.date, activeScans },
      missing,
    },
  };
}
