import { DomainError, fieldError } from 'src/common/errors/domain-error';

/** Single sign-on (OpenID Connect) and the credentials of electronic signatures. */
export const SsoErrors = {
  disabled: () =>
    new DomainError('SSO_DISABLED', 'not_found', 'Single sign-on is not configured here'),
  providerUnavailable: () =>
    new DomainError(
      'SSO_PROVIDER_UNAVAILABLE',
      'unavailable',
      'The hospital sign-in service cannot be reached; try again shortly or sign in with your password',
    ),
  stateInvalid: () =>
    new DomainError(
      'SSO_STATE_INVALID',
      'bad_request',
      'This sign-in was not started here, was already used or has expired; start again',
      [fieldError('state', 'SSO_STATE_INVALID', 'Unknown, used or expired state')],
    ),
  codeRejected: () =>
    new DomainError(
      'SSO_CODE_REJECTED',
      'unauthorized',
      'The hospital sign-in service refused this answer (used twice or expired); start again',
    ),
  tokenInvalid: () =>
    new DomainError(
      'SSO_TOKEN_INVALID',
      'unauthorized',
      'The answer of the hospital sign-in service failed its checks; nothing was signed in',
    ),
  emailUnverified: () =>
    new DomainError(
      'SSO_EMAIL_UNVERIFIED',
      'forbidden',
      'Your hospital account has no verified e-mail address; ask your hospital to verify it',
    ),
  /** No active account here with the provider's e-mail (or a deactivated one): the same answer. */
  noAccount: () =>
    new DomainError(
      'SSO_NO_ACCOUNT',
      'forbidden',
      'Your hospital account matches no active account of this trial; ask the trial administrator',
    ),
  subjectMismatch: () =>
    new DomainError(
      'SSO_SUBJECT_MISMATCH',
      'forbidden',
      'This account is linked to another hospital identity; ask the trial administrator',
    ),
  reauthNotFresh: () =>
    new DomainError(
      'SSO_REAUTH_NOT_FRESH',
      'unauthorized',
      'The hospital sign-in service did not ask for your credentials again; nothing can be signed with it',
    ),
  reauthOtherUser: () =>
    new DomainError(
      'SSO_REAUTH_OTHER_USER',
      'forbidden',
      'You re-authenticated as another person than the one signed in here',
    ),
  signatureCredentials: () =>
    new DomainError(
      'SIGNATURE_CREDENTIALS',
      'bad_request',
      'Give exactly one of password and signingAssertion',
      [
        fieldError('password', 'SIGNATURE_CREDENTIALS', 'Give a password or a signing assertion'),
        fieldError(
          'signingAssertion',
          'SIGNATURE_CREDENTIALS',
          'Give a password or a signing assertion',
        ),
      ],
    ),
  proofRequired: () =>
    new DomainError(
      'SIGNING_PASSWORD_PROOF',
      'bad_request',
      'Prove it is you: give exactly one of currentPassword and signingAssertion',
      [
        fieldError('currentPassword', 'SIGNING_PASSWORD_PROOF', 'Give one proof'),
        fieldError('signingAssertion', 'SIGNING_PASSWORD_PROOF', 'Give one proof'),
      ],
    ),
  proofInvalid: () =>
    new DomainError(
      'SIGNING_PASSWORD_PROOF_INVALID',
      'unauthorized',
      'The password is not correct, or the re-authentication was used or has expired; nothing changed',
    ),
};
