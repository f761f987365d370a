// Relative on purpose: the pages compile this file too (web/src/i18n), without the API's paths.
import type { FieldItem, FormId, ViewSpec } from './field-types';
import { FIELD_ITEMS } from './items';

/**
 * The field registry (issue 14): lookups over FIELD_ITEMS and the blinded projection. Pure: no
 * I/O, no module imports. Validation (src/common/fields/validate-field.ts), the blinded views and
 * the pages' labels read it; later the data dictionary, exports and data queries will.
 */

export type { CodeEntry, DateRule, FieldItem, FieldType, FormId, ViewSpec } from './field-types';
export { FORMS } from './field-types';
export { FIELD_ITEMS } from './items';

const BY_ID = new Map(FIELD_ITEMS.map((i) => [i.id, i]));

/** The item with this id; throws for an unknown id (a typo is a programming error). */
export function fieldItem(id: string): FieldItem {
  const item = BY_ID.get(id);
  if (!item) {
    throw new Error(`unknown field item ${id}`);
  }
  return item;
}

export function itemsOf(form: FormId, items: readonly FieldItem[] = FIELD_ITEMS): FieldItem[] {
  return items.filter((i) => i.form === form);
}

/** The string values of an item's code list, in code order. */
export function codeValues(id: string): string[] {
  return (fieldItem(id).codes ?? []).map((c) => c.value);
}

/** Whether a blinded reader may see the item: never when it reveals the arm. */
export const shownToBlinded = (item: FieldItem) => !item.revealsArm && !item.blindedHidden;

/**
 * The response shapes built from forms. `visit`: one visit (schedule, the site's log under
 * `siteData`, the blinded assessment's EDSS and MRI).
 */
export const VIEWS = {
  visit: {
    keys: ['id', 'participantId', 'studyId', 'siteId', 'code', 'label', 'version'],
    parts: [
      { form: 'visit', at: '' },
      { form: 'visit_log', at: 'siteData' },
      { form: 'assessment', at: '' },
    ],
  },
} as const satisfies Record<string, ViewSpec>;

/** The full response path of an item within a view (`siteData.samples[].type`), or null. */
export function viewPath(view: ViewSpec, item: FieldItem): string | null {
  const part = view.parts.find((p) => p.form === item.form);
  if (!part) {
    return null;
  }
  return part.at ? `${part.at}.${item.path}` : item.path;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copies one path (`a.b[].c`) from `src` into `dst`, creating the containers on the way. */
function copyPath(src: Json, segments: string[], dst: Json, item: FieldItem): void {
  const [head, ...rest] = segments;
  const list = head.endsWith('[]');
  const key = list ? head.slice(0, -2) : head;
  if (!(key in src)) {
    return;
  }
  const value = src[key];
  if (rest.length === 0) {
    refuseRevealingCode(item, value);
    dst[key] = value;
    return;
  }
  if (list) {
    if (!Array.isArray(value)) {
      dst[key] = value;
      return;
    }
    const target = (Array.isArray(dst[key]) ? dst[key] : value.map(() => ({}))) as Json[];
    dst[key] = target;
    value.forEach((el, i) => {
      if (isObject(el)) {
        copyPath(el, rest, target[i], item);
      }
    });
    return;
  }
  if (!isObject(value)) {
    dst[key] = value; // null: nothing recorded
    return;
  }
  const target = isObject(dst[key]) ? dst[key] : {};
  dst[key] = target;
  copyPath(value, rest, target, item);
}

/** A value that alone names an arm (an arm-A visit kind) must never reach a blinded reader. */
function refuseRevealingCode(item: FieldItem, value: unknown): void {
  const values = Array.isArray(value) ? value : [value];
  const revealing = (item.codes ?? []).filter((c) => c.revealsArm && values.includes(c.value));
  if (revealing.length > 0) {
    throw new Error(`${item.id}: arm-revealing value ${revealing[0].value} in a blinded view`);
  }
}

/**
 * The blinded view of a record: its keys and the items a blinded reader may see, nothing else
 * (an allow-list: a field the registry does not know is left out too). Throws when a shown item
 * holds an arm-revealing code.
 */
export function projectBlinded<T extends object>(
  view: ViewSpec,
  record: object,
  items: readonly FieldItem[] = FIELD_ITEMS,
): T {
  const src = record as Json;
  const out: Json = {};
  for (const key of view.keys) {
    if (key in src) {
      out[key] = src[key];
    }
  }
  for (const item of items) {
    const path = viewPath(view, item);
    if (path !== null && shownToBlinded(item)) {
      copyPath(src, path.split('.'), out, item);
    }
  }
  return out as T;
}

/** The English labels as nested i18n resources: `{ field: { visit: { edss: 'EDSS score' } } }`. */
export function englishFieldLabels(
  items: readonly FieldItem[] = FIELD_ITEMS,
): Record<string, Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, Record<string, string>>> = { field: {} };
  for (const item of items) {
    const [, form, key] = item.labelKey.split('.');
    out.field[form] ??= {};
    out.field[form][key] = item.label;
  }
  return out;
}
