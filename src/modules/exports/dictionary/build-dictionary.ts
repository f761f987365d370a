import { createHash } from 'node:crypto';
import { FIELD_ITEMS, type FieldItem } from 'src/common/fields/registry';
import { DATASETS, datasetOf } from './datasets';
import { DERIVED_VARIABLES, type ExtraVariable, KEY_VARIABLES } from './derived-variables';
import type {
  DatasetSpec,
  Dictionary,
  DictionaryCode,
  DictionaryVariable,
  VariableType,
} from './dictionary.types';

/** How numeric codes are assigned (shown in the codebook and carried in the JSON). */
export const CODE_RULE =
  'Numeric codes are 1, 2, 3, … in the order of each code list when the list was first written; ' +
  'a new value is appended with the next number, a value is never renumbered or reused, and ' +
  'the blinded dictionary leaves arm-revealing values out without renumbering the others.';

const TYPE_OF: Record<FieldItem['type'], VariableType> = {
  text: 'string',
  integer: 'integer',
  decimal: 'decimal',
  date: 'date',
  datetime: 'datetime',
  boolean: 'boolean',
  code: 'code',
};

function fromItem(item: FieldItem): DictionaryVariable {
  return {
    name: item.name,
    label: item.label,
    type: TYPE_OF[item.type],
    unit: item.unit ?? null,
    datasets: [datasetOf(item)],
    key: false,
    item: item.id,
    derivedFrom: null,
    derived: item.derived === true || item.dateRule === 'derived',
    revealsArm: item.revealsArm,
    multiple: item.multiple === true,
    maxLength: item.maxLength ?? null,
    min: item.min ?? null,
    max: item.max ?? null,
    codes: item.codes
      ? item.codes.map((c) => ({
          code: c.code,
          value: c.value,
          label: c.label,
          revealsArm: c.revealsArm === true,
        }))
      : null,
  };
}

function fromExtra(extra: ExtraVariable, datasets: readonly DatasetSpec[]): DictionaryVariable {
  const inDatasets = extra.key
    ? datasets.filter((d) => d.keys.includes(extra.name)).map((d) => d.name)
    : [extra.dataset ?? ''];
  return {
    name: extra.name,
    label: extra.label,
    type: extra.type,
    unit: extra.unit ?? null,
    datasets: inDatasets,
    key: extra.key === true,
    item: null,
    derivedFrom: extra.derivedFrom ?? null,
    derived: extra.derived === true,
    revealsArm: extra.revealsArm,
    multiple: extra.multiple === true,
    maxLength: extra.maxLength ?? null,
    min: extra.min ?? null,
    max: extra.max ?? null,
    codes: extra.codes
      ? extra.codes.map(([value, label], i): DictionaryCode => ({
          code: i + 1,
          value,
          label,
          revealsArm: false,
        }))
      : null,
  };
}

function blind(v: DictionaryVariable): DictionaryVariable {
  return v.codes ? { ...v, codes: v.codes.filter((c) => !c.revealsArm) } : v;
}

export type DictionarySources = {
  items: readonly FieldItem[];
  extras: readonly ExtraVariable[];
  datasets: readonly DatasetSpec[];
};

const DEFAULT_SOURCES: DictionarySources = {
  items: FIELD_ITEMS,
  extras: [...KEY_VARIABLES, ...DERIVED_VARIABLES],
  datasets: DATASETS,
};

/**
 * The data dictionary: every registry item and every dictionary-only variable once, with its
 * dataset(s), in a fixed order (the key variables, then the registry's items in registry order,
 * then the dictionary's own variables; each dataset lists its keys first). Pure and deterministic: the same sources give the same dictionary.
 * Blinded: without arm-revealing variables and code values, and without datasets that keep no
 * variable besides their keys. Throws on a variable naming an unknown dataset or a name used twice.
 */
export function buildDictionary(
  opts: { blinded: boolean },
  sources: DictionarySources = DEFAULT_SOURCES,
): Dictionary {
  const all = [
    ...sources.extras.filter((e) => e.key).map((e) => fromExtra(e, sources.datasets)),
    ...sources.items.map(fromItem),
    ...sources.extras.filter((e) => !e.key).map((e) => fromExtra(e, sources.datasets)),
  ];
  const known = new Set(sources.datasets.map((d) => d.name));
  const seen = new Set<string>();
  for (const v of all) {
    if (seen.has(v.name.toLowerCase())) {
      throw new Error(`variable name ${v.name} is used twice`);
    }
    seen.add(v.name.toLowerCase());
    const unknown = v.datasets.filter((d) => !known.has(d));
    if (unknown.length > 0 || v.datasets.length === 0) {
      throw new Error(`variable ${v.name}: no such dataset ${unknown.join(', ') || '(none)'}`);
    }
  }
  for (const d of sources.datasets) {
    const missing = d.keys.filter((k) => !seen.has(k.toLowerCase()));
    if (missing.length > 0) {
      throw new Error(`dataset ${d.name}: no key variable ${missing.join(', ')}`);
    }
  }
  const variables = opts.blinded ? all.filter((v) => !v.revealsArm).map(blind) : all;
  const kept = new Set(variables.map((v) => v.name));
  // A dataset is left out when it lost a key (its rows could not be told apart) or keeps nothing
  // but its keys: in the blinded dictionary, the plan phases and the adverse events.
  const datasets = sources.datasets
    .filter((d) => d.keys.every((k) => kept.has(k)))
    .map((d) => {
      const rest = variables
        .filter((v) => v.datasets.includes(d.name) && !d.keys.includes(v.name))
        .map((v) => v.name);
      return { ...d, keys: [...d.keys], variables: [...d.keys, ...rest] };
    })
    .filter((d) => d.variables.length > d.keys.length);
  const shown = new Set(datasets.map((d) => d.name));
  const out = variables
    .map((v) => ({ ...v, datasets: v.datasets.filter((d) => shown.has(d)) }))
    .filter((v) => v.datasets.length > 0);
  const body = { blinded: opts.blinded, codeRule: CODE_RULE, datasets, variables: out };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { version, ...body };
}
