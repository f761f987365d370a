import { FIELD_ITEMS, type FieldItem } from 'src/common/fields/registry';

/**
 * What would tell a blinded assessor which arm a participant is in. Two checks:
 * - fields: every registry item marked `revealsArm` (src/common/fields/items.ts), found by its
 *   path in any record of the JSON answer (`armRevealingFields`); the registry is the one list.
 * - words: values and free text that name the arm's treatment (not fields, so not in the registry).
 */
export const ARM_REVEALING_WORDS: readonly RegExp[] = [
  /aHSCT|stem.?cell|haematopoietic/i,
  /transplant/i,
  /admission/i,
  /reinfusion|mobili[sz]ation|conditioning|harvest/i,
  /alemtuzumab|ocrelizumab|cladribine/i,
  /\bA-D\d{3}\b/,
  /day ?0|dayZero|day_0/i,
];

/**
 * Reference data about the trial as a whole, the same for every participant (the trial, the
 * sites' roles, the arm definitions in the public commitment): they name the arms but say nothing
 * about any participant's.
 */
export const TRIAL_REFERENCE_ROUTES: readonly string[] = [
  '/trial',
  '/sites',
  '/sites/:id',
  '/randomization/commitment',
  // The data dictionary: metadata, no participant's data. Its blinded form (the only one a blinded
  // role gets) holds no arm-revealing variable (test/e2e/exports-dictionary.e2e-spec.ts checks it
  // field by field); the words would match screening's prior-treatment code list (aHSCT, …).
  '/exports/dictionary',
  // The trial as a FHIR ResearchStudy: its arm definitions, as in the commitment.
  '/fhir/ResearchStudy',
  '/fhir/ResearchStudy/:id',
];

const first = (i: FieldItem) => i.path.split('.')[0].replace(/\[\]$/, '');
/** Top-level keys of each form's records: an object holding two of them is such a record. */
const SIGNATURES = new Map<string, Set<string>>();
for (const i of FIELD_ITEMS) {
  SIGNATURES.set(i.form, (SIGNATURES.get(i.form) ?? new Set()).add(first(i)));
}
const REVEALING = FIELD_ITEMS.filter((i) => i.revealsArm);
/** Keys that only arm-revealing items use (e.g. `arm`, `armBDrug`, `transplantDay0`): revealing anywhere. */
const SHOWN_KEYS = new Set(FIELD_ITEMS.filter((i) => !i.revealsArm).map(first));
const GENERIC = new Set(['status', 'reason', 'note', 'notes', 'term', 'phase', 'quarter']);
const DISTINCTIVE = new Set(
  REVEALING.map(first).filter((k) => !SHOWN_KEYS.has(k) && !GENERIC.has(k)),
);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `node` holds a value at `segments` (`a.b[].c`; a list matches when any element does). */
function holds(node: unknown, segments: string[]): boolean {
  if (segments.length === 0) {
    return node !== undefined;
  }
  if (!isObject(node)) {
    return false;
  }
  const [head, ...rest] = segments;
  const list = head.endsWith('[]');
  const key = list ? head.slice(0, -2) : head;
  if (!(key in node)) {
    return false;
  }
  const value = node[key];
  if (rest.length === 0) {
    return true;
  }
  return list && Array.isArray(value) ? value.some((v) => holds(v, rest)) : holds(value, rest);
}

/** The arm-revealing registry items found in a JSON value, as `<item id> at <json path>`. */
export function armRevealingFields(
  value: unknown,
  items: readonly FieldItem[] = REVEALING,
): string[] {
  const found: string[] = [];
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${at}[${i}]`));
      return;
    }
    if (!isObject(node)) {
      return;
    }
    const keys = Object.keys(node);
    for (const item of items.filter((i) => i.revealsArm)) {
      const signature = SIGNATURES.get(item.form) ?? new Set();
      const isRecord = keys.filter((k) => signature.has(k)).length >= 2;
      if ((isRecord || DISTINCTIVE.has(first(item))) && holds(node, item.path.split('.'))) {
        found.push(`${item.id} at ${at || '$'}`);
      }
    }
    for (const k of keys) {
      walk(node[k], at ? `${at}.${k}` : k);
    }
  };
  walk(value, '');
  return found;
}

/** The arm-revealing fields and words found in a response text (JSON or not). */
export function armRevealing(text: string): string[] {
  let fields: string[] = [];
  try {
    fields = armRevealingFields(JSON.parse(text) as unknown);
  } catch {
    // not JSON (e.g. an iCalendar document): the words below still apply
  }
  return [...fields, ...ARM_REVEALING_WORDS.filter((re) => re.test(text)).map(String)];
}
