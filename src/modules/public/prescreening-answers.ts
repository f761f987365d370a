import type { ScreeningRecord } from 'src/modules/eligibility/screening-record';
import type { PrescreeningAnswersDto } from './dto/prescreening.dto';

type Answers = Omit<PrescreeningAnswersDto, never>;

/**
 * The public questionnaire's answers as the screening record the criteria engine reads (and as
 * the participant's `preScreening` answers). Pure. "I don't know" leaves a field out, so the
 * engine answers `unknown` and the team checks it later; only a clear answer can stop someone.
 */
export function toScreeningRecord(a: Answers): ScreeningRecord {
  const record: ScreeningRecord = {};
  if (a.msType !== 'unknown') {
    record.diagnosis = { course: a.msType };
  }
  if (a.edss !== undefined) {
    record.edss = { score: a.edss };
  }
  const treatments: NonNullable<ScreeningRecord['treatments']>[number][] = [];
  if (a.currentTreatment !== 'none') {
    treatments.push({
      drug: a.currentTreatment,
      ...(a.currentTreatmentSince ? { startDate: a.currentTreatmentSince } : {}),
      endDate: null,
    });
  }
  for (const drug of a.priorTreatments ?? []) {
    if (drug !== a.currentTreatment) {
      treatments.push({ drug });
    }
  }
  record.treatments = treatments;
  if (a.relapseLastYear === 'no') {
    record.relapses = [];
  }
  if (a.relapseLastYear === 'yes' && a.relapseOnsetDate) {
    const steroids = a.relapseSteroids === 'yes' ? true : a.relapseSteroids === 'no' ? false : null;
    record.relapses = [{ onsetDate: a.relapseOnsetDate, steroidTreated: steroids }];
  }
  if (a.mriActivityLastYear === 'no') {
    record.mriExams = [];
  }
  if (a.mriActivityLastYear === 'yes' && a.mriDate) {
    record.mriExams = [{ date: a.mriDate }];
  }
  record.pregnantOrBreastfeeding = a.pregnantOrBreastfeeding === 'yes';
  record.referredFromNeurology = a.neurologist === 'yes';
  record.willingToBeRandomised = a.willingToBeRandomised === 'yes';
  record.willingToLearnInfectionResults = a.willingToLearnInfectionResults === 'yes';
  return record;
}
