import { activeCriteriaSet, criteriaSettings } from 'src/modules/eligibility/criteria-config';
import { evaluate } from 'src/modules/eligibility/engine';
import { engineInput, forSignOff } from 'src/modules/eligibility/judged-input';
import type { PrescreeningAnswersDto } from './dto/prescreening.dto';
import { toScreeningRecord } from './prescreening-answers';

const TODAY = '2026-03-01';

/** Someone who may qualify for RAM-MS: relapsing MS, active despite interferon, willing. */
export function hopefulAnswers(): PrescreeningAnswersDto {
  return {
    birthDate: '1990-05-10',
    msType: 'RRMS',
    currentTreatment: 'interferon_beta',
    currentTreatmentSince: '2024-01-01',
    priorTreatments: [],
    relapseLastYear: 'yes',
    relapseOnsetDate: '2025-09-01',
    relapseSteroids: 'yes',
    mriActivityLastYear: 'unknown',
    pregnantOrBreastfeeding: 'no',
    neurologist: 'yes',
    willingToBeRandomised: 'yes',
    willingToLearnInfectionResults: 'yes',
  };
}

function notMet(answers: PrescreeningAnswersDto): string[] {
  const settings = criteriaSettings({} as never);
  const set = forSignOff(activeCriteriaSet(settings), settings.deferredCriteria);
  const result = evaluate(engineInput(toScreeningRecord(answers), answers.birthDate), TODAY, set);
  return result.exclusionCodes;
}

describe('public pre-screening answers → screening record', () => {
  it('lets hopeful answers through, leaving what a person cannot know to the team', () => {
    expect(notMet(hopefulAnswers())).toEqual([]);
  });

  it.each<[string, Partial<PrescreeningAnswersDto>, string]>([
    ['too old', { birthDate: '1960-01-01' }, 'I1'],
    ['progressive MS', { msType: 'SPMS' }, 'E4'],
    ['prior alemtuzumab', { priorTreatments: ['alemtuzumab'] }, 'E2'],
    ['on ocrelizumab now', { currentTreatment: 'ocrelizumab' }, 'E8'],
    ['no relapse last year', { relapseLastYear: 'no' }, 'I5'],
    ['no MS medicine', { currentTreatment: 'none', currentTreatmentSince: undefined }, 'I5'],
    ['pregnant', { pregnantOrBreastfeeding: 'yes' }, 'E12'],
    ['no neurologist', { neurologist: 'no' }, 'I6'],
    ['unwilling to be randomised', { willingToBeRandomised: 'no' }, 'E7'],
    ['unwilling to learn test results', { willingToLearnInfectionResults: 'no' }, 'E6'],
  ])('stops someone %s (%s)', (_, change, code) => {
    expect(notMet({ ...hopefulAnswers(), ...change })).toContain(code);
  });

  it('never stops on "I don\'t know"', () => {
    const unsure: PrescreeningAnswersDto = {
      ...hopefulAnswers(),
      msType: 'unknown',
      relapseLastYear: 'unknown',
      relapseOnsetDate: undefined,
      relapseSteroids: undefined,
      mriActivityLastYear: 'unknown',
    };
    expect(notMet(unsure)).toEqual([]);
  });

  it('keeps only what the form asks: no free text, no identity', () => {
    const record = toScreeningRecord(hopefulAnswers());
    expect(JSON.stringify(record)).not.toMatch(/1990-05-10/);
    expect(Object.keys(record).sort()).toEqual(
      [
        'diagnosis',
        'pregnantOrBreastfeeding',
        'referredFromNeurology',
        'relapses',
        'treatments',
        'willingToBeRandomised',
        'willingToLearnInfectionResults',
      ].sort(),
    );
  });
});
