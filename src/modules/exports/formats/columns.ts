import type {
  Dictionary,
  DictionaryCode,
  DictionaryVariable,
} from 'src/modules/exports/dictionary/dictionary.types';
import type { ExportOptions, ExportValue } from 'src/modules/exports/formats/format.types';

/** The type a column is written as: the dictionary's, with dates as integers under `datesAs: 'days'`. */
export type ColumnType =
  'string' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'code';

/**
 * One column of a dataset as the standards' writers see it (ODM ItemDef, Dataset-JSON column):
 * a dictionary variable, or one 0/1 column `<name>_<code>` of a multiple-choice variable.
 */
export type ExportColumn = {
  name: string;
  label: string;
  type: ColumnType;
  unit: string | null;
  maxLength: number | null;
  /** 1-based position among the dataset's keys, or null. */
  keySequence: number | null;
  /** The code list of a `code` column (the blinded dictionary's list is already blinded). */
  codes: DictionaryCode[] | null;
  variable: DictionaryVariable;
};

export type DatasetOf = Dictionary['datasets'][number];

/** The columns of a dataset, in the dictionary's order (keys first). */
export function datasetColumns(
  dictionary: Dictionary,
  dataset: DatasetOf,
  options: Pick<ExportOptions, 'datesAs'>,
): ExportColumn[] {
  const byName = new Map(dictionary.variables.map((v) => [v.name, v]));
  return dataset.variables.flatMap((name): ExportColumn[] => {
    const v = byName.get(name);
    if (!v) {
      throw new Error(`dataset ${dataset.name}: no variable ${name} in the dictionary`);
    }
    const at = dataset.keys.indexOf(name);
    const base = {
      unit: v.unit,
      maxLength: v.maxLength,
      keySequence: at >= 0 ? at + 1 : null,
      variable: v,
    };
    if (v.multiple && v.codes) {
      return v.codes.map((c) => ({
        ...base,
        name: `${v.name}_${c.code}`,
        label: `${v.label}: ${c.label} (1 = yes, 0 = no)`,
        type: 'integer',
        unit: null,
        maxLength: null,
        codes: null,
      }));
    }
    const days = v.type === 'date' && options.datesAs === 'days';
    return [
      {
        ...base,
        name: v.name,
        label: days ? `${v.label} (days since randomisation)` : v.label,
        type: days ? 'integer' : v.type,
        codes: v.type === 'code' ? v.codes : null,
      },
    ];
  });
}

/**
 * A row's value for a column, or null when it cannot be written: missing, of the wrong shape, or
 * a code outside the column's code list (so a blinded list never lets an arm-revealing code out).
 */
export function columnValue(column: ExportColumn, value: ExportValue | undefined): ExportValue {
  if (value === undefined || value === null) {
    return null;
  }
  switch (column.type) {
    case 'string':
    case 'date':
    case 'datetime':
      return typeof value === 'string' ? value : null;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : null;
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'code':
      return typeof value === 'number' && (column.codes ?? []).some((c) => c.code === value)
        ? value
        : null;
  }
}
