// Relative on purpose: the pages compile this file too (web/src/lib/corrections.ts), without the API's paths.
import { DomainError, fieldError } from '../errors/domain-error';

/**
 * Corrections of recorded data, one mechanism for every correctable record. Pure: no I/O, no
 * module imports.
 *
 * - A patch names only the fields it changes: an absent field is unchanged, `null` clears it,
 *   a nested object is patched field by field.
 * - A repeating group (a list whose items have an identity: a generated `id`, or a value such as
 *   a sample's `type`) is never replaced whole: the patch carries operations
 *   `{ add: [...], change: [{ <key>, ...fields }], remove: [<key>] }`; items not named keep their values.
 * - `diffRecord` lists exactly the leaf fields that differ, as paths (`samples[bloods].taken`,
 *   `relapseAssessment.relapses[<id>].onsetDate`) with before → after.
 * - `staleVersion` is the one 409 for a correction based on values that changed meanwhile.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonRecord = { [k: string]: Json };

export type FieldChange = { path: string; before: Json; after: Json };

/** A repeating group: the path of the list in the record, the field that identifies an item, and whether the server assigns it. */
export type GroupSpec = { path: string; key: string; generated: boolean };

export type ListOps = { add?: JsonRecord[]; change?: JsonRecord[]; remove?: Json[] };

export type CorrectionProblem = { path: string; message: string };

/**
 * `nulls: 'clear'` (default): null removes the field, and absent and null read the same.
 * `nulls: 'keep'`: null is stored as a value ("entered as none"), distinct from absent.
 */
export type PatchOptions = { nulls?: 'clear' | 'keep' };

export type CorrectionResult<T> = {
  after: T;
  changes: FieldChange[];
  problems: CorrectionProblem[];
};

const isRecord = (v: unknown): v is JsonRecord =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The same JSON value (object keys in any order; absent and null alike). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) {
    return b === undefined || b === null;
  }
  if (b === undefined || b === null) {
    return false;
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isRecord(a)) {
    if (!isRecord(b)) {
      return false;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const itemPath = (path: string, key: Json) => `${path}[${String(key)}]`;

/**
 * Applies a patch to a record. `groups` names the repeating groups (their `path` in the record);
 * `newId` gives the id of an added item of a group whose ids the server assigns. Unknown item
 * keys, duplicate keys and an item key sent on a generated group's `add` are problems, and
 * nothing is applied when there are any (the caller refuses the request).
 */
export function applyPatch<T extends object>(
  before: T,
  patch: JsonRecord,
  groups: readonly GroupSpec[],
  newId: () => string,
  options: PatchOptions = {},
): CorrectionResult<T> {
  const problems: CorrectionProblem[] = [];
  const keep = options.nulls === 'keep';
  const after = patchObject(
    clone(before) as unknown as JsonRecord,
    patch,
    '',
    groups,
    newId,
    problems,
    keep,
  );
  if (problems.length > 0) {
    return { after: before, changes: [], problems };
  }
  const result = after as unknown as T;
  return { after: result, changes: diffRecord(before, result, groups, '', keep), problems };
}

function patchObject(
  target: JsonRecord,
  patch: JsonRecord,
  path: string,
  groups: readonly GroupSpec[],
  newId: () => string,
  problems: CorrectionProblem[],
  keep: boolean,
): JsonRecord {
  const out: JsonRecord = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) {
      continue;
    }
    const p = join(path, key);
    const group = groups.find((g) => g.path === p);
    if (group) {
      if (value === null) {
        out[key] = [];
        continue;
      }
      if (!isRecord(value)) {
        problems.push({
          path: p,
          message: 'must be an object of operations { add, change, remove }',
        });
        continue;
      }
      out[key] = patchList(
        Array.isArray(out[key]) ? (out[key] as Json[]) : [],
        value as ListOps,
        p,
        group,
        newId,
        problems,
        keep,
      );
    } else if (value === null) {
      if (keep) {
        out[key] = null;
      } else {
        delete out[key];
      }
    } else if (
      isRecord(value) &&
      (isRecord(out[key]) || out[key] === undefined || out[key] === null) &&
      hasGroupUnder(groups, p)
    ) {
      out[key] = patchObject(
        isRecord(out[key]) ? (out[key] as JsonRecord) : {},
        value,
        p,
        groups,
        newId,
        problems,
        keep,
      );
    } else if (isRecord(value) && isRecord(out[key])) {
      out[key] = patchObject(out[key] as JsonRecord, value, p, groups, newId, problems, keep);
    } else {
      out[key] = clone(value);
    }
  }
  return out;
}

