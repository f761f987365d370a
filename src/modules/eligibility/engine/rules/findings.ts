import type {
  ActiveInfection,
  ComorbidityFlag,
  InfectionTest,
  ScreeningData,
} from 'src/modules/eligibility/engine/screening-data';
import type { Finding } from './check';
import { field, readBool, readTestResult } from './read';

export const TEST_LABELS: Readonly<Record<InfectionTest, string>> = {
  tb: 'TB',
  hiv: 'HIV',
  hbsag: 'HBsAg',
  hcvPcr: 'HCV PCR',
  syphilis: 'syphilis',
};

export const ACTIVE_INFECTION_LABELS: Readonly<Record<ActiveInfection, string>> = {
  cmv: 'CMV',
  ebv: 'EBV',
  hsv: 'HSV',
  vzv: 'VZV',
  toxoplasmosis: 'toxoplasmosis',
};

export const COMORBIDITY_LABELS: Readonly<Record<ComorbidityFlag, string>> = {
  contraindicationOrHypersensitivity:
    'contraindication to aHSCT or hypersensitivity to study medication',
  diseasePreventingMedication: 'disease preventing the needed medication',
  severeDepression: 'severe depression',
  addiction: 'alcohol or drug addiction',
  cardiovascularRisk: 'clinically relevant cardiovascular risk',
  activeMalignancy: 'active malignancy',
  pastMalignancyOtherThanBccOrCin:
    'past malignancy other than basal-cell carcinoma or cervical CIS',
};

/** Positive test = present; negative = absent; pending or not recorded = not known. */
export function testFindings(data: ScreeningData, tests: readonly InfectionTest[]): Finding[] {
  const infections = field(data, 'infections');
  return tests.map((test) => {
    const result = readTestResult(field(infections, test));
    const label = TEST_LABELS[test];
    return {
      present: result === null || result === 'pending' ? null : result === 'positive',
      presentNote: `${label} test positive`,
      unknownNote:
        result === 'pending' ? `${label} test pending` : `${label} test result not recorded`,
    };
  });
}

export function activeInfectionFindings(
  data: ScreeningData,
  infections: readonly ActiveInfection[],
): Finding[] {
  const active = field(data, 'activeInfections');
  return infections.map((name) => {
    const label = ACTIVE_INFECTION_LABELS[name];
    return {
      present: readBool(field(active, name)),
      presentNote: `active ${label} infection`,
      unknownNote: `${label} infection status not recorded`,
    };
  });
}

export function comorbidityFindings(
  data: ScreeningData,
  flags: readonly ComorbidityFlag[],
): Finding[] {
  const comorbidity = field(data, 'comorbidity');
  return flags.map((flag) => {
    const label = COMORBIDITY_LABELS[flag];
    return {
      present: readBool(field(comorbidity, flag)),
      presentNote: label,
      unknownNote: `${label}: not recorded`,
    };
  });
}

export function names(
  findingsOf: readonly string[],
  labels: Readonly<Record<string, string>>,
): string {
  return findingsOf.map((k) => labels[k] ?? k).join(', ');
}
