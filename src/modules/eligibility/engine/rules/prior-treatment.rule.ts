import type { PriorTreatmentParams } from 'src/modules/eligibility/engine/criteria-sets';
import type {
  DrugCode,
  IsoDate,
  ScreeningData,
} from 'src/modules/eligibility/engine/screening-data';
import { anyOf, fails, holds, judge, unknown, type Check } from './check';
import { isOnTreatmentAt, readTreatments } from './read';
import type { Rule } from './rule.types';

/**
 * Exclusion: any recorded treatment with one of `drugs` that started on/before the assessment
 * date (a treatment with no start date counts as prior; one starting later is a plan, not prior).
 */
export function checkNoPriorDrugs(
  data: ScreeningData,
  at: IsoDate,
  drugs: readonly DrugCode[],
  p: PriorTreatmentParams,
): Check {
  if (drugs.length === 0) {
    return holds('no drugs listed for this exclusion');
  }
  const listText = drugs.join('/');
  const treatments = readTreatments(data, p.missingTreatmentEndMeans);
  if (treatments === null) {
    return unknown('treatment history not recorded');
  }
  const hits = treatments.map((t): Check => {
    if (t.drug === null) {
      return unknown(`drug of treatment #${t.position} not recorded`);
    }
    if (!drugs.includes(t.drug)) {
      return fails('');
    }
    if (t.start === null) {
      return holds(`prior ${t.drug} (start date not recorded)`);
    }
    return t.start <= at ? holds(`prior ${t.drug} (started ${t.start})`) : fails('');
  });
  // "excluded" = a hit exists; the criterion is met when there is none.
  const excluded = anyOf(hits, '');
  if (excluded.value === true) {
    return fails(`${excluded.note} excludes`);
  }
  if (excluded.value === null) {
    return unknown(excluded.note);
  }
  return holds(`no prior ${listText} among ${treatments.length} recorded treatment(s)`);
}

/** Exclusion: on one of `drugs` at the assessment date. */
export function checkNotCurrentlyOn(
  data: ScreeningData,
  at: IsoDate,
  drugs: readonly DrugCode[],
  p: PriorTreatmentParams,
): Check {
  if (drugs.length === 0) {
    return holds('no drugs listed for this exclusion');
  }
  const treatments = readTreatments(data, p.missingTreatmentEndMeans);
  if (treatments === null) {
    return unknown('treatment history not recorded');
  }
  const current = treatments.map((t): Check => {
    if (t.drug === null) {
      return unknown(`drug of treatment #${t.position} not recorded`);
    }
    if (!drugs.includes(t.drug)) {
      return fails('');
    }
    const on = isOnTreatmentAt(t, at);
    if (on === null) {
      return unknown(
        t.start === null
          ? `start date of ${t.drug} not recorded`
          : `end date of ${t.drug} from ${t.start} not recorded`,
      );
    }
    return on ? holds(`on ${t.drug} since ${t.start ?? '?'} at ${at}`) : fails('');
  });
  const onDrug = anyOf(current, '');
  if (onDrug.value === true) {
    return fails(`${onDrug.note} excludes`);
  }
  if (onDrug.value === null) {
    return unknown(onDrug.note);
  }
  return holds(`not on ${drugs.join('/')} at ${at}`);
}

/** RAM-MS E2: prior HSCT, alemtuzumab, cladribine or ocrelizumab excludes. */
export const ruleE2: Rule<PriorTreatmentParams> = (data, assessmentDate, params) =>
  judge('E2', assessmentDate, (at) =>
    checkNoPriorDrugs(data, at, params.priorExclusionDrugs, params),
  );

/** RAM-MS E3: prior rituximab excludes (v1; allowed from the ~2021 amendment). */
export const ruleE3: Rule<PriorTreatmentParams> = (data, assessmentDate, params) =>
  judge('E3', assessmentDate, (at) =>
    checkNoPriorDrugs(data, at, params.priorRituximabExclusionDrugs, params),
  );

/** RAM-MS E8: currently on a second-line drug (alemtuzumab, ocrelizumab, cladribine) excludes. */
export const ruleE8: Rule<PriorTreatmentParams> = (data, assessmentDate, params) =>
  judge('E8', assessmentDate, (at) =>
    checkNotCurrentlyOn(data, at, params.currentExclusionDrugs, params),
  );
