import type { DiagnosisParams } from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { allOf, fails, holds, judge, unknown, type Check } from './check';
import { field, readBool, readCourse } from './read';
import type { Rule } from './rule.types';

/** I3: course in `inclusionCourses` (RRMS) and, if required, McDonald criteria met. */
export function checkQualifyingDiagnosis(data: ScreeningData, p: DiagnosisParams): Check {
  const diagnosis = field(data, 'diagnosis');
  const course = readCourse(field(diagnosis, 'course'));
  const checks: Check[] = [
    course === null
      ? unknown('disease course not recorded')
      : p.inclusionCourses.includes(course)
        ? holds(`course ${course}`)
        : fails(`course ${course} is not ${p.inclusionCourses.join('/')}`),
  ];
  if (p.requireMcDonald) {
    const mcDonald = readBool(field(diagnosis, 'mcDonaldMet'));
    checks.push(
      mcDonald === null
        ? unknown('McDonald criteria not recorded')
        : mcDonald
          ? holds('revised McDonald criteria met')
          : fails('revised McDonald criteria not met'),
    );
  }
  return allOf(checks);
}

/** E4 / Z-E3 (exclusion): met when the course is not progressive. */
export function checkNotProgressive(data: ScreeningData, p: DiagnosisParams): Check {
  const course = readCourse(field(field(data, 'diagnosis'), 'course'));
  if (course === null) {
    return unknown('disease course not recorded');
  }
  return p.progressiveCourses.includes(course)
    ? fails(`course ${course} is progressive MS`)
    : holds(`course ${course} is not progressive (${p.progressiveCourses.join('/')})`);
}

/** RAM-MS I3: RRMS diagnosed by the revised McDonald criteria. */
export const ruleI3: Rule<DiagnosisParams> = (data, assessmentDate, params) =>
  judge('I3', assessmentDate, () => checkQualifyingDiagnosis(data, params));

/** RAM-MS E4: progressive MS (PPMS/SPMS) excludes. */
export const ruleE4: Rule<DiagnosisParams> = (data, assessmentDate, params) =>
  judge('E4', assessmentDate, () => checkNotProgressive(data, params));

/** ZIN Z-E3: diagnosis of PPMS or SPMS excludes. */
export const ruleZE3: Rule<DiagnosisParams> = (data, assessmentDate, params) =>
  judge('Z-E3', assessmentDate, () => checkNotProgressive(data, params));