const hasGroupUnder = (groups: readonly GroupSpec[], path: string) =>
  groups.some((g) => g.path.startsWith(`${path}.`));

function patchList(
  list: Json[],
  ops: ListOps,
  path: string,
  group: GroupSpec,
  newId: () => string,
  problems: CorrectionProblem[],
  keep: boolean,
): Json[] {
  const allowed = new Set(['add', 'change', 'remove']);
  for (const k of Object.keys(ops)) {
    if (!allowed.has(k)) {
      problems.push({ path: `${path}.${k}`, message: 'is not an operation (add, change, remove)' });
    }
  }
  const items = list.map((i) => (isRecord(i) ? { ...i } : i)) as JsonRecord[];
  const keyOf = (i: JsonRecord) => i[group.key];
  const indexOf = (key: Json) => items.findIndex((i) => sameValue(keyOf(i), key));
  (ops.remove ?? []).forEach((key, n) => {
    const at = indexOf(key);
    if (key === null || at < 0) {
      problems.push({ path: `${path}.remove[${n}]`, message: `names no item (${String(key)})` });
    } else {
      items.splice(at, 1);
    }
  });
  (ops.change ?? []).forEach((change, n) => {
    const key = isRecord(change) ? change[group.key] : undefined;
    const at = key === undefined || key === null ? -1 : indexOf(key);
    if (at < 0) {
      problems.push({
        path: `${path}.change[${n}].${group.key}`,
        message: `names no item (${String(key)})`,
      });
      return;
    }
    items[at] = patchObject(
      items[at],
      change,
      itemPath(path, key as Json),
      [],
      newId,
      problems,
      keep,
    );
  });
  (ops.add ?? []).forEach((add, n) => {
    if (!isRecord(add)) {
      problems.push({ path: `${path}.add[${n}]`, message: 'must be an object' });
      return;
    }
    const item: JsonRecord = {};
    for (const [k, v] of Object.entries(add)) {
      if (v !== undefined && (v !== null || keep)) {
        item[k] = clone(v);
      }
    }
    if (group.generated) {
      if (add[group.key] !== undefined) {
        problems.push({
          path: `${path}.add[${n}].${group.key}`,
          message: 'is assigned by the server; leave it out',
        });
        return;
      }
      item[group.key] = newId();
    } else if (item[group.key] === undefined) {
      problems.push({ path: `${path}.add[${n}].${group.key}`, message: 'is required' });
      return;
    } else if (indexOf(item[group.key]) >= 0) {
      problems.push({
        path: `${path}.add[${n}].${group.key}`,
        message: `is already in the list (${String(item[group.key])}); use change`,
      });
      return;
    }
    items.push(item);
  });
  return items;
}

/**
 * Exactly the leaf fields that differ between two versions of a record. Items of a repeating
 * group are matched by their key: an added or removed item is one change of the whole item.
 */
export function diffRecord(
  before: unknown,
  after: unknown,
  groups: readonly GroupSpec[] = [],
  path = '',
  strictNull = false,
): FieldChange[] {
  const group = groups.find((g) => g.path === path);
  if (group && (Array.isArray(before) || Array.isArray(after))) {
    const b = (Array.isArray(before) ? before : []) as JsonRecord[];
    const a = (Array.isArray(after) ? after : []) as JsonRecord[];
    const changes: FieldChange[] = [];
    for (const item of b) {
      const key = item[group.key];
      const next = a.find((x) => sameValue(x[group.key], key));
      if (!next) {
        changes.push({ path: itemPath(path, key), before: clone(item), after: null });
      } else {
        changes.push(...diffRecord(item, next, [], itemPath(path, key), strictNull));
      }
    }
    for (const item of a) {
      const key = item[group.key];
      if (!b.some((x) => sameValue(x[group.key], key))) {
        changes.push({ path: itemPath(path, key), before: null, after: clone(item) });
      }
    }
    return changes;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffRecord(before[k], after[k], groups, join(path, k), strictNull));
  }
  if (
    sameValue(before, after) &&
    (!strictNull || (before === undefined) === (after === undefined))
  ) {
    return [];
  }
  return [
    {
      path,
      before: before === undefined ? null : clone(before as Json),
      after: after === undefined ? null : clone(after as Json),
    },
  ];
}

