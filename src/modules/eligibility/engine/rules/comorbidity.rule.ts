import type {
  RamMsComorbidityParams,
  ZinComorbidityParams,
} from 'src/modules/eligibility/engine/criteria-sets';
import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';
import { exclusionFromFindings, judge, type Check } from './check';
import {
  ACTIVE_INFECTION_LABELS,
  COMORBIDITY_LABELS,
  TEST_LABELS,
  activeInfectionFindings,
  comorbidityFindings,
  names,
  testFindings,
} from './findings';
import type { Rule } from './rule.types';

function checkNoContraindication(data: ScreeningData): Check {
  return exclusionFromFindings(
    comorbidityFindings(data, ['contraindicationOrHypersensitivity']),
    'no known contraindication or hypersensitivity to the study medication',
  );
}

/** RAM-MS E1: hypersensitivity or known serious side effects to any study medication excludes. */
export const ruleE1: Rule<unknown> = (data, assessmentDate) =>
  judge('E1', assessmentDate, () => checkNoContraindication(data));

/** RAM-MS E10 [UNVERIFIED]: severe depression, addiction, CV risk, disease preventing medication. */
export const ruleE10: Rule<RamMsComorbidityParams> = (data, assessmentDate, params) =>
  judge('E10', assessmentDate, () =>
    exclusionFromFindings(
      comorbidityFindings(data, params.e10Flags),
      `none of: ${names(params.e10Flags, COMORBIDITY_LABELS)}`,
    ),
  );

/** RAM-MS E11 [UNVERIFIED]: active malignancy or past malignancy other than BCC / cervical CIS. */
export const ruleE11: Rule<RamMsComorbidityParams> = (data, assessmentDate, params) =>
  judge('E11', assessmentDate, () =>
    exclusionFromFindings(
      comorbidityFindings(data, params.e11Flags),
      `none of: ${names(params.e11Flags, COMORBIDITY_LABELS)}`,
    ),
  );

/** ZIN Z-E1: contraindication to aHSCT, incl. hypersensitivity to its medication, excludes. */
export const ruleZE1: Rule<unknown> = (data, assessmentDate) =>
  judge('Z-E1', assessmentDate, () => checkNoContraindication(data));

/** ZIN Z-E2: clinically relevant comorbidity (a-f) excludes. */
export const ruleZE2: Rule<ZinComorbidityParams> = (data, assessmentDate, params) =>
  judge('Z-E2', assessmentDate, () =>
    exclusionFromFindings(
      [
        ...comorbidityFindings(data, params.zinE2Flags),
        ...testFindings(data, params.zinE2PositiveTests),
        ...activeInfectionFindings(data, params.zinE2ActiveInfections),
      ],
      `none of: ${names(params.zinE2Flags, COMORBIDITY_LABELS)}; ` +
        `${names(params.zinE2PositiveTests, TEST_LABELS)} tests negative; ` +
        `no active ${names(params.zinE2ActiveInfections, ACTIVE_INFECTION_LABELS)} infection`,
    ),
  );
