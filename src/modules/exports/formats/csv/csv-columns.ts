import type {
  DictionaryCode,
  Dictionary,
  DictionaryVariable,
  VariableType,
} from '../../dictionary/dictionary.types';

/**
 * One column of a CSV file: a dictionary variable, or one 0/1 column `<name>_<code>` of a
 * multiple-choice variable (its type is then `boolean`). The CSV writer and the generated R, SAS,
 * SPSS and Stata scripts read the columns from here, so file and scripts always agree.
 */
export type CsvColumn = {
  name: string;
  label: string;
  type: VariableType;
  variable: DictionaryVariable;
  /** The code a multiple-choice expansion column stands for; null for a plain variable. */
  code: DictionaryCode | null;
};

export type CsvDataset = { name: string; label: string; file: string; columns: CsvColumn[] };

function columnsOf(v: DictionaryVariable): CsvColumn[] {
  if (v.multiple && v.codes) {
    return v.codes.map((code) => ({
      name: `${v.name}_${code.code}`,
      label: `${v.label}: ${code.label}`,
      type: 'boolean',
      variable: v,
      code,
    }));
  }
  return [{ name: v.name, label: v.label, type: v.type, variable: v, code: null }];
}

/** The CSV files of an export: one per dataset of the dictionary, columns in dictionary order. */
export function csvDatasets(dictionary: Dictionary): CsvDataset[] {
  const byName = new Map(dictionary.variables.map((v) => [v.name, v]));
  return dictionary.datasets.map((d) => ({
    name: d.name,
    label: d.label,
    file: `${d.name}.csv`,
    columns: d.variables.flatMap((name) => {
      const v = byName.get(name);
      if (!v) {
        throw new Error(`dataset ${d.name}: no variable ${name} in the dictionary`);
      }
      return columnsOf(v);
    }),
  }));
}
