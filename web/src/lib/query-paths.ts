// Relative on purpose (like ../i18n/en.ts): the field registry is shared with the API.
import { FIELD_ITEMS, type FormId } from '../../../src/common/fields/registry';

/**
 * Where data queries point (issue 18), in the pages: which field of a record a query is on, and
 * what a monitor may raise one on. Pure (no React, no API client), so unit tests check it against
 * the API's own rules (src/modules/queries/query-targets.ts).
 */

/** A path with its list keys taken out: `samples[bloods].taken` → `samples[].taken` (as the API). */
export const pathPattern = (path: string) => path.replace(/\[[^\]]*\]/g, '[]');

/** Whether a query on `queryPath` is on the field at `fieldPath` (one element, or any element). */
export function queryIsOn(queryPath: string, fieldPath: string): boolean {
  return (
    queryPath === fieldPath || (queryPath.includes('[]') && pathPattern(fieldPath) === queryPath)
  );
}

/** Whether a query on `queryPath` is on a field under `prefix` (a group: `samples`, `relapses[x]`). */
export function queryIsUnder(queryPath: string, prefix: string): boolean {
  return (
    queryPath === prefix ||
    queryPath.startsWith(`${prefix}.`) ||
    queryPath.startsWith(`${prefix}[`) ||
    pathPattern(prefix) === pathPattern(queryPath) ||
    queryPath.startsWith(`${pathPattern(prefix)}.`)
  );
}

/**
 * A queried item in words: its label, and the list element it is about where that has a readable
 * key (`samples[bloods].taken` → "Sample taken (bloods)"; a generated id is left out).
 */
export function itemWords(item: { label: string; path: string }): string {
  const keys = [...item.path.matchAll(/\[([^\]]+)\]/g)]
    .map((m) => m[1])
    .filter((k) => !/^[0-9a-f-]{20,}$/i.test(k));
  return keys.length > 0 ? `${item.label} (${keys.join(', ').replace(/_/g, ' ')})` : item.label;
}

/** What a query can be raised on: a field-registry item, and for an item in a list, one element. */
export type QueryTarget = { itemId: string; path?: string; label: string };

type Json = Record<string, unknown>;
const at = (record: Json, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), record);

/**
 * The items of `form` a query may point at in `record`: every entered item, and for an item in
 * a list each element (by its key) and the list as a whole. `lists` names each list's key, how
 * an element is called, and keys that may be queried although not recorded (a sample not taken).
 */
export function recordTargets(
  form: FormId,
  record: Json,
  lists: Record<
    string,
    { key: string; name: (key: string, index: number) => string; extra?: string[] }
  >,
  label: (labelKey: string) => string,
  any: string,
): QueryTarget[] {
  const out: QueryTarget[] = [];
  for (const item of FIELD_ITEMS) {
    if (item.form !== form || item.derived) continue;
    const name = label(item.labelKey);
    const cut = item.path.indexOf('[]');
    if (cut < 0) {
      out.push({ itemId: item.id, label: name });
      continue;
    }
    const listPath = item.path.slice(0, cut);
    const rest = item.path.slice(cut + 2);
    const spec = lists[listPath];
    const elements = Array.isArray(at(record, listPath)) ? (at(record, listPath) as Json[]) : [];
    const keys = elements.map((e) => String(spec ? e[spec.key] : ''));
    for (const k of spec?.extra ?? []) if (!keys.includes(k)) keys.push(k);
    if (spec) {
      keys.forEach((k, i) =>
        out.push({
          itemId: item.id,
          path: `${listPath}[${k}]${rest}`,
          label: `${name}: ${spec.name(k, i)}`,
        }),
      );
    }
    out.push({ itemId: item.id, label: `${name}: ${any}` });
  }
  return out;
}
