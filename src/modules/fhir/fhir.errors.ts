import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const FhirErrors = {
  studyNotFound: () =>
    new DomainError('RESEARCH_STUDY_NOT_FOUND', 'not_found', 'ResearchStudy not found'),
  subjectNotFound: () =>
    new DomainError('RESEARCH_SUBJECT_NOT_FOUND', 'not_found', 'ResearchSubject not found'),
  badId: (name: string) =>
    new DomainError('VALIDATION_FAILED', 'bad_request', `${name} must be a UUID`, [
      fieldError(name, 'isUuid', `${name} must be a UUID`),
    ]),
  unknownSearchParameters: (resourceType: string, unknown: string[], supported: string[]) =>
    new DomainError(
      'FHIR_UNKNOWN_SEARCH_PARAMETER',
      'bad_request',
      `Unknown search parameter${unknown.length > 1 ? 's' : ''} for ${resourceType}: ${unknown.join(', ')}; supported: ${supported.join(', ')}`,
      unknown.map((name) =>
        fieldError(
          name,
          'FHIR_UNKNOWN_SEARCH_PARAMETER',
          `${name} is not a search parameter of ${resourceType}`,
          {
            supported,
          },
        ),
      ),
    ),
};
