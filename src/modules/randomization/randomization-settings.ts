/**
 * Arm-B formulary per criteria set and country (docs/domain/ram-ms.md §3: NO alemtuzumab or cladribine;
 * the other countries also ocrelizumab; v1 alemtuzumab only). Data, not code: trial settings
 * `randomization.formulary` override it.
 */
export const DEFAULT_FORMULARY: Record<string, Record<string, string[]>> = {
  'ram-ms-v1': { '*': ['alemtuzumab'] },
  'ram-ms-v2': {
    NO: ['alemtuzumab', 'cladribine'],
    SE: ['alemtuzumab', 'cladribine', 'ocrelizumab'],
    DK: ['alemtuzumab', 'cladribine', 'ocrelizumab'],
    NL: ['alemtuzumab', 'cladribine', 'ocrelizumab'],
  },
};

export const ARM_B_DRUGS = ['alemtuzumab', 'cladribine', 'ocrelizumab', 'ofatumumab'] as const;

/** CONSORT: why an allocated intervention was not received. */
export const NOT_RECEIVED_REASONS = [
  'withdrew_before_treatment',
  'started_second_line_instead',
  'medical_contraindication',
  'mobilisation_failed',
  'transplant_not_done',
  'died_before_treatment',
  'other',
] as const;

/**
 * CONSORT: why the allocated intervention was discontinued (arm-B drug stopped, transplant not
 * done). Off treatment is not off study: follow-up continues.
 */
export const DISCONTINUATION_REASONS = [
  'adverse_event',
  'lack_of_efficacy',
  'participant_decision',
  'physician_decision',
  'medical_contraindication',
  'mobilisation_failed',
  'pregnancy',
  'started_other_treatment',
  'other',
] as const;
export type DiscontinuationReason = (typeof DISCONTINUATION_REASONS)[number];

export const UNBLINDING_KINDS = ['accidental', 'emergency'] as const;

export function formularyFor(
  formulary: Record<string, Record<string, string[]>>,
  criteriaSetId: string,
  country: string,
): string[] {
  const set = formulary[criteriaSetId] ?? formulary['ram-ms-v2'] ?? {};
  return set[country] ?? set['*'] ?? [];
}
