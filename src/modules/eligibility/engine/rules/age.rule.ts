import type { AgeParams } from 'src/modules/eligibility/engine/criteria-sets';
import { parseIsoDate, wholeYearsBetween } from 'src/modules/eligibility/engine/dates';
import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { fails, holds, judge, unknown, type Check } from './check';
import { field } from './read';
import type { Rule } from './rule.types';

function boundText(value: number, inclusive: boolean, side: 'min' | 'max'): string {
  if (side === 'min') {
    return inclusive ? `>= ${value}` : `> ${value}`;
  }
  return inclusive ? `<= ${value}` : `< ${value}`;
}

/** Age in whole years at the assessment date, within [ageMin, ageMax]. */
export function checkAge(data: ScreeningData, at: IsoDate, p: AgeParams): Check {
  const birthDate = parseIsoDate(field(data, 'birthDate'));
  if (birthDate === null) {
    return unknown('birth date not recorded or not a valid date');
  }
  if (birthDate > at) {
    return unknown(`birth date ${birthDate} is after the assessment date ${at}`);
  }
  const age = wholeYearsBetween(birthDate, at, p.leapDayBirthday);
  const aboveMin = p.ageMinInclusive ? age >= p.ageMin : age > p.ageMin;
  const belowMax = p.ageMaxInclusive ? age <= p.ageMax : age < p.ageMax;
  const range = `${boundText(p.ageMin, p.ageMinInclusive, 'min')} and ${boundText(p.ageMax, p.ageMaxInclusive, 'max')}`;
  const base = `age ${age} at ${at}`;
  if (!aboveMin) {
    return fails(`${base} is below the range ${range}`);
  }
  if (!belowMax) {
    return fails(`${base} is above the range ${range}`);
  }
  return holds(`${base} is within ${range}`);
}

/** RAM-MS I1: age 18-50 inclusive. */
export const ruleI1: Rule<AgeParams> = (data, assessmentDate, params) =>
  judge('I1', assessmentDate, (at) => checkAge(data, at, params));

/** ZIN Z-I2: age 18-55 inclusive. */
export const ruleZI2: Rule<AgeParams> = (data, assessmentDate, params) =>
  judge('Z-I2', assessmentDate, (at) => checkAge(data, at, params));
