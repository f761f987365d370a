import type { DiseaseDurationParams } from 'src/modules/eligibility/engine/criteria-sets';
import { parseIsoDate, plusYears } from 'src/modules/eligibility/engine/dates';
import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { fails, holds, judge, unknown, type Check } from './check';
import { field } from './read';
import type { Rule } from './rule.types';

/** Disease duration (from the diagnosis date by default) below the maximum at the assessment date. */
export function checkDiseaseDuration(
  data: ScreeningData,
  at: IsoDate,
  p: DiseaseDurationParams,
): Check {
  const anchorName =
    p.diseaseDurationAnchor === 'diagnosisDate' ? 'diagnosis date' : 'symptom onset date';
  const anchor = parseIsoDate(field(field(data, 'diagnosis'), p.diseaseDurationAnchor));
  if (anchor === null) {
    return unknown(`${anchorName} not recorded or not a valid date`);
  }
  if (anchor > at) {
    return unknown(`${anchorName} ${anchor} is after the assessment date ${at}`);
  }
  const n = p.maxDiseaseDurationYears;
  const limit = plusYears(anchor, n);
  // strict: duration < n years  <=>  at < anchor + n years
  const within = p.diseaseDurationStrict ? at < limit : at <= limit;
  const op = p.diseaseDurationStrict ? '<' : '<=';
  return within
    ? holds(
        `disease duration from ${anchorName} ${anchor} to ${at} is ${op} ${n} years (${n} years reached ${limit})`,
      )
    : fails(
        `disease duration from ${anchorName} ${anchor} to ${at} is not ${op} ${n} years (${n} years reached ${limit})`,
      );
}

/** ZIN Z-I4: disease duration < 10 years, counted from the diagnosis date. */
export const ruleZI4: Rule<DiseaseDurationParams> = (data, assessmentDate, params) =>
  judge('Z-I4', assessmentDate, (at) => checkDiseaseDuration(data, at, params));
