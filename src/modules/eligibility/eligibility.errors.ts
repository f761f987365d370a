import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const EligibilityErrors = {
  criteriaSetUnknown: (ids: string[], known: string[]) =>
    new DomainError(
      'CRITERIA_SET_UNKNOWN',
      'bad_request',
      `Unknown criteria set: ${ids.join(', ')} (known: ${known.join(', ')})`,
      ids.map((id) =>
        fieldError('sets', 'CRITERIA_SET_UNKNOWN', `Unknown criteria set: ${id}`, {
          value: id,
          known,
        }),
      ),
    ),
  activeSetMissing: (id: string) =>
    new DomainError(
      'CRITERIA_SET_NOT_CONFIGURED',
      'unavailable',
      `The trial's active criteria set "${id}" is not a known criteria set`,
    ),
  assessmentNotFound: () =>
    new DomainError('ASSESSMENT_NOT_FOUND', 'not_found', 'Eligibility assessment not found'),
  assessmentIncomplete: (unknownCodes: string[]) =>
    new DomainError(
      'ASSESSMENT_INCOMPLETE',
      'invalid_state',
      `An incomplete assessment cannot be signed; data missing for ${unknownCodes.join(', ')}`,
      unknownCodes.map((c) =>
        fieldError('', 'ASSESSMENT_INCOMPLETE', `Data missing for ${c}`, { criterionCode: c }),
      ),
    ),
  assessmentAlreadySigned: () =>
    new DomainError('ASSESSMENT_ALREADY_SIGNED', 'conflict', 'This assessment is signed already'),
  assessmentStale: () =>
    new DomainError(
      'ASSESSMENT_STALE',
      'conflict',
      'The screening data changed since this assessment was made; make a new assessment and sign that',
    ),
  assessmentNotActiveSet: (setId: string, activeId: string) =>
    new DomainError(
      'ASSESSMENT_NOT_ACTIVE_SET',
      'conflict',
      `Only assessments under the trial's active criteria set (${activeId}) are signed; this one is ${setId}`,
      [
        fieldError('', 'ASSESSMENT_NOT_ACTIVE_SET', `The assessment is under ${setId}`, {
          criteriaSetId: setId,
          activeSetId: activeId,
        }),
      ],
    ),
  assessmentNotCurrentEpisode: () =>
    new DomainError(
      'ASSESSMENT_NOT_CURRENT_EPISODE',
      'conflict',
      'This assessment belongs to an earlier screening episode',
    ),
  alreadyDecided: () =>
    new DomainError(
      'ELIGIBILITY_ALREADY_DECIDED',
      'conflict',
      'A valid signed decision exists for this screening episode',
    ),
  wrongPassword: () =>
    new DomainError(
      'SIGNATURE_PASSWORD_INVALID',
      'unauthorized',
      'The password is not correct; nothing was signed',
    ),
  signingAssertionInvalid: () =>
    new DomainError(
      'SIGNING_ASSERTION_INVALID',
      'unauthorized',
      'The re-authentication was already used, has expired or is not yours; re-authenticate again; nothing was signed',
    ),
  notSigned: () =>
    new DomainError(
      'ELIGIBILITY_NOT_SIGNED',
      'invalid_state',
      'No valid signed eligible assessment for the current screening episode',
    ),
  notUnderActiveSet: (setId: string, activeId: string) =>
    new DomainError(
      'ELIGIBILITY_NOT_UNDER_ACTIVE_SET',
      'invalid_state',
      `The signed assessment is under ${setId}; the trial's active criteria set is ${activeId}`,
      [
        fieldError('', 'ELIGIBILITY_NOT_UNDER_ACTIVE_SET', `The assessment is under ${setId}`, {
          criteriaSetId: setId,
          activeSetId: activeId,
        }),
      ],
    ),
  consentNotRecorded: () =>
    new DomainError(
      'CONSENT_NOT_RECORDED',
      'invalid_state',
      'No consent is recorded in the current screening episode: record it first',
    ),
  consentDateInFuture: (date: string, today: string) =>
    new DomainError(
      'CONSENT_DATE_IN_FUTURE',
      'bad_request',
      `date ${date} is after today (${today}) at the site`,
    ),
  consentVersionNotAccepted: (version: string, accepted: readonly string[]) =>
    new DomainError(
      'CONSENT_VERSION_NOT_ACCEPTED',
      'bad_request',
      `Consent form version ${version} is not accepted (${accepted.join(', ')})`,
    ),
  consentAgeOutOfRange: (age: number | null, min: number, max: number) =>
    new DomainError(
      'CONSENT_AGE_OUT_OF_RANGE',
      'invalid_state',
      `Age at consent ${age ?? 'unknown'} is outside ${min}-${max} of the active criteria set`,
      [
        fieldError(
          '',
          'CONSENT_AGE_OUT_OF_RANGE',
          `Age at consent ${age ?? 'unknown'} is outside ${min}-${max}`,
          {
            ageAtConsent: age,
            min,
            max,
          },
        ),
      ],
    ),
  notConsented: (status: string) =>
    new DomainError(
      'PARTICIPANT_NOT_CONSENTED',
      'invalid_state',
      `The participant is ${status}, not consented`,
      [fieldError('', 'PARTICIPANT_NOT_CONSENTED', `The participant is ${status}`, { status })],
    ),
  withdrawn: () =>
    new DomainError('PARTICIPANT_WITHDRAWN', 'invalid_state', 'The participant has withdrawn'),
  rescreenLimit: (max: number) =>
    new DomainError(
      'RESCREEN_LIMIT_REACHED',
      'invalid_state',
      `A candidate may be re-screened at most ${max} time(s)`,
      [
        fieldError('', 'RESCREEN_LIMIT_REACHED', `At most ${max} re-screening(s)`, {
          maxRescreens: max,
        }),
      ],
    ),
  episodeClosed: () =>
    new DomainError(
      'SCREENING_EPISODE_CLOSED',
      'conflict',
      'There is no open screening episode for this participant',
    ),
};