/** Splits a change path into its steps: `a.b[k].c` → ['a', 'b', ['k'], 'c'] (an item key as a one-element array). */
function stepsOf(path: string): (string | [string])[] {
  const steps: (string | [string])[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    steps.push(m[2] !== undefined ? [m[2]] : m[1]);
  }
  return steps;
}

/**
 * The patch that makes exactly these changes (the inverse of `diffRecord`): what a form sends
 * after comparing the edited values with those it was opened with (item keys are strings).
 */
export function patchFromChanges(
  changes: readonly FieldChange[],
  groups: readonly GroupSpec[],
): JsonRecord {
  const patch: JsonRecord = {};
  for (const c of changes) {
    const steps = stepsOf(c.path);
    let node: JsonRecord = patch;
    let path = '';
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const last = i === steps.length - 1;
      if (typeof step === 'string') {
        path = join(path, step);
        const group = groups.find((g) => g.path === path);
        const next = steps[i + 1];
        if (group && Array.isArray(next)) {
          const ops = (node[step] ??= {}) as ListOps & JsonRecord;
          const key = next[0];
          const rest = steps.length - (i + 2);
          if (rest === 0 && c.after === null) {
            (ops.remove ??= []).push(key);
          } else if (rest === 0 && c.before === null) {
            const item = { ...(c.after as JsonRecord) };
            if (group.generated) {
              delete item[group.key];
            }
            (ops.add ??= []).push(item);
          } else {
            const change = ops.change ?? (ops.change = []);
            let item = change.find((x) => String(x[group.key]) === key);
            if (!item) {
              change.push((item = { [group.key]: key }));
            }
            let target: JsonRecord = item;
            for (let j = i + 2; j < steps.length; j++) {
              const s = steps[j] as string;
              if (j === steps.length - 1) {
                target[s] = c.after;
              } else {
                target = (target[s] ??= {}) as JsonRecord;
              }
            }
          }
          break;
        }
        if (last) {
          node[step] = c.after;
        } else {
          node = (node[step] ??= {}) as JsonRecord;
        }
      }
    }
  }
  return patch;
}

/** The changed fields as the audit row's before and after: `{ path: value }` each, the same keys. */
export function auditOf(changes: readonly FieldChange[]): {
  before: JsonRecord;
  after: JsonRecord;
} {
  return {
    before: Object.fromEntries(changes.map((c) => [c.path, c.before])),
    after: Object.fromEntries(changes.map((c) => [c.path, c.after])),
  };
}

/** Changes merged over several versions: the first before and the last after of each path. */
export function mergeChanges(lists: readonly (readonly FieldChange[])[]): FieldChange[] {
  const byPath = new Map<string, FieldChange>();
  for (const list of lists) {
    for (const c of list) {
      const seen = byPath.get(c.path);
      byPath.set(c.path, seen ? { path: c.path, before: seen.before, after: c.after } : { ...c });
    }
  }
  return [...byPath.values()].filter((c) => !sameValue(c.before, c.after));
}

/** 409: the correction was based on `expected`, but the record is at `current`; lists what changed since. */
export function staleVersion(
  current: number,
  expected: number,
  changedSince: readonly FieldChange[],
): DomainError {
  return new DomainError(
    'STALE_VERSION',
    'conflict',
    `The record changed since version ${expected} (now version ${current}); reload it, check the changes and correct again`,
    [
      fieldError('expectedVersion', 'STALE_VERSION', `The record is now at version ${current}`, {
        currentVersion: current,
        expectedVersion: expected,
        changedSince,
      }),
    ],
  );
}
