import type { ZinActivityParams } from 'src/modules/eligibility/engine/criteria-sets';
import { minDate, minusMonths, plusMonths } from 'src/modules/eligibility/engine/dates';
import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { allOf, anyOf, fails, holds, judge, unknown, type Check } from './check';
import {
  describeMri,
  describeRelapse,
  field,
  readCourse,
  readMriExams,
  readRelapses,
  readTreatments,
  referenceDateOf,
  type MriView,
  type RelapseView,
  type TreatmentView,
} from './read';
import type { Rule } from './rule.types';

/** A treatment known to be a high-efficacy DMT with a start on/before the assessment date. */
interface HeEpisode {
  drug: string;
  start: IsoDate;
  end: IsoDate | 'ongoing' | null;
  label: string;
}

/** >= N months on the HE DMT, counted to its end date or to the assessment date. */
function checkDuration(t: HeEpisode, at: IsoDate, p: ZinActivityParams): Check {
  const n = p.zinMinMonthsOnHeDmt;
  const needed = plusMonths(t.start, n);
  if (t.end === null) {
    return needed > at
      ? fails(`${t.label}: less than ${n} months by ${at} (needs ${needed})`)
      : unknown(`${t.label}: end date not recorded, so ${n} months on it cannot be confirmed`);
  }
  const until = t.end === 'ongoing' ? at : minDate(t.end, at);
  const endText = t.end === 'ongoing' ? `ongoing at ${at}` : `ended ${t.end}`;
  return needed <= until
    ? holds(`${t.label} (${endText}): >= ${n} months (start + ${n} months = ${needed})`)
    : fails(`${t.label} (${endText}): less than ${n} months (start + ${n} months = ${needed})`);
}

/** When `zinActivityMustBeWhileOnHeDmt`: was the person still on the HE DMT on `date`? */
function checkStillOn(
  t: HeEpisode,
  date: IsoDate,
  what: string,
  p: ZinActivityParams,
): Check | null {
  if (!p.zinActivityMustBeWhileOnHeDmt || t.end === 'ongoing') {
    return null;
  }
  if (t.end === null) {
    return unknown(`${what}: end date of ${t.label} not recorded`);
  }
  return t.end >= date ? holds('') : fails(`${what} after ${t.label} ended ${t.end}`);
}

function checkRelapse(r: RelapseView, t: HeEpisode, at: IsoDate, p: ZinActivityParams): Check {
  const label = describeRelapse(r);
  if (r.onset === null) {
    return unknown(label);
  }
  if (r.onset > at) {
    return fails(`${label} after the assessment date`);
  }
  if (r.onset < t.start) {
    return fails(`${label} before the start`);
  }
  if (p.zinRelapseWindowMonths !== null) {
    const oldest = minusMonths(at, p.zinRelapseWindowMonths);
    if (r.onset < oldest) {
      return fails(`${label} before ${oldest} (${p.zinRelapseWindowMonths}-month window)`);
    }
  }
  const checks: Check[] = [];
  const stillOn = checkStillOn(t, r.onset, label, p);
  if (stillOn !== null) {
    checks.push(stillOn);
  }
  if (p.zinRelapseRequiresClinicallyRelevant) {
    checks.push(
      r.clinicallyRelevant === null
        ? unknown(`${label}: clinical relevance not recorded`)
        : r.clinicallyRelevant
          ? holds(`clinically relevant ${label} on/after the start`)
          : fails(`${label} not clinically relevant`),
    );
  } else {
    checks.push(holds(`${label} on/after the start`));
  }
  return allOf(checks);
}

function checkRelapses(
  relapses: readonly RelapseView[] | null,
  t: HeEpisode,
  at: IsoDate,
  p: ZinActivityParams,
): Check {
  if (relapses === null) {
    return unknown('relapses not recorded');
  }
  return anyOf(
    relapses.map((r) => checkRelapse(r, t, at, p)),
    `no clinically relevant relapse on/after ${t.label}`,
  );
}

