/**
 * Which module owns which table: the one place that says it. The owner's repository is the only SQL
 * that names the table; other modules read through the owner's reader or a public view.
 */
export const TABLE_OWNERS: Record<string, readonly string[]> = {
  trials: ['trials'],
  sites: ['sites'],
  access: [
    'users',
    'user_sites',
    'calendar_feeds',
    'signature_attempts',
    'auth_sessions',
    'auth_refresh_tokens',
    'password_history',
    'password_resets',
    'user_second_factors',
    'second_factor_recovery_codes',
    'second_factor_policy',
    'sso_states',
    'user_sso_links',
    'user_signing_passwords',
    'signing_assertions',
  ],
  drafts: ['form_drafts'],
  exports: ['exports'],
  queries: ['data_queries', 'data_query_events'],
  verification: ['sdv_marks', 'casebook_signatures'],
  participants: [
    'participants',
    'participant_status_history',
    'study_id_counters',
    'sample_destruction_requests',
  ],
  identity: ['participant_identities', 'identity_match_keys'],
  eligibility: ['screening_episodes', 'eligibility_assessments', 'consent_renewals'],
  randomization: [
    'allocations',
    'arm_b_treatments',
    'intervention_receipts',
    'intervention_discontinuations',
    'randomization_configs',
    'stratum_counters',
    'unblinding_events',
  ],
  scheduling: [
    'transplant_bookings',
    'transplant_capacities',
    'transplant_phase_records',
    'transplant_centre_locks',
  ],
  'follow-up': [
    'follow_up_schedules',
    'visits',
    'adverse_events',
    'protocol_deviations',
    'follow_up_findings',
    'follow_up_sweep_runs',
  ],
  notifications: ['notifications'],
  'data-locks': [
    'data_cuts',
    'participant_freezes',
    'record_unfreezes',
    'trial_lock_requests',
    'trial_locks',
  ],
  audit: ['audit_log', 'audit_chain_head'],
  // Below the modules, the kernel: job intents (outbox), the kept versions of correctable
  // records, written by the unit of work, and the Idempotency-Keys of creates.
  kernel: ['outbox', 'record_versions', 'idempotency_keys'],
};

/**
 * The public views each owner defines in its migrations (migrations/1764000800000-PublicViews.ts):
 * the columns of its tables other modules may read. Any module's SQL may name them.
 */
export const PUBLIC_VIEWS: Record<string, readonly string[]> = {
  sites: ['site_directory'],
  access: ['user_directory'],
  participants: ['participant_directory'],
  randomization: ['allocation_directory'],
  'follow-up': ['visit_directory', 'deviation_directory'],
};

/**
 * Today's uses of another module's table (file → table (owner)): a baseline that may only shrink.
 * Remove an entry when its use is replaced by the owner's reader or view.
 */
export const KNOWN_FOREIGN_TABLE_USES: readonly string[] = [
  // The unit of work appends every change's audit row to the audit module's chain, in the
  // change's transaction (the one writer; the audit module reads and verifies).
  'src/kernel/unit-of-work.ts → audit_log (audit)',
];
