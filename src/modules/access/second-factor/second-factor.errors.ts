import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const SecondFactorErrors = {
  /** A wrong, expired or already used code (or recovery code) at the sign-in's second step. */
  invalidAtSignIn: () =>
    new DomainError(
      'SECOND_FACTOR_INVALID',
      'unauthorized',
      'The code is not right, or it was used already; enter the current code of your app',
    ),
  /** Too many wrong codes in a row for this account (from any address): the second step pauses. */
  locked: (minutes: number) =>
    new DomainError(
      'SECOND_FACTOR_LOCKED',
      'too_many_requests',
      `Too many wrong codes: try again in ${minutes} minutes, or use a recovery code`,
      [fieldError('', 'SECOND_FACTOR_LOCKED', 'Too many wrong codes', { minutes })],
    ),
  /** The challenge of the first step is missing, forged or older than its lifetime. */
  challengeInvalid: () =>
    new DomainError(
      'SECOND_FACTOR_CHALLENGE_INVALID',
      'unauthorized',
      'The sign-in took too long or is not valid any more; sign in again',
    ),
  oneOfCodes: () =>
    new DomainError(
      'VALIDATION_FAILED',
      'bad_request',
      'Give either code or recoveryCode, not both and not neither',
      [fieldError('code', 'SECOND_FACTOR_ONE_OF', 'Give either code or recoveryCode')],
    ),
  /** A wrong (or replayed) code in a signed-in operation (confirming, removing, new recovery codes). */
  wrongCode: () =>
    new DomainError(
      'SECOND_FACTOR_CODE_INVALID',
      'bad_request',
      'The code is not right, or it was used already; enter the current code of your app',
      [fieldError('code', 'SECOND_FACTOR_CODE_INVALID', 'The code is not right')],
    ),
  wrongPassword: () =>
    new DomainError(
      'SECOND_FACTOR_PASSWORD_INVALID',
      'bad_request',
      'The password is not correct; nothing was changed',
      [fieldError('password', 'SECOND_FACTOR_PASSWORD_INVALID', 'The password is not correct')],
    ),
  alreadyEnrolled: () =>
    new DomainError(
      'SECOND_FACTOR_ALREADY_ENROLLED',
      'conflict',
      'A second factor is set up already; remove it first to set up another',
    ),
  notPending: () =>
    new DomainError(
      'SECOND_FACTOR_NOT_PENDING',
      'conflict',
      'There is no set-up to confirm; start the set-up first',
    ),
  selfReset: () =>
    new DomainError(
      'SECOND_FACTOR_SELF_RESET',
      'conflict',
      'You cannot reset your own second factor; another admin must (or remove it yourself)',
    ),
  notEnrolled: () =>
    new DomainError('SECOND_FACTOR_NOT_ENROLLED', 'conflict', 'No second factor is set up'),
  requiredByRole: (roles: readonly string[]) =>
    new DomainError(
      'SECOND_FACTOR_REQUIRED_BY_ROLE',
      'conflict',
      `Your roles require a second factor (${roles.join(', ')}); it cannot be removed`,
      [fieldError('', 'SECOND_FACTOR_REQUIRED_BY_ROLE', 'Required by a role', { roles })],
    ),
  /** A session restricted to setting up the second factor, on any other route. */
  enrolmentRequired: () =>
    new DomainError(
      'SECOND_FACTOR_ENROLMENT_REQUIRED',
      'forbidden',
      'Your role requires a second factor: set it up first (Security page)',
    ),
};