function checkExam(
  exam: MriView,
  all: readonly MriView[],
  t: HeEpisode,
  at: IsoDate,
  p: ZinActivityParams,
): Check {
  const label = describeMri(exam);
  if (exam.date === null) {
    return unknown(label);
  }
  const earliest = plusMonths(t.start, p.zinMriMinMonthsAfterHeStart);
  const oldest = minusMonths(at, p.zinActiveMriMaxAgeMonths);
  if (exam.date > at) {
    return fails(`${label} after the assessment date`);
  }
  const youngEnough = p.zinActiveMriAgeStrict ? exam.date > oldest : exam.date >= oldest;
  if (!youngEnough) {
    return fails(
      `${label} is not ${p.zinActiveMriAgeStrict ? 'less than' : 'at most'} ${p.zinActiveMriMaxAgeMonths} months old at ${at}`,
    );
  }
  if (exam.date < earliest) {
    return fails(
      `${label} is before start + ${p.zinMriMinMonthsAfterHeStart} months (${earliest})`,
    );
  }
  const stillOn = checkStillOn(t, exam.date, label, p);
  if (stillOn !== null && stillOn.value !== true) {
    return stillOn;
  }

  const gd: Check =
    exam.gd === null
      ? unknown(`${label}: Gd+ count not recorded`)
      : exam.gd >= p.zinGdMin
        ? holds(`${label} with ${exam.gd} Gd+ lesions (>= ${p.zinGdMin}, >= ${earliest})`)
        : fails(`${exam.gd} Gd+`);

  let t2: Check;
  if (exam.t2 === null) {
    t2 = unknown(`${label}: new/enlarging T2 count not recorded`);
  } else if (exam.t2 < p.zinT2Min) {
    t2 = fails(`${exam.t2} new/enlarging T2`);
  } else {
    const ref = referenceDateOf(exam, all);
    if (ref === null) {
      t2 = unknown(`${label}: ${exam.t2} new/enlarging T2 but the reference exam is not recorded`);
    } else if (ref >= exam.date) {
      t2 = unknown(`${label}: reference exam ${ref} is not before the exam`);
    } else if (ref < earliest) {
      t2 = fails(
        `${exam.t2} new/enlarging T2 against ${ref}, which is before start + ${p.zinMriMinMonthsAfterHeStart} months (${earliest})`,
      );
    } else {
      t2 = holds(
        `${label} with ${exam.t2} new/enlarging T2 lesions (>= ${p.zinT2Min}) against ${ref} (>= ${earliest})`,
      );
    }
  }
  return anyOf([gd, t2], `${label} not active`);
}

function checkMri(
  exams: readonly MriView[] | null,
  t: HeEpisode,
  at: IsoDate,
  p: ZinActivityParams,
): Check {
  if (exams === null) {
    return unknown('MRI exams not recorded');
  }
  return anyOf(
    exams.map((e) => checkExam(e, exams, t, at, p)),
    `no active MRI after ${t.label}`,
  );
}

function checkEpisode(
  t: TreatmentView,
  relapses: readonly RelapseView[] | null,
  exams: readonly MriView[] | null,
  at: IsoDate,
  p: ZinActivityParams,
): Check {
  if (t.drug === null) {
    return unknown(`drug of treatment #${t.position} not recorded`);
  }
  if (!p.highEfficacyDmts.includes(t.drug)) {
    return fails('');
  }
  if (t.start === null) {
    return unknown(`start date of ${t.drug} not recorded`);
  }
  if (t.start > at) {
    return fails(`${t.drug} starts after the assessment date`);
  }
  const episode: HeEpisode = {
    drug: t.drug,
    start: t.start,
    end: t.end,
    label: `${t.drug} from ${t.start}`,
  };
  return allOf([
    checkDuration(episode, at, p),
    checkRelapses(relapses, episode, at, p),
    checkMri(exams, episode, at, p),
  ]);
}

/**
 * ZIN Z-I1: very active RRMS despite >= 6 months of a high-efficacy DMT: on one HE episode,
 * >= 6 months on it, a clinically relevant relapse on/after its start, and an active MRI
 * (>= 2 Gd+ on an exam >= 3 months after start, or >= 3 new/enlarging T2 against a reference
 * exam >= 3 months after start), the active exam < 12 months old.
 */
export function checkVeryActiveDespiteHeDmt(
  data: ScreeningData,
  at: IsoDate,
  p: ZinActivityParams,
): Check {
  const checks: Check[] = [];
  if (p.zinRequiresRrmsCourse) {
    const course = readCourse(field(field(data, 'diagnosis'), 'course'));
    checks.push(
      course === null
        ? unknown('disease course not recorded')
        : course === 'RRMS'
          ? holds('RRMS')
          : fails(`course ${course} is not RRMS`),
    );
  }
  const treatments = readTreatments(data, p.missingTreatmentEndMeans);
  if (treatments === null) {
    checks.push(unknown('treatments not recorded'));
  } else {
    const relapses = readRelapses(data);
    const exams = readMriExams(data);
    checks.push(
      anyOf(
        treatments.map((t) => checkEpisode(t, relapses, exams, at, p)),
        `no high-efficacy DMT (${p.highEfficacyDmts.join(', ')}) with >= ${p.zinMinMonthsOnHeDmt} months of use, a relapse and an active MRI`,
      ),
    );
  }
  return allOf(checks);
}

export const ruleZI1: Rule<ZinActivityParams> = (data, assessmentDate, params) =>
  judge('Z-I1', assessmentDate, (at) => checkVeryActiveDespiteHeDmt(data, at, params));
