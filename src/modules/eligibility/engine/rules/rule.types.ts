import type { IsoDate, ScreeningData } from 'src/modules/eligibility/engine/screening-data';

/** `met` = the criterion is satisfied for eligibility. For an exclusion criterion that means the
 * exclusion does NOT apply; `not_met` means it applies (the person is excluded). */
export type Outcome = 'met' | 'not_met' | 'unknown';

export interface CriterionResult {
  id: string;
  outcome: Outcome;
  /** One line naming the data used. */
  explanation: string;
}

/** A criterion rule: pure, never throws on partial or malformed screening data. */
export type Rule<P> = (data: ScreeningData, assessmentDate: IsoDate, params: P) => CriterionResult;
