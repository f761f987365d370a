import type { ScreeningData } from 'src/modules/eligibility/engine/screening-data';

/**
 * Test data builders (no test-framework imports, so this file also compiles in the app build).
 * Every builder returns a fresh object; callers may mutate it.
 */

/** The assessment date the builders' records are designed around. */
export const ASSESSMENT_DATE = '2026-03-01';

const CLEAR_SCREENING: ScreeningData = {
  infections: {
    tb: 'negative',
    hiv: 'negative',
    hbsag: 'negative',
    hcvPcr: 'negative',
    syphilis: 'negative',
  },
  activeInfections: { cmv: false, ebv: false, hsv: false, vzv: false, toxoplasmosis: false },
  comorbidity: {
    contraindicationOrHypersensitivity: false,
    diseasePreventingMedication: false,
    severeDepression: false,
    addiction: false,
    cardiovascularRisk: false,
    activeMalignancy: false,
    pastMalignancyOtherThanBccOrCin: false,
  },
  pregnantOrBreastfeeding: false,
};

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Meets every RAM-MS criterion (v1 and v2) at ASSESSMENT_DATE: 35 years old, RRMS, EDSS 3.5,
 * on interferon beta since 2024-01-01, steroid-treated relapse 2025-09-01, MRI 2025-10-01 with
 * 1 Gd+ lesion, all screening clear, consented.
 */
export function ramMsEligibleRecord(): ScreeningData {
  return clone<ScreeningData>({
    ...CLEAR_SCREENING,
    birthDate: '1990-05-10',
    diagnosis: {
      course: 'RRMS',
      mcDonaldMet: true,
      symptomOnsetDate: '2019-02-01',
      diagnosisDate: '2019-06-01',
    },
    edss: { score: 3.5, date: '2026-02-15', stablePhase: true },
    treatments: [{ drug: 'interferon_beta', startDate: '2024-01-01', endDate: null }],
    relapses: [{ onsetDate: '2025-09-01', steroidTreated: true, clinicallyRelevant: true }],
    mriExams: [{ id: 'mri-1', date: '2025-10-01', gdEnhancingT1: 1, newOrEnlargingT2: 0 }],
    childbearingPotential: true,
    agreesToContraception: true,
    referredFromNeurology: true,
    willingToBeRandomised: true,
    willingToLearnInfectionResults: true,
    consent: { signed: true, version: '3.0', date: '2026-02-20' },
  });
}

/**
 * Meets every ZIN 2022 criterion at ASSESSMENT_DATE and fails RAM-MS E2/E8: 45 years old, RRMS
 * diagnosed 2018-06-01, EDSS 4.0 in a stable phase, on ocrelizumab since 2024-06-01, clinically
 * relevant relapse 2025-08-01, MRI 2025-11-01 with 2 Gd+ lesions.
 */
export function zinEligibleRecord(): ScreeningData {
  return clone<ScreeningData>({
    ...CLEAR_SCREENING,
    birthDate: '1980-07-15',
    diagnosis: {
      course: 'RRMS',
      mcDonaldMet: true,
      symptomOnsetDate: '2017-11-01',
      diagnosisDate: '2018-06-01',
    },
    edss: { score: 4.0, date: '2026-02-01', stablePhase: true },
    treatments: [
      { drug: 'dimethyl_fumarate', startDate: '2019-01-01', endDate: '2024-05-01' },
      { drug: 'ocrelizumab', startDate: '2024-06-01', endDate: null },
    ],
    relapses: [{ onsetDate: '2025-08-01', steroidTreated: true, clinicallyRelevant: true }],
    mriExams: [
      { id: 'ref', date: '2025-01-10', gdEnhancingT1: 0, newOrEnlargingT2: 0 },
      {
        id: 'act',
        date: '2025-11-01',
        gdEnhancingT1: 2,
        newOrEnlargingT2: 1,
        comparedWithExamId: 'ref',
      },
    ],
    childbearingPotential: false,
    referredFromNeurology: true,
    willingToBeRandomised: true,
    willingToLearnInfectionResults: true,
    consent: { signed: true, version: '3.0', date: '2026-02-20' },
  });
}
