import type { CodeEntry } from 'src/common/fields/registry';

/** The variable types of the dictionary (the registry's `text` is `string` here). */
export const VARIABLE_TYPES = [
  'string',
  'integer',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'code',
] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** What one row of a dataset stands for. */
export const ROW_UNITS = [
  'participant',
  'relapse',
  'mri_exam',
  'treatment',
  'consent',
  'assessment',
  'phase',
  'visit',
  'sample',
  'questionnaire',
  'adverse_event',
  'causality_assessment',
  'endpoint_week',
] as const;
export type RowUnit = (typeof ROW_UNITS)[number];

export type DatasetSpec = {
  /** File name stem of the dataset (safe like a variable name). */
  name: string;
  label: string;
  rowPer: RowUnit;
  /** Key variables identifying a row, in order (study_id first). */
  keys: readonly string[];
};

export type DictionaryCode = Omit<CodeEntry, 'revealsArm'> & { revealsArm: boolean };

export type DictionaryVariable = {
  /** Stable export name (≤ 32 characters, safe in R, SAS, SPSS and Stata). */
  name: string;
  label: string;
  type: VariableType;
  unit: string | null;
  /** The dataset the variable belongs to; key variables are in every dataset that lists them. */
  datasets: string[];
  /** A key variable (identifies rows; never a registry item). */
  key: boolean;
  /** The registry item (`<form>.<key>`) it comes from; null for a dictionary-only variable. */
  item: string | null;
  /** For a dictionary-only variable computed from a registry item: that item. */
  derivedFrom: string | null;
  /** Computed by the system, never entered. */
  derived: boolean;
  /** Names or implies the arm: left out of the blinded dictionary. */
  revealsArm: boolean;
  /** More than one value per row (exports expand it to one 0/1 column per code: `<name>_<code>`). */
  multiple: boolean;
  maxLength: number | null;
  min: number | null;
  max: number | null;
  codes: DictionaryCode[] | null;
};

export type Dictionary = {
  /** A fingerprint of the content (SHA-256, 16 hex digits): equal dictionaries, equal versions. */
  version: string;
  blinded: boolean;
  codeRule: string;
  datasets: (DatasetSpec & { variables: string[] })[];
  variables: DictionaryVariable[];
};
