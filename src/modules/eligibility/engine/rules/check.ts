import { parseIsoDate } from 'src/modules/eligibility/engine/dates';
import type { IsoDate } from 'src/modules/eligibility/engine/screening-data';
import type { CriterionResult, Outcome } from './rule.types';

/**
 * Three-valued (Kleene) logic with a note saying why, used inside the rules.
 * `true` = holds, `false` = does not hold, `null` = cannot tell from the data.
 */
export type Tri = boolean | null;

export interface Check {
  value: Tri;
  note: string;
}

export function holds(note: string): Check {
  return { value: true, note };
}

export function fails(note: string): Check {
  return { value: false, note };
}

export function unknown(note: string): Check {
  return { value: null, note };
}

function joinNotes(checks: readonly Check[], separator: string): string {
  return checks
    .map((c) => c.note)
    .filter((n) => n.length > 0)
    .join(separator);
}

/** AND: false if any is false; else unknown if any is unknown; else true. */
export function allOf(checks: readonly Check[]): Check {
  const failed = checks.filter((c) => c.value === false);
  if (failed.length > 0) {
    return fails(joinNotes(failed, '; '));
  }
  const open = checks.filter((c) => c.value === null);
  if (open.length > 0) {
    return unknown(joinNotes(open, '; '));
  }
  return holds(joinNotes(checks, ', '));
}

/**
 * OR / "there exists": true if any is true (note of the first one); else unknown if any is
 * unknown (notes of the unknown ones); else false with `noneNote`, followed by the notes of the
 * failed checks that have one.
 */
export function anyOf(checks: readonly Check[], noneNote: string): Check {
  const first = checks.find((c) => c.value === true);
  if (first !== undefined) {
    return first;
  }
  const open = checks.filter((c) => c.value === null);
  if (open.length > 0) {
    return unknown(joinNotes(open, '; '));
  }
  const details = joinNotes(checks, '; ');
  return fails(details.length > 0 ? `${noneNote} (${details})` : noneNote);
}

export function outcomeOf(value: Tri): Outcome {
  return value === null ? 'unknown' : value ? 'met' : 'not_met';
}

/**
 * Runs a rule body with a validated assessment date. An invalid assessment date gives `unknown`
 * (rules never throw); `evaluate` rejects an invalid date before calling any rule.
 */
export function judge(
  id: string,
  assessmentDate: IsoDate,
  body: (at: IsoDate) => Check,
): CriterionResult {
  const at = parseIsoDate(assessmentDate);
  if (at === null) {
    return {
      id,
      outcome: 'unknown',
      explanation: 'assessment date is not a valid YYYY-MM-DD date',
    };
  }
  const check = body(at);
  return { id, outcome: outcomeOf(check.value), explanation: check.note };
}

/** Something that, when present, excludes (a positive test, a yes flag). */
export interface Finding {
  /** Shown when present, e.g. "TB test positive". */
  presentNote: string;
  /** true = present, false = absent, null = not known. */
  present: boolean | null;
  /** Shown when not known, e.g. "HIV test pending". */
  unknownNote: string;
}

/** An exclusion made of findings: not met if any is present; unknown if any is not known. */
export function exclusionFromFindings(findings: readonly Finding[], clearNote: string): Check {
  const present = findings.filter((f) => f.present === true);
  if (present.length > 0) {
    return fails(`${present.map((f) => f.presentNote).join(', ')} excludes`);
  }
  const open = findings.filter((f) => f.present === null);
  if (open.length > 0) {
    return unknown(open.map((f) => f.unknownNote).join(', '));
  }
  return holds(clearNote);
}
