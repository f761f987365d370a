/**
 * Which module owns which table: the one place that says it. The owner's repository is the only SQL
 * that names the table; other modules read through the owner's reader or a public view.
 */
export const TABLE_OWNERS: Record<string, readonly string[]> = {
  trials: ['trials'],
  sites: ['sites'],
  users: ['users', 'user_sites'],
  participants: [
    'participants',
    'participant_status_history',
    'study_id_counters',
    'sample_destruction_requests',
  ],
  identity: ['participant_identities'],
  eligibility: ['screening_episodes', 'eligibility_assessments'],
  randomization: [
    'allocations',
    'arm_b_treatments',
    'intervention_receipts',
    'randomization_configs',
    'stratum_counters',
    'unblinding_events',
  ],
  scheduling: ['transplant_bookings', 'transplant_capacities', 'transplant_phase_records'],
  'follow-up': [
    'follow_up_schedules',
    'visits',
    'adverse_events',
    'protocol_deviations',
    'follow_up_findings',
    'follow_up_sweep_runs',
  ],
  notifications: ['notifications'],
  audit: ['audit_log', 'audit_chain_head'],
  // Below the modules, the kernel: job intents (outbox) and the kept versions of correctable
  // records, written by the unit of work.
  kernel: ['outbox', 'record_versions'],
};

/**
 * Today's uses of another module's table (file → table (owner)): a baseline that may only shrink.
 * Remove an entry when its use is replaced by the owner's reader or view.
 */
export const KNOWN_FOREIGN_TABLE_USES: readonly string[] = [
  'src/modules/eligibility/screening-log.repository.ts → participants (participants)',
  'src/modules/eligibility/screening-log.repository.ts → sites (sites)',
  'src/modules/follow-up/adverse-events.repository.ts → participants (participants)',
  'src/modules/follow-up/endpoints.repository.ts → allocations (randomization)',
  'src/modules/follow-up/endpoints.repository.ts → participants (participants)',
  'src/modules/follow-up/endpoints.repository.ts → sites (sites)',
  'src/modules/follow-up/sweep.repository.ts → participants (participants)',
  'src/modules/follow-up/sweep.repository.ts → sites (sites)',
  'src/modules/follow-up/visits.repository.ts → allocations (randomization)',
  'src/modules/follow-up/visits.repository.ts → participants (participants)',
  'src/modules/follow-up/visits.repository.ts → sites (sites)',
  'src/modules/notifications/notifications.repository.ts → users (users)',
  'src/modules/participants/participants.repository.ts → sites (sites)',
  'src/modules/randomization/randomization.repository.ts → participants (participants)',
  'src/modules/randomization/randomization.repository.ts → sites (sites)',
  'src/modules/reports/reports.repository.ts → allocations (randomization)',
  'src/modules/reports/reports.repository.ts → follow_up_schedules (follow-up)',
  'src/modules/reports/reports.repository.ts → intervention_receipts (randomization)',
  'src/modules/reports/reports.repository.ts → participants (participants)',
  'src/modules/reports/reports.repository.ts → protocol_deviations (follow-up)',
  'src/modules/reports/reports.repository.ts → sites (sites)',
  'src/modules/reports/reports.repository.ts → transplant_bookings (scheduling)',
  'src/modules/reports/reports.repository.ts → visits (follow-up)',
  'src/modules/scheduling/scheduling.repository.ts → allocations (randomization)',
  'src/modules/scheduling/scheduling.repository.ts → participants (participants)',
  'src/modules/scheduling/scheduling.repository.ts → sites (sites)',
  'src/modules/sites/sites.repository.ts → transplant_capacities (scheduling)',
  'src/modules/trials/seed/ram-ms.seed.ts → audit_log (audit)',
  'src/modules/trials/seed/ram-ms.seed.ts → sites (sites)',
  'src/modules/users/users.repository.ts → sites (sites)',
];
