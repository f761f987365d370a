import type { DictionaryVariable } from './dictionary.types';

/**
 * The dictionary's own variables: what the exports carry that is not a registry item (the one
 * place for them; a registry item is never repeated here, the unit test checks it).
 * - keys: the identifiers of a dataset's rows (the study id, never identity data; sequence numbers);
 * - variables the issue names that the API does not take as input: the randomisation date, the
 *   site and country, the state of the eligibility signature, the plan's planned phase dates, and
 *   the derived endpoints beside NEDA-3 (its components, baseline EDSS, confirmed progression),
 *   with NEDA-3 at weeks 96 and 240 on the participant's row.
 * Code lists follow the registry's rule: codes 1, 2, 3, … in list order, new values appended.
 */
export type ExtraVariable = Pick<DictionaryVariable, 'name' | 'label' | 'type' | 'revealsArm'> &
  Partial<
    Pick<
      DictionaryVariable,
      'unit' | 'derivedFrom' | 'multiple' | 'maxLength' | 'min' | 'max' | 'derived'
    >
  > & {
    /** The dataset of a non-key variable; keys appear in every dataset that names them. */
    dataset?: string;
    key?: boolean;
    codes?: readonly (readonly [string, string])[];
  };

export const KEY_VARIABLES: readonly ExtraVariable[] = [
  {
    name: 'study_id',
    label: 'Study id (the pseudonymous participant key)',
    type: 'string',
    maxLength: 40,
    key: true,
    revealsArm: false,
  },
  {
    name: 'row_seq',
    label: 'Row number within the record (1, 2, … in recorded order)',
    type: 'integer',
    min: 1,
    key: true,
    revealsArm: false,
  },
  {
    name: 'consent_seq',
    label: 'Consent number of the participant (1 = first consent)',
    type: 'integer',
    min: 1,
    key: true,
    revealsArm: false,
  },
  {
    name: 'elig_seq',
    label: 'Eligibility assessment number of the participant',
    type: 'integer',
    min: 1,
    key: true,
    revealsArm: false,
  },
  {
    name: 'visit_code',
    label: 'Visit code (visit template, e.g. W096)',
    type: 'string',
    maxLength: 40,
    key: true,
    revealsArm: false,
  },
  {
    name: 'ae_seq',
    label: 'Adverse event number of the participant',
    type: 'integer',
    min: 1,
    key: true,
    // Adverse events are arm-revealing as a whole (registry): so is their key.
    revealsArm: true,
  },
];

export const DERIVED_VARIABLES: readonly ExtraVariable[] = [
  {
    name: 'site_code',
    label: 'Site code',
    type: 'string',
    maxLength: 40,
    dataset: 'participants',
    revealsArm: false,
  },
  {
    name: 'country',
    label: 'Country of the site (ISO 3166-1 alpha-2)',
    type: 'string',
    maxLength: 2,
    dataset: 'participants',
    revealsArm: false,
  },
  {
    name: 'rand_date',
    label: 'Randomisation date (site calendar)',
    type: 'date',
    dataset: 'participants',
    derived: true,
    derivedFrom: 'allocation.randomisedAt',
    revealsArm: false,
  },
  {
    name: 'elig_criteria_version',
    label: 'Criteria set version',
    type: 'string',
    maxLength: 40,
    dataset: 'eligibility',
    revealsArm: false,
  },
  {
    name: 'elig_sig_status',
    label: "State of the investigator's eligibility signature",
    type: 'code',
    codes: [
      ['unsigned', 'Not signed'],
      ['signed', 'Signed'],
      ['void', 'Signature voided'],
    ],
    dataset: 'eligibility',
    derived: true,
    revealsArm: false,
  },
  {
    name: 'elig_sig_meaning',
    label: 'Meaning of the signature (the statement signed)',
    type: 'string',
    maxLength: 500,
    dataset: 'eligibility',
    revealsArm: false,
  },
  {
    name: 'elig_sig_voided_at',
    label: 'Signature voided at',
    type: 'datetime',
    dataset: 'eligibility',
    revealsArm: false,
  },
  {
    name: 'txp_planned_start',
    label: 'Phase planned to start on',
    type: 'date',
    dataset: 'tx_phases',
    derived: true,
    revealsArm: true,
  },
  {
    name: 'txp_planned_end',
    label: 'Phase planned to end on',
    type: 'date',
    dataset: 'tx_phases',
    derived: true,
    revealsArm: true,
  },
  {
    name: 'neda_cutoff',
    label: 'Endpoint cutoff date (endpoint visit, or end of its window)',
    type: 'date',
    dataset: 'endpoints',
    derived: true,
    revealsArm: false,
  },
  {
    name: 'neda_missing',
    label: 'NEDA-3 not evaluable for want of',
    type: 'code',
    multiple: true,
    codes: [
      ['edss_baseline', 'Baseline EDSS'],
      ['edss_endpoint', 'EDSS in the endpoint window'],
      ['mri_rebaseline', 'Re-baseline MRI'],
      ['mri_endpoint', 'MRI in the endpoint window'],
    ],
    dataset: 'endpoints',
    derived: true,
    derivedFrom: 'endpoint.neda3',
    revealsArm: false,
  },
  {
    name: 'relapse_n',
    label: 'Relapses after randomisation up to the cutoff',
    type: 'integer',
    unit: 'relapses',
    min: 0,
    dataset: 'endpoints',
    derived: true,
    revealsArm: false,
  },
  {
    name: 'edss_baseline',
    label: 'Baseline EDSS score',
    type: 'decimal',
    unit: 'EDSS points',
    min: 0,
    max: 10,
    dataset: 'endpoints',
    derived: true,
    derivedFrom: 'assessment.edss',
    revealsArm: false,
  },
  {
    name: 'edss_cdp',
    label: 'Confirmed EDSS progression up to the cutoff',
    type: 'boolean',
    dataset: 'endpoints',
    derived: true,
    revealsArm: false,
  },
  {
    name: 'edss_cdp_date',
    label: 'Onset of the confirmed EDSS progression',
    type: 'date',
    dataset: 'endpoints',
    derived: true,
    revealsArm: false,
  },
  {
    name: 'mri_active_n',
    label: 'MRI scans with activity after the re-baseline up to the cutoff',
    type: 'integer',
    unit: 'scans',
    min: 0,
    dataset: 'endpoints',
    derived: true,
    revealsArm: false,
  },
  {
    name: 'neda3_w96',
    label: 'NEDA-3 at week 96 (primary endpoint)',
    type: 'boolean',
    dataset: 'participants',
    derived: true,
    derivedFrom: 'endpoint.neda3',
    revealsArm: false,
  },
  {
    name: 'neda3_w240',
    label: 'NEDA-3 at week 240',
    type: 'boolean',
    dataset: 'participants',
    derived: true,
    derivedFrom: 'endpoint.neda3',
    revealsArm: false,
  },
];
