import type { RamMsActivityParams } from 'src/modules/eligibility/engine/criteria-sets';
import { minusMonths, plusMonths } from 'src/modules/eligibility/engine/dates';
import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { allOf, anyOf, fails, holds, judge, unknown, type Check } from './check';
import {
  describeMri,
  describeRelapse,
  readMriExams,
  readRelapses,
  readTreatments,
  referenceDateOf,
  type MriView,
  type RelapseView,
  type TreatmentView,
} from './read';
import type { Rule } from './rule.types';

/** First day of "the last year" before `at` (assessment date minus `lastYearMonths`). */
export function lastYearStart(
  at: IsoDate,
  p: Pick<RamMsActivityParams, 'lastYearMonths'>,
): IsoDate {
  return minusMonths(at, p.lastYearMonths);
}

/** Is `date` within the last year up to and including `at`? */
export function isInLastYear(
  date: IsoDate,
  at: IsoDate,
  p: Pick<RamMsActivityParams, 'lastYearMonths' | 'lastYearInclusive'>,
): boolean {
  const start = lastYearStart(at, p);
  return date <= at && (p.lastYearInclusive ? date >= start : date > start);
}

function windowText(at: IsoDate, p: RamMsActivityParams): string {
  return `${p.lastYearInclusive ? '' : 'after '}${lastYearStart(at, p)}..${at}`;
}

/** Was the relapse at `onset` >= N months into a listed standard DMT the person was still on? */
function checkOnStandardDmt(
  label: string,
  onset: IsoDate,
  treatments: readonly TreatmentView[] | null,
  p: RamMsActivityParams,
): Check {
  if (treatments === null) {
    return unknown(`${label}: treatments not recorded`);
  }
  const n = p.relapseMinMonthsAfterDmtStart;
  const candidates = treatments.map((t): Check => {
    if (t.drug === null) {
      return unknown(`${label}: drug of treatment #${t.position} not recorded`);
    }
    if (!p.standardDmts.includes(t.drug)) {
      return fails('');
    }
    if (t.start === null) {
      return unknown(`${label}: start date of ${t.drug} not recorded`);
    }
    const earliest = plusMonths(t.start, n);
    if (onset < earliest) {
      return fails(`${t.drug} started ${t.start}, onset before start + ${n} months (${earliest})`);
    }
    const since = `on ${t.drug} since ${t.start} (start + ${n} months = ${earliest} <= onset)`;
    if (!p.relapseRequiresStillOnDmt) {
      return holds(since);
    }
    if (t.end === 'ongoing') {
      return holds(`${since}, still on it`);
    }
    if (t.end === null) {
      return unknown(`${label}: end date of ${t.drug} from ${t.start} not recorded`);
    }
    return t.end >= onset
      ? holds(`${since}, ended ${t.end} on/after onset`)
      : fails(`${t.drug} from ${t.start} ended ${t.end}, before onset`);
  });
  return anyOf(
    candidates,
    `${label}: not >= ${n} months into a listed standard DMT still taken at onset`,
  );
}

function checkRelapse(
  r: RelapseView,
  treatments: readonly TreatmentView[] | null,
  at: IsoDate,
  p: RamMsActivityParams,
): Check {
  const label = describeRelapse(r);
  if (r.onset === null) {
    return unknown(`${label}`);
  }
  if (!isInLastYear(r.onset, at, p)) {
    return fails(`${label} outside ${windowText(at, p)}`);
  }
  const checks: Check[] = [holds(`${label} within ${windowText(at, p)}`)];
  if (p.relapseRequiresSteroids) {
    checks.push(
      r.steroidTreated === null
        ? unknown(`${label}: steroid treatment not recorded`)
        : r.steroidTreated
          ? holds('steroid-treated')
          : fails(`${label} not steroid-treated`),
    );
  }
  if (p.relapseRequiresClinicallyRelevant) {
    checks.push(
      r.clinicallyRelevant === null
        ? unknown(`${label}: clinical relevance not recorded`)
        : r.clinicallyRelevant
          ? holds('clinically relevant')
          : fails(`${label} not clinically relevant`),
    );
  }
  checks.push(checkOnStandardDmt(label, r.onset, treatments, p));
  return allOf(checks);
}

/** I5 clinical part: >= 1 qualifying relapse in the last year. */
export function checkQualifyingRelapse(
  data: ScreeningData,
  at: IsoDate,
  p: RamMsActivityParams,
): Check {
  const relapses = readRelapses(data);
  if (relapses === null) {
    return unknown('relapses not recorded');
  }
  const treatments = readTreatments(data, p.missingTreatmentEndMeans);
  return anyOf(
    relapses.map((r) => checkRelapse(r, treatments, at, p)),
    `no qualifying relapse in ${windowText(at, p)}`,
  );
}

function checkActiveExam(
  exam: MriView,
  all: readonly MriView[],
  at: IsoDate,
  p: RamMsActivityParams,
): Check {
  const label = describeMri(exam);
  if (exam.date === null) {
    return unknown(label);
  }
  if (!isInLastYear(exam.date, at, p)) {
    return fails(`${label} outside ${windowText(at, p)}`);
  }
  const gd: Check =
    exam.gd === null
      ? unknown(`${label}: Gd+ count not recorded`)
      : exam.gd >= p.mriGdMin
        ? holds(`${label} with ${exam.gd} Gd+ lesion(s) (>= ${p.mriGdMin})`)
        : fails(`${exam.gd} Gd+`);
  let t2: Check;
  if (exam.t2 === null) {
    t2 = unknown(`${label}: new/enlarging T2 count not recorded`);
  } else if (exam.t2 < p.mriT2Min) {
    t2 = fails(`${exam.t2} new/enlarging T2`);
  } else if (p.mriT2RequiresReferenceExam && referenceDateOf(exam, all) === null) {
    t2 = unknown(`${label}: ${exam.t2} new/enlarging T2 but the reference exam is not recorded`);
  } else {
    t2 = holds(`${label} with ${exam.t2} new/enlarging T2 lesions (>= ${p.mriT2Min})`);
  }
  return anyOf([gd, t2], `${label} not active`);
}

/** I5 MRI part: an exam in the last year with >= 1 Gd+ or >= 3 new/enlarging T2 lesions. */
export function checkMriActivity(data: ScreeningData, at: IsoDate, p: RamMsActivityParams): Check {
  const exams = readMriExams(data);
  if (exams === null) {
    return unknown('MRI exams not recorded');
  }
  return anyOf(
    exams.map((e) => checkActiveExam(e, exams, at, p)),
    `no MRI in ${windowText(at, p)} with >= ${p.mriGdMin} Gd+ or >= ${p.mriT2Min} new/enlarging T2 lesions`,
  );
}

/**
 * RAM-MS I5: significant inflammatory activity in the last year despite standard DMT:
 * >= 1 qualifying relapse AND MRI activity (I5a-c).
 */
export const ruleI5: Rule<RamMsActivityParams> = (data, assessmentDate, params) =>
  judge('I5', assessmentDate, (at) =>
    allOf([checkQualifyingRelapse(data, at, params), checkMriActivity(data, at, params)]),
  );
