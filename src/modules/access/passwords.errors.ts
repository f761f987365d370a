import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const PasswordErrors = {
  /** Every route but changing the own password, the own account and signing out, until it is changed. */
  changeRequired: () =>
    new DomainError(
      'PASSWORD_CHANGE_REQUIRED',
      'forbidden',
      'Choose a new password first (POST /auth/password): this account has a temporary password',
    ),
  currentIncorrect: () =>
    new DomainError(
      'CURRENT_PASSWORD_INCORRECT',
      'bad_request',
      'The current password is not correct; the password was not changed',
      [fieldError('currentPassword', 'CURRENT_PASSWORD_INCORRECT', 'is not correct')],
    ),
  policy: (why: string) =>
    new DomainError('PASSWORD_POLICY', 'bad_request', `New password rejected: ${why}`, [
      fieldError('newPassword', 'PASSWORD_POLICY', `newPassword ${why}`),
    ]),
  reused: (recent: number) =>
    new DomainError(
      'PASSWORD_REUSED',
      'bad_request',
      `New password rejected: it is one of your ${recent} most recent passwords`,
      [
        fieldError('newPassword', 'PASSWORD_REUSED', 'newPassword is a recent password', {
          recent,
        }),
      ],
    ),
  resetTokenInvalid: () =>
    new DomainError(
      'RESET_TOKEN_INVALID',
      'bad_request',
      'This password-reset link is not valid: it is unknown, was used already, was replaced by a newer one or has expired. Ask for a new one.',
      [
        fieldError(
          'token',
          'RESET_TOKEN_INVALID',
          'token is not valid (used, replaced or expired)',
        ),
      ],
    ),
  selfReset: () =>
    new DomainError(
      'USER_SELF_PASSWORD_RESET',
      'conflict',
      'You cannot reset your own password here; change it on your account page',
    ),
};
