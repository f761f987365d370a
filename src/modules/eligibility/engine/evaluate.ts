import { createHash } from 'node:crypto';
import type { CriteriaSet, CriterionConfig, CriterionId, WarningConfig } from './criteria-sets';
import { parseIsoDate } from './dates';
import { RAM_MS_RULES, ZIN_RULES } from './rules';
import { readTreatments } from './rules/read';
import type { CriterionResult, Outcome } from './rules/rule.types';
import type { IsoDate, ScreeningData } from './screening-data';

export type EligibilityResultCode = 'eligible' | 'ineligible' | 'incomplete';

export interface EvaluatedCriterion extends CriterionResult {
  kind: 'inclusion' | 'exclusion';
  title: string;
  verified: boolean;
}

export interface EligibilityWarning {
  code: string;
  message: string;
  criterionId?: string;
}

export interface EligibilityResult {
  criteriaSetId: string;
  version: string;
  label: string;
  assessmentDate: IsoDate;
  /** eligible = every enabled criterion met; ineligible = any not met; else incomplete. */
  result: EligibilityResultCode;
  /** Enabled criteria in set order. */
  criteria: EvaluatedCriterion[];
  /** Criteria switched off in this set (not evaluated, not counted). */
  disabledCriteria: string[];
  warnings: EligibilityWarning[];
  /** Ids of the criteria not met, in set order: the coded exclusion reasons. */
  exclusionCodes: string[];
  /** Ids of the criteria that could not be decided (missing data), in set order. */
  unknownCodes: string[];
}

export interface SideBySideResult {
  assessmentDate: IsoDate;
  results: EligibilityResult[];
  /** One line per set, e.g. "RAM-MS v2 (2021 amendment): not eligible (E2: prior alemtuzumab ...)". */
  summary: string[];
}

export function resultFrom(outcomes: readonly Outcome[]): EligibilityResultCode {
  if (outcomes.includes('not_met')) {
    return 'ineligible';
  }
  return outcomes.every((o) => o === 'met') ? 'eligible' : 'incomplete';
}

function evaluateCriteria(
  data: ScreeningData,
  at: IsoDate,
  set: CriteriaSet,
): EvaluatedCriterion[] {
  const enrich = (
    config: CriterionConfig<CriterionId>,
    r: CriterionResult,
  ): EvaluatedCriterion => ({
    id: r.id,
    outcome: r.outcome,
    explanation: r.explanation,
    kind: config.kind,
    title: config.title,
    verified: config.verified,
  });
  if (set.family === 'ram-ms') {
    return set.criteria
      .filter((c) => c.enabled)
      .map((c) => enrich(c, RAM_MS_RULES[c.id](data, at, set.params)));
  }
  return set.criteria
    .filter((c) => c.enabled)
    .map((c) => enrich(c, ZIN_RULES[c.id](data, at, set.params)));
}

function warningApplies(w: WarningConfig, data: ScreeningData): boolean {
  switch (w.kind) {
    case 'prior-drug': {
      const treatments = readTreatments(data, 'unknown') ?? [];
      return treatments.some((t) => t.drug !== null && w.drugs.includes(t.drug));
    }
  }
}

/**
 * Evaluates one screening record against one criteria set at `assessmentDate` (from the injected
 * clock). Pure and deterministic. Never throws on partial or malformed data; throws a RangeError
 * only if `assessmentDate` is not a valid `YYYY-MM-DD` date (a programming error).
 */
