/**
 * Words and fields that would tell a blinded assessor which arm a participant is in (the same
 * list as test/e2e/blinding.e2e-spec.ts, shared here for the authorisation matrix).
 */
export const ARM_REVEALING: readonly RegExp[] = [
  /"arm"\s*:/i,
  /"arm[A-Z_]\w*"\s*:/,
  /armB|arm_b|armLabel/i,
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
];

/** The arm-revealing patterns found in a response text. */
export function armRevealing(text: string): string[] {
  return ARM_REVEALING.filter((re) => re.test(text)).map(String);
}
