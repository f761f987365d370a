import type { RamMsInfectionParams } from 'src/modules/eligibility/engine/criteria-sets';
import { exclusionFromFindings, judge } from './check';
import {
  ACTIVE_INFECTION_LABELS,
  TEST_LABELS,
  activeInfectionFindings,
  names,
  testFindings,
} from './findings';
import type { Rule } from './rule.types';

/** RAM-MS E5: a positive TB, hepatitis (HBsAg, HCV PCR) or HIV test excludes; pending = unknown. */
export const ruleE5: Rule<RamMsInfectionParams> = (data, assessmentDate, params) =>
  judge('E5', assessmentDate, () =>
    exclusionFromFindings(
      testFindings(data, params.e5PositiveTests),
      `${names(params.e5PositiveTests, TEST_LABELS)} tests negative`,
    ),
  );

/**
 * RAM-MS E9 [UNVERIFIED]: other infections (active CMV, EBV, HSV, VZV, toxoplasmosis; positive
 * syphilis, HBsAg or HCV PCR) exclude.
 */
export const ruleE9: Rule<RamMsInfectionParams> = (data, assessmentDate, params) =>
  judge('E9', assessmentDate, () =>
    exclusionFromFindings(
      [
        ...activeInfectionFindings(data, params.e9ActiveInfections),
        ...testFindings(data, params.e9PositiveTests),
      ],
      `no active ${names(params.e9ActiveInfections, ACTIVE_INFECTION_LABELS)} infection; ` +
        `${names(params.e9PositiveTests, TEST_LABELS)} tests negative`,
    ),
  );
