import { sameValue } from 'src/common/corrections/corrections';
import { FIELD_ITEMS, type FieldItem, type FormId } from 'src/common/fields/registry';

/**
 * The audit trail in words (issue 18): each row's field-level changes, labelled from the field
 * registry, and a one-line summary. Pure: the rows' before/after as written (a correction writes
 * `auditOf(changes)`: `{ <path>: value }` on each side, paths such as `samples[bloods].taken`;
 * other writes their own flat objects), the actor's name as the caller found it.
 */

export type AuditChange = {
  /** The field as written in before/after, e.g. `edss.score` or `samples[bloods].taken`. */
  field: string;
  /** Its label (the registry's English label, else the field itself). */
  label: string;
  /** The registry's translation key for the label (`field.<form>.<item>`), when the field is a registry item. */
  labelKey: string | null;
  before: unknown;
  after: unknown;
};

/** The form whose items an action's before/after names (the corrections and entries of recorded data). */
const FORM_OF_ACTION: Readonly<Record<string, FormId>> = {
  'follow-up.visit_corrected': 'visit_log',
  'follow-up.assessment_corrected': 'assessment',
  'follow-up.adverse_event_corrected': 'adverse_event',
  'screening.corrected': 'screening',
  'screening.updated': 'screening',
  'eligibility.consent_corrected': 'consent',
  'randomization.arm_b_drug_changed': 'arm_b_drug',
  'scheduling.phase_corrected': 'transplant_phase',
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `samples[bloods].taken` → `samples[].taken`: a path of a record as the registry names its items. */
const itemPath = (field: string) => field.replace(/\[[^\]]*\]/g, '[]');

/** The items a path goes through, for the label: `samples[bloods].taken` → ` [bloods]` (a generated id by its first 8 characters). */
function itemKeys(field: string): string {
  const keys = [...field.matchAll(/\[([^\]]*)\]/g)].map(([, k]) =>
    /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(k) ? k.slice(0, 8) : k,
  );
  return keys.length > 0 ? ` [${keys.join(', ')}]` : '';
}

/** The form of the records a row of this entity is about, where it has one form only. */
const FORM_OF_ENTITY: Readonly<Record<string, FormId>> = {
  adverse_event: 'adverse_event',
};

type RowKind = { action: string; entity: string };

/**
 * The registry item a field of this row's before/after names, if any: looked up in the form the
 * action or entity writes (a correction's paths are the form's; other writes name their own
 * fields, which are not looked up elsewhere: `status` of a visit is not the pathway's status).
 */
export function itemOf(row: RowKind, field: string): FieldItem | null {
  const form = FORM_OF_ACTION[row.action] ?? FORM_OF_ENTITY[row.entity];
  if (!form) {
    return null;
  }
  const path = itemPath(field);
  // A transplant phase's correction names its fields under the phase: `phases[harvest].actualEnd`.
  const bare = form === 'transplant_phase' ? path.replace(/^phases\[\]\./, '') : path;
  return FIELD_ITEMS.find((i) => i.form === form && i.path === bare) ?? null;
}

/** A field without a registry item in words: `anchorDate` → `Anchor date`. */
function fieldInWords(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const emptyValue = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** The changed fields of one row, in the order written; none when before and after are withheld. */
export function changesOf(row: RowKind & { before: unknown; after: unknown }): AuditChange[] {
  const before = isRecord(row.before) ? row.before : {};
  const after = isRecord(row.after) ? row.after : {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter(
      (f) => !sameValue(before[f], after[f]) && !(emptyValue(before[f]) && emptyValue(after[f])),
    )
    .map((field) => {
      const item = itemOf(row, field);
      return {
        field,
        label: item ? `${item.label}${itemKeys(field)}` : fieldInWords(field),
        labelKey: item?.labelKey ?? null,
        before: before[field] ?? null,
        after: after[field] ?? null,
      };
    });
}

/** Decimals of a step (0.5 → 1), so an EDSS of 3 reads 3.0. */
const decimalsOf = (step: number | undefined) =>
  step === undefined ? null : (String(step).split('.')[1]?.length ?? 0);

/** One value in words: empty as '(empty)', yes/no, a code by its label, a decimal at its step. */
export function valueInWords(value: unknown, item: FieldItem | null): string {
  if (value === null || value === undefined || value === '') {
    return '(empty)';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    return value.length === 0 ? '(empty)' : value.map((v) => valueInWords(v, item)).join(', ');
  }
  if (typeof value === 'string' && item?.codes) {
    return item.codes.find((c) => c.value === value)?.label ?? value;
  }
  if (typeof value === 'number' && item?.type === 'decimal') {
    const decimals = decimalsOf(item.step);
    return decimals === null ? String(value) : value.toFixed(decimals);
  }
  return typeof value === 'string' || typeof value === 'number'
    ? String(value)
    : JSON.stringify(value);
}

/** Changes listed in a summary; more are counted. */
const SUMMARY_CHANGES = 3;

/**
 * One line: what changed (or the action when no value is shown), the reason, and who:
 * "EDSS score 3.0 → 3.5, reason: transcription error, by Anna Jansen". Values first entered
 * read "Term: Headache; Severity: Mild".
 */
export function summaryOf(
  row: RowKind & {
    reason: string | null;
    actorName: string | null;
    actorRole: string;
    changes: readonly AuditChange[];
  },
): string {
  const entered = row.changes.every((c) => emptyValue(c.before));
  const shown = row.changes.slice(0, SUMMARY_CHANGES).map((c) => {
    const item = itemOf(row, c.field);
    return entered
      ? `${c.label}: ${valueInWords(c.after, item)}`
      : `${c.label} ${valueInWords(c.before, item)} → ${valueInWords(c.after, item)}`;
  });
  const more = row.changes.length - shown.length;
  const what =
    shown.length === 0
      ? row.action
      : `${shown.join('; ')}${more > 0 ? ` and ${more} more field${more === 1 ? '' : 's'}` : ''}`;
  const reason = row.reason ? `, reason: ${row.reason}` : '';
  return `${what}${reason}, by ${row.actorName ?? row.actorRole}`;
}
