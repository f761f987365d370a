import type { FieldItem } from 'src/common/fields/registry';
import type { DatasetSpec } from './dictionary.types';

/**
 * The datasets of the exports: one wide dataset with one row per participant (the items recorded
 * once per participant) and long datasets with one row per visit or event (the repeated records,
 * and each list inside a record: `relapses[]`, `samples[]`, …). Names are file-name stems: stable,
 * never renamed.
 */
export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'participants',
    label: 'Participants (one row per participant)',
    rowPer: 'participant',
    keys: ['study_id'],
  },
  {
    name: 'scr_relapses',
    label: 'Relapses reported at screening',
    rowPer: 'relapse',
    keys: ['study_id', 'row_seq'],
  },
  {
    name: 'scr_mri',
    label: 'MRI exams reported at screening',
    rowPer: 'mri_exam',
    keys: ['study_id', 'row_seq'],
  },
  {
    name: 'scr_treatments',
    label: 'Prior and current treatments reported at screening',
    rowPer: 'treatment',
    keys: ['study_id', 'row_seq'],
  },
  { name: 'consents', label: 'Consents', rowPer: 'consent', keys: ['study_id', 'consent_seq'] },
  {
    name: 'eligibility',
    label: 'Eligibility assessments and signatures',
    rowPer: 'assessment',
    keys: ['study_id', 'elig_seq'],
  },
  {
    name: 'tx_phases',
    label: 'Treatment plan phases (arm A)',
    rowPer: 'phase',
    keys: ['study_id', 'txp_phase'],
  },
  {
    name: 'visits',
    label: 'Visits: schedule, site log and blinded assessment',
    rowPer: 'visit',
    keys: ['study_id', 'visit_code'],
  },
  {
    name: 'visit_relapses',
    label: 'Relapses logged at visits',
    rowPer: 'relapse',
    keys: ['study_id', 'visit_code', 'row_seq'],
  },
  {
    name: 'visit_samples',
    label: 'Samples logged at visits',
    rowPer: 'sample',
    keys: ['study_id', 'visit_code', 'row_seq'],
  },
  {
    name: 'visit_questionnaires',
    label: 'Questionnaires logged at visits',
    rowPer: 'questionnaire',
    keys: ['study_id', 'visit_code', 'row_seq'],
  },
  {
    name: 'adverse_events',
    label: 'Adverse events',
    rowPer: 'adverse_event',
    keys: ['study_id', 'ae_seq'],
  },
  {
    name: 'ae_assessments',
    label: 'Adverse events: causality assessments per intervention',
    rowPer: 'causality_assessment',
    keys: ['study_id', 'ae_seq', 'row_seq'],
  },
  {
    name: 'endpoints',
    label: 'Endpoints (one row per participant and endpoint week)',
    rowPer: 'endpoint_week',
    keys: ['study_id', 'neda_week'],
  },
];

/** Lists inside a record that become their own long dataset, by form and list path. */
const LISTS: Record<string, string> = {
  'screening:relapses': 'scr_relapses',
  'screening:mriExams': 'scr_mri',
  'screening:treatments': 'scr_treatments',
  'visit_log:relapseAssessment.relapses': 'visit_relapses',
  'visit_log:samples': 'visit_samples',
  'visit_log:questionnaires': 'visit_questionnaires',
  'adverse_event:assessments': 'ae_assessments',
};

/** Forms recorded once per participant go to the wide dataset; the others have their own. */
const BY_FORM: Record<FieldItem['form'], string> = {
  screening: 'participants',
  pathway: 'participants',
  consent: 'consents',
  eligibility: 'eligibility',
  allocation: 'participants',
  arm_b_drug: 'participants',
  intervention: 'participants',
  transplant: 'participants',
  transplant_phase: 'tx_phases',
  visit: 'visits',
  visit_log: 'visits',
  assessment: 'visits',
  adverse_event: 'adverse_events',
  outcome: 'participants',
  endpoint: 'endpoints',
};

/** The dataset a registry item belongs to: its list's dataset, or its form's. */
export function datasetOf(item: FieldItem): string {
  const at = item.path.indexOf('[]');
  if (at >= 0) {
    const dataset = LISTS[`${item.form}:${item.path.slice(0, at)}`];
    if (!dataset) {
      throw new Error(`${item.id}: no dataset for the list ${item.path.slice(0, at)}`);
    }
    return dataset;
  }
  return BY_FORM[item.form];
}
