import type { AuditFilter, AuditRow } from './audit.repository';

/**
 * What an admin (configuration only) may see of the audit trail: who, when, what kind, which
 * entity. The values before and after a change and its reason are shown only for configuration
 * records (accounts and sites); every clinical row has them removed. Actions that exist for one arm
 * only (transplant scheduling, the arm-B drug, the received intervention, a schedule re-anchored on
 * day 0) are shown under one neutral kind and entity, without the request id (a job's id names its
 * job), so the actions on a participant name no arm, and a filter by any of them finds all of them.
 */
const CONFIGURATION_ENTITIES = ['user', 'site'];

export const NEUTRAL_TREATMENT_ACTION = 'treatment.recorded';
const NEUTRAL_TREATMENT_ENTITY = 'treatment';

/** The arm-specific actions: every action starting with one of these (the one definition, used by filter and view). */
const ARM_SPECIFIC_PREFIXES: readonly string[] = [
  'scheduling.',
  'randomization.arm_b',
  'randomization.intervention',
  'follow-up.schedule_reanchored',
];
const ARM_SPECIFIC_LIKE = ARM_SPECIFIC_PREFIXES.map((p) => `${p.replace(/[\\%_]/g, '\\$&')}%`);

/** Whether an action tells which arm its participant is in. */
export function armSpecificAction(action: string): boolean {
  return ARM_SPECIFIC_PREFIXES.some((p) => action.startsWith(p));
}

/** An admin's filter: a filter by the neutral kind or by any arm-specific action finds all of them. */
export function adminFilter(filter: AuditFilter): AuditFilter {
  if (
    filter.action === undefined ||
    (filter.action !== NEUTRAL_TREATMENT_ACTION && !armSpecificAction(filter.action))
  ) {
    return filter;
  }
  return { ...filter, action: undefined, actionLike: ARM_SPECIFIC_LIKE };
}

export type AdminAuditRow = AuditRow & { redacted: boolean };

export function forAdmin(row: AuditRow): AdminAuditRow {
  const armSpecific = armSpecificAction(row.action);
  if (CONFIGURATION_ENTITIES.includes(row.entity) && !armSpecific) {
    return { ...row, redacted: false };
  }
  const neutral = armSpecific
    ? { action: NEUTRAL_TREATMENT_ACTION, entity: NEUTRAL_TREATMENT_ENTITY, requestId: null }
    : {};
  return { ...row, ...neutral, before: null, after: null, reason: null, redacted: true };
}
