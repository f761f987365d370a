export const ROLES = [
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
  'statistician',
  'monitor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may see clinical data of every site without memberships. */
export const TRIAL_WIDE_BY_NATURE: readonly Role[] = ['statistician', 'monitor'];
