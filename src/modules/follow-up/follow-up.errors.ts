import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const FollowUpErrors = {
  participantNotFound: () =>
    new DomainError('PARTICIPANT_NOT_FOUND', 'not_found', 'Participant not found'),
  visitNotFound: () => new DomainError('VISIT_NOT_FOUND', 'not_found', 'Visit not found'),
  siteNotFound: () => new DomainError('SITE_NOT_FOUND', 'not_found', 'Site not found'),
  calendarFeedNotFound: () =>
    new DomainError('CALENDAR_FEED_NOT_FOUND', 'not_found', 'Calendar subscription not found'),
  adverseEventNotFound: () =>
    new DomainError('ADVERSE_EVENT_NOT_FOUND', 'not_found', 'Adverse event not found'),
  notRandomised: () =>
    new DomainError(
      'PARTICIPANT_NOT_RANDOMISED',
      'invalid_state',
      'The participant has no allocation, so no visit schedule',
    ),
  armBHasNoDay0: () =>
    new DomainError(
      'TRANSPLANT_DAY0_NOT_ARM_A',
      'invalid_state',
      'Only arm-A participants have a transplant day 0',
    ),
  alreadyLogged: () =>
    new DomainError(
      'VISIT_ALREADY_LOGGED',
      'conflict',
      'The visit is already logged; correct it with PATCH and a reason',
    ),
  notLogged: () =>
    new DomainError('VISIT_NOT_LOGGED', 'invalid_state', 'The visit has not been logged yet'),
  visitCancelled: () =>
    new DomainError(
      'VISIT_CANCELLED',
      'invalid_state',
      'The visit was cancelled (participant off study); nothing can be logged',
    ),
  scheduleCancelled: () =>
    new DomainError(
      'FOLLOW_UP_ENDED',
      'invalid_state',
      'Follow-up of this participant has ended; no new visits can be logged',
    ),
  versionMismatch: (current: number) =>
    new DomainError(
      'STALE_VERSION',
      'conflict',
      `The record changed meanwhile (now version ${current}); reload and retry`,
      [
        fieldError('expectedVersion', 'STALE_VERSION', `The record is now at version ${current}`, {
          currentVersion: current,
        }),
      ],
    ),
  badInput: (field: string, message: string) =>
    new DomainError('VALIDATION_FAILED', 'bad_request', `${field} ${message}`, [
      fieldError(field, 'invalid', `${field} ${message}`),
    ]),
  nothingToRecord: () =>
    new DomainError('VALIDATION_FAILED', 'bad_request', 'edss or mri must be given', [
      fieldError('edss', 'isDefined', 'edss or mri must be given'),
    ]),
  assessmentExists: (what: 'edss' | 'mri') =>
    new DomainError(
      'ASSESSMENT_ALREADY_RECORDED',
      'conflict',
      `${what} is already recorded; correct it with PATCH and a reason`,
    ),
  assessmentMissing: (what: 'edss' | 'mri') =>
    new DomainError(
      'ASSESSMENT_NOT_RECORDED',
      'invalid_state',
      `${what} has not been recorded yet; record it with POST`,
    ),
  notSerious: () =>
    new DomainError(
      'ADVERSE_EVENT_NOT_SERIOUS',
      'invalid_state',
      'Only serious adverse events are reported',
    ),
  notSusar: () =>
    new DomainError(
      'ADVERSE_EVENT_NOT_SUSAR',
      'invalid_state',
      'Only a suspected unexpected serious adverse reaction (serious, related, unexpected) is reported as a SUSAR',
    ),
  alreadyReported: () =>
    new DomainError(
      'SAE_ALREADY_REPORTED',
      'conflict',
      'The serious adverse event is already marked reported',
    ),
  notEndpointWeek: (weeks: number[]) =>
    new DomainError(
      'VALIDATION_FAILED',
      'bad_request',
      `week must be an endpoint week: ${weeks.join(', ')}`,
      [fieldError('week', 'isIn', 'week must be an endpoint week', { values: weeks })],
    ),
  nedaDataInvalid: (message: string) =>
    new DomainError('NEDA_DATA_INVALID', 'invalid_state', `NEDA cannot be evaluated: ${message}`),
  badTemplate: (problems: string[]) =>
    new DomainError(
      'VISIT_TEMPLATE_INVALID',
      'unavailable',
      `The configured visit template is invalid: ${problems.join('; ')}`,
    ),
  badSafetySettings: (problems: string[]) =>
    new DomainError(
      'SAFETY_SETTINGS_INVALID',
      'unavailable',
      `The configured safety settings (followUp.safety) are invalid: ${problems.join('; ')}`,
    ),
  badEditChecks: (problems: string[]) =>
    new DomainError(
      'EDIT_CHECKS_INVALID',
      'unavailable',
      `The configured edit checks (followUp.editChecks) are invalid: ${problems.join('; ')}`,
    ),
};