export function evaluate(
  data: ScreeningData,
  assessmentDate: IsoDate,
  set: CriteriaSet,
): EligibilityResult {
  const at = parseIsoDate(assessmentDate);
  if (at === null) {
    throw new RangeError('assessmentDate must be a valid YYYY-MM-DD date');
  }
  const criteria = evaluateCriteria(data, at, set);
  const warnings: EligibilityWarning[] = set.warnings
    .filter((w) => warningApplies(w, data))
    .map((w) => ({ code: w.code, message: w.message }));
  if (set.warnWhenUnverifiedCriterionNotMet) {
    for (const c of criteria) {
      if (!c.verified && c.outcome === 'not_met') {
        warnings.push({
          code: 'UNVERIFIED_CRITERION_NOT_MET',
          criterionId: c.id,
          message: `${c.id} (${c.title}) is not confirmed from a public source; verify before relying on it`,
        });
      }
    }
  }
  return {
    criteriaSetId: set.id,
    version: set.version,
    label: set.label,
    assessmentDate: at,
    result: resultFrom(criteria.map((c) => c.outcome)),
    criteria,
    disabledCriteria: set.criteria.filter((c) => !c.enabled).map((c) => c.id),
    warnings,
    exclusionCodes: criteria.filter((c) => c.outcome === 'not_met').map((c) => c.id),
    unknownCodes: criteria.filter((c) => c.outcome === 'unknown').map((c) => c.id),
  };
}

/** One line for a result, for the side-by-side view. */
export function summarise(r: EligibilityResult): string {
  const byId = (ids: readonly string[]) =>
    ids.map((id) => {
      const c = r.criteria.find((x) => x.id === id);
      return c === undefined ? id : `${id}: ${c.explanation}`;
    });
  const warningText =
    r.warnings.length > 0 ? ` [warnings: ${r.warnings.map((w) => w.code).join(', ')}]` : '';
  switch (r.result) {
    case 'eligible':
      return `${r.label}: meets the criteria${warningText}`;
    case 'ineligible':
      return `${r.label}: not eligible (${byId(r.exclusionCodes).join('; ')})${warningText}`;
    case 'incomplete':
      return `${r.label}: incomplete, missing data for ${r.unknownCodes.join(', ')}${warningText}`;
  }
}

/** Evaluates one record against several sets side by side (e.g. RAM-MS v2 and ZIN 2022). */
export function evaluateMany(
  data: ScreeningData,
  assessmentDate: IsoDate,
  sets: readonly CriteriaSet[],
): SideBySideResult {
  const results = sets.map((s) => evaluate(data, assessmentDate, s));
  return { assessmentDate, results, summary: results.map(summarise) };
}

// ---------------------------------------------------------------------------------------------
// Input hash

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Canonical JSON text of `value`, or undefined where JSON.stringify would drop it. Follows JSON
 * semantics (toJSON is honoured; undefined, functions and symbols are dropped from objects and
 * become null in arrays; non-finite numbers become null) with object keys sorted (UTF-16 code-unit
 * order) at every level and no whitespace. Bigints become decimal strings; cycles become null.
 */
function canonical(value: unknown, seen: Set<object>): string | undefined {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
  }
  const obj = value as object;
  if (seen.has(obj)) {
    return 'null';
  }
  seen.add(obj);
  let out: string | undefined;
  if (hasToJson(obj)) {
    out = canonical(obj.toJSON(), seen);
  } else if (Array.isArray(obj)) {
    out = `[${obj.map((item: unknown) => canonical(item, seen) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(obj).sort()) {
      const v = canonical((obj as Record<string, unknown>)[key], seen);
      if (v !== undefined) {
        parts.push(`${JSON.stringify(key)}:${v}`);
      }
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(obj);
  return out;
}

/** Canonical JSON: sorted keys at every level, no whitespace (see `canonical`). */
export function canonicalJson(value: unknown): string {
  return canonical(value, new Set<object>()) ?? 'null';
}

/**
 * SHA-256 (hex) of the canonical JSON of the screening input. Stable across key order, so an
 * assessment can store it and detect later changes to the data it judged (a changed hash voids a
 * signature). `null` and an absent field hash differently on purpose (null end date = ongoing).
 */
export function hashScreeningInput(data: ScreeningData): string {
  return createHash('sha256').update(canonicalJson(data), 'utf8').digest('hex');
}
