import type {
  RamMsCriterionId,
  RamMsParams,
  ZinCriterionId,
  ZinParams,
} from 'src/modules/eligibility/engine/criteria-sets';
import { ruleI1, ruleZI2 } from './age.rule';
import { ruleE1, ruleE10, ruleE11, ruleZE1, ruleZE2 } from './comorbidity.rule';
import { ruleE4, ruleI3, ruleZE3 } from './diagnosis.rule';
import { ruleI5 } from './disease-activity.rule';
import { ruleZI4 } from './disease-duration.rule';
import { ruleI4, ruleZI3 } from './edss.rule';
import { ruleE5, ruleE9 } from './infections.rule';
import { ruleE12, ruleE6, ruleE7, ruleI2, ruleI6, ruleI7 } from './participant.rule';
import { ruleE2, ruleE3, ruleE8 } from './prior-treatment.rule';
import type { Rule } from './rule.types';
import { ruleZI1 } from './zin-activity.rule';

export type { CriterionResult, Outcome, Rule } from './rule.types';
export { ruleI1, ruleZI2 } from './age.rule';
export { ruleE1, ruleE10, ruleE11, ruleZE1, ruleZE2 } from './comorbidity.rule';
export { ruleE4, ruleI3, ruleZE3 } from './diagnosis.rule';
export { ruleI5 } from './disease-activity.rule';
export { ruleZI4 } from './disease-duration.rule';
export { ruleI4, ruleZI3 } from './edss.rule';
export { ruleE5, ruleE9 } from './infections.rule';
export { ruleE12, ruleE6, ruleE7, ruleI2, ruleI6, ruleI7 } from './participant.rule';
export { ruleE2, ruleE3, ruleE8 } from './prior-treatment.rule';
export { ruleZI1 } from './zin-activity.rule';

/** One rule per RAM-MS criterion id (docs/domain/ram-ms.md §2A, §2B). */
export const RAM_MS_RULES: Readonly<Record<RamMsCriterionId, Rule<RamMsParams>>> = {
  I1: ruleI1,
  I2: ruleI2,
  I3: ruleI3,
  I4: ruleI4,
  I5: ruleI5,
  I6: ruleI6,
  I7: ruleI7,
  E1: ruleE1,
  E2: ruleE2,
  E3: ruleE3,
  E4: ruleE4,
  E5: ruleE5,
  E6: ruleE6,
  E7: ruleE7,
  E8: ruleE8,
  E9: ruleE9,
  E10: ruleE10,
  E11: ruleE11,
  E12: ruleE12,
};

/** One rule per ZIN 2022 criterion id (docs/domain/ram-ms.md §2C). */
export const ZIN_RULES: Readonly<Record<ZinCriterionId, Rule<ZinParams>>> = {
  'Z-I1': ruleZI1,
  'Z-I2': ruleZI2,
  'Z-I3': ruleZI3,
  'Z-I4': ruleZI4,
  'Z-E1': ruleZE1,
  'Z-E2': ruleZE2,
  'Z-E3': ruleZE3,
};
