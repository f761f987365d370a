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

/** Roles whose answers may show a participant's arm (the open-label and the unblinded roles). */
export const ARM_REVEALING: readonly Role[] = [
  'coordinator',
  'investigator',
  'site_staff',
  'statistician',
  'monitor',
];

/** Roles that act within site memberships (a site's delegation log). */
export const SITE_ROLES: readonly Role[] = [
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
];

/** Every role that touches clinical data: all but the configuration-only admin. */
export const CLINICAL_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'admin');

/**
 * Least privileged first. An account whose roles break the combination rules acts only in the
 * first of its roles in this order (a blinded role wins), until an admin resolves it; an account
 * that signs in without choosing acts in the first of its roles in this order too.
 */
export const LEAST_PRIVILEGED_FIRST: readonly Role[] = [
  'blinded_assessor',
  'site_staff',
  'monitor',
  'coordinator',
  'investigator',
  'statistician',
  'admin',
];

/**
 * The combination rules, declared once: one role of a pair may not be held with any role of the
 * other. Enforced when an account is created or its roles change (409 naming the rule), and checked
 * for existing accounts at start-up.
 */
export const ROLE_COMBINATION_RULES: readonly {
  code: string;
  roles: readonly Role[];
  excludes: readonly Role[];
  why: string;
}[] = [
  {
    code: 'BLINDED_WITH_ARM_ROLE',
    roles: ['blinded_assessor'],
    excludes: ARM_REVEALING,
    why: 'a blinded assessor holds no role that can see an arm',
  },
  {
    code: 'TRIAL_WIDE_WITH_SITE_ROLE',
    roles: TRIAL_WIDE_BY_NATURE,
    excludes: SITE_ROLES,
    why: 'statistician and monitor are trial-wide roles and hold no site role',
  },
  {
    code: 'ADMIN_WITH_CLINICAL_ROLE',
    roles: ['admin'],
    excludes: CLINICAL_ROLES,
    why: 'the admin is configuration only and holds no clinical role',
  },
];

export type RoleConflict = { code: string; roles: [Role, Role]; message: string };

/** Every pair of the given roles that a rule forbids, each named once. */
export function roleConflicts(roles: readonly Role[]): RoleConflict[] {
  const held = [...new Set(roles)];
  const found: RoleConflict[] = [];
  for (const rule of ROLE_COMBINATION_RULES) {
    for (const a of held.filter((r) => rule.roles.includes(r))) {
      for (const b of held.filter((r) => r !== a && rule.excludes.includes(r))) {
        found.push({ code: rule.code, roles: [a, b], message: `${a} with ${b}: ${rule.why}` });
      }
    }
  }
  return found;
}

/** Sorted least privileged first. */
export function byPrivilege(roles: readonly Role[]): Role[] {
  return [...new Set(roles)].sort(
    (a, b) => LEAST_PRIVILEGED_FIRST.indexOf(a) - LEAST_PRIVILEGED_FIRST.indexOf(b),
  );
}

/**
 * The roles an account may act in: all of them when they obey the rules, otherwise only the least
 * privileged one (a blinded role wins) until an admin resolves the conflict.
 */
export function actingRoles(roles: readonly Role[]): Role[] {
  const sorted = byPrivilege(roles);
  return roleConflicts(sorted).length > 0 ? sorted.slice(0, 1) : sorted;
}
