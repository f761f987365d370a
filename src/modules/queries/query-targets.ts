import { FIELD_ITEMS, type FieldItem, type FormId } from 'src/common/fields/registry';

/**
 * What a data query points at (issue 18): one item (field-registry id) of one kept record
 * (`record_versions` entity and id), at a path in the record's values. Pure: no I/O.
 */

/** The record kinds a query may point at: their forms, and the items kept under another path than the form's. */
const RECORD_KINDS: Record<
  string,
  { forms: readonly FormId[]; label: string; paths?: Record<string, string> }
> = {
  visit_log: {
    forms: ['visit_log'],
    label: 'Visit log',
    // The visit date is the visit's, kept in its log record as `visitDate`.
    paths: { 'visit.visitDate': 'visitDate' },
  },
  visit_assessment: { forms: ['assessment'], label: 'Blinded assessment' },
  adverse_event: { forms: ['adverse_event'], label: 'Adverse event' },
  screening_record: { forms: ['screening'], label: 'Screening record' },
  consent: { forms: ['consent'], label: 'Consent' },
  arm_b_drug: { forms: ['arm_b_drug'], label: 'Arm-B drug' },
  transplant_phase: { forms: ['transplant_phase'], label: 'Transplant phase' },
};

/** The one record kind a blinded assessor works on: their own assessments. */
export const ASSESSOR_RECORD = 'visit_assessment';

export const RECORD_ENTITY_PATTERN =
  /^(visit_log|visit_assessment|adverse_event|screening_record|consent|arm_b_drug|transplant_phase:[a-z_]+)$/;

const kindOf = (entity: string) =>
  entity.startsWith('transplant_phase:') ? 'transplant_phase' : entity;

export const recordLabel = (entity: string): string => {
  const kind = RECORD_KINDS[kindOf(entity)];
  const phase = entity.startsWith('transplant_phase:') ? ` (${entity.slice(17)})` : '';
  return kind ? `${kind.label}${phase}` : entity;
};

/** A path with its list keys taken out: `samples[bloods].taken` → `samples[].taken`. */
export const pathPattern = (path: string) => path.replace(/\[[^\]]*\]/g, '[]');

/** Where an item lies in a record of `entity`, or null when the record holds no such item. */
function itemPathIn(entity: string, item: FieldItem): string | null {
  const kind = RECORD_KINDS[kindOf(entity)];
  if (!kind) {
    return null;
  }
  const moved = kind.paths?.[item.id];
  if (moved) {
    return moved;
  }
  return kind.forms.includes(item.form) && !item.derived ? item.path : null;
}

export type QueryTarget = { item: FieldItem; path: string };
export type TargetProblem = { path: string; message: string };

/**
 * The item a query on `entity` names, and its path: `path` when the item sits in a list (one
 * element: `samples[bloods].taken`), else the item's own path; a list item without `path` is
 * queried as a whole (`samples[].taken`).
 */
export function queryTarget(
  entity: string,
  itemId: string,
  path: string | undefined,
): QueryTarget | TargetProblem {
  const item = FIELD_ITEMS.find((i) => i.id === itemId);
  if (!item) {
    return { path: 'itemId', message: `unknown item ${itemId}` };
  }
  const itemPath = itemPathIn(entity, item);
  if (itemPath === null) {
    return { path: 'itemId', message: `${itemId} is not an item of a ${recordLabel(entity)}` };
  }
  if (path === undefined || path === itemPath) {
    return { item, path: itemPath };
  }
  if (!/^[A-Za-z0-9_.[\]:-]{1,200}$/.test(path) || pathPattern(path) !== itemPath) {
    return { path: 'path', message: `must be ${itemPath} with the list keys filled in` };
  }
  return { item, path };
}

export const isProblem = (t: QueryTarget | TargetProblem): t is TargetProblem => !('item' in t);

/**
 * Whether a changed field (a correction's path: `samples[bloods].taken`, or a whole list item
 * `samples[bloods]`) is the queried one (`samples[bloods].taken`, or any element: `samples[].taken`).
 */
export function changeAnswers(queryPath: string, changePath: string): boolean {
  const exact = !queryPath.includes('[]');
  const changed = exact ? changePath : pathPattern(changePath);
  return changed === queryPath || queryPath.startsWith(`${changed}.`);
}
