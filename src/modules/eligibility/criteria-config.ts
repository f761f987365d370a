import { DEFAULT_TRIAL_SETTINGS, type TrialSettings } from 'src/modules/trials/trial-settings';
import { CRITERIA_SETS, findCriteriaSet, type CriteriaSet } from './engine';
import { EligibilityErrors } from './eligibility.errors';

export type CriteriaSettings = {
  activeSetId: string;
  deferredCriteria: string[];
  maxRescreens: number;
};

const DEFAULTS: CriteriaSettings = DEFAULT_TRIAL_SETTINGS.criteria ?? {
  activeSetId: 'ram-ms-v2',
  deferredCriteria: ['I7'],
  maxRescreens: 1,
};

/** The trial's eligibility settings, with defaults for a trial seeded before they existed. */
export function criteriaSettings(settings: TrialSettings): CriteriaSettings {
  const stored = (settings.criteria ?? {}) as Partial<CriteriaSettings>;
  return {
    activeSetId: typeof stored.activeSetId === 'string' ? stored.activeSetId : DEFAULTS.activeSetId,
    deferredCriteria: Array.isArray(stored.deferredCriteria)
      ? stored.deferredCriteria
      : DEFAULTS.deferredCriteria,
    maxRescreens: Number.isInteger(stored.maxRescreens)
      ? (stored.maxRescreens as number)
      : DEFAULTS.maxRescreens,
  };
}

export function activeCriteriaSet(settings: CriteriaSettings): CriteriaSet {
  const set = findCriteriaSet(settings.activeSetId);
  if (!set) {
    throw EligibilityErrors.activeSetMissing(settings.activeSetId);
  }
  return set;
}

/** The sets named in `ids` (in that order, duplicates dropped); CRITERIA_SET_UNKNOWN otherwise. */
export function criteriaSetsById(ids: readonly string[]): CriteriaSet[] {
  const unique = [...new Set(ids)];
  const unknown = unique.filter((id) => !findCriteriaSet(id));
  if (unknown.length > 0) {
    throw EligibilityErrors.criteriaSetUnknown(
      unknown,
      CRITERIA_SETS.map((s) => s.id),
    );
  }
  return unique.map((id) => findCriteriaSet(id) as CriteriaSet);
}

/** Age bounds of a set (every family has the age slice). */
export function ageWithin(set: CriteriaSet, age: number): boolean {
  const p = set.params;
  const aboveMin = p.ageMinInclusive ? age >= p.ageMin : age > p.ageMin;
  const belowMax = p.ageMaxInclusive ? age <= p.ageMax : age < p.ageMax;
  return aboveMin && belowMax;
}
