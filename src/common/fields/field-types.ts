/**
 * The shape of the field registry (issue 14): one definition per clinical item the system records.
 * Pure data types, no imports: the pages compile this file too (web/src/i18n), without the API's paths.
 */

/** The record types (forms) the items belong to. */
export const FORMS = [
  'screening',
  'pathway',
  'consent',
  'eligibility',
  'allocation',
  'arm_b_drug',
  'intervention',
  'transplant',
  'transplant_phase',
  'visit',
  'visit_log',
  'assessment',
  'adverse_event',
  'outcome',
  'endpoint',
] as const;
export type FormId = (typeof FORMS)[number];

export type FieldType = 'text' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'code';

/**
 * When a date may lie (issue 15, "plausible dates"): `past` happened (not after today on the
 * site's calendar, not before the participant's birth); `planned` may lie ahead (a plan or a
 * target); `derived` computed by the system, never entered. Every entered date is also a real
 * 'YYYY-MM-DD' of 1900–2100 (src/common/time/calendar-date.ts).
 */
export type DateRule = 'past' | 'planned' | 'derived';

/** One entry of a code list: the numeric code (SPSS/Stata value labels), the API's string value. */
export type CodeEntry = {
  code: number;
  value: string;
  label: string;
  /** This value alone names an arm (e.g. the arm-A weekly visit kind): never shown to a blinded reader. */
  revealsArm?: boolean;
};

export type FieldItem = {
  /** Stable item id, `<form>.<item>` (queries, corrections and exports address items by it). */
  id: string;
  form: FormId;
  /** The data path in the record as the API takes and returns it: `edss.score`, `relapses[].onsetDate`. */
  path: string;
  /** Variable name for exports: ≤ 32 characters, safe for R, SAS, SPSS and Stata. */
  name: string;
  type: FieldType;
  /** English label; the pages' translation key is `field.<id>` (labelKey). */
  label: string;
  labelKey: string;
  unit?: string;
  /** Code list (type `code`). */
  codes?: readonly CodeEntry[];
  /** More than one value (a list of codes). */
  multiple?: boolean;
  min?: number;
  max?: number;
  step?: number;
  /** Longest text accepted. */
  maxLength?: number;
  dateRule?: DateRule;
  /** The date is on or after the participant's randomisation (treatment, follow-up). */
  onOrAfterRandomisation?: boolean;
  /** The item names or implies the participant's arm: never in a blinded view or export. */
  revealsArm: boolean;
  /**
   * Left out of the blinded view although it does not reveal the arm (not the blinded assessor's
   * data, e.g. the site's visit log). Default: shown unless revealsArm.
   */
  blindedHidden?: boolean;
  /** Computed by the system (an endpoint), never entered. */
  derived?: boolean;
};

/** An item before the registry fills in its label key. */
export type ItemSpec = Omit<FieldItem, 'labelKey' | 'id' | 'form'> & { key: string };

/**
 * A response shape built from forms: its record keys (identifiers and bookkeeping, not clinical
 * items) and the forms whose items it carries, each at a mount path (`''` = top level).
 */
export type ViewSpec = {
  keys: readonly string[];
  parts: readonly { form: FormId; at: string }[];
};
