import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const AuthErrors = {
  /** The same answer for an unknown user, a wrong password and a deactivated account. */
  invalidCredentials: () =>
    new DomainError('INVALID_CREDENTIALS', 'unauthorized', 'E-mail or password is incorrect'),
  missingToken: () =>
    new DomainError('UNAUTHENTICATED', 'unauthorized', 'Sign in first: no bearer token was sent'),
  invalidToken: () =>
    new DomainError(
      'INVALID_TOKEN',
      'unauthorized',
      'The token is invalid or has expired; sign in again',
    ),
  invalidRefresh: () =>
    new DomainError(
      'INVALID_REFRESH',
      'unauthorized',
      'The session is not valid (signed out, ended or unknown); sign in again',
    ),
  refreshReused: () =>
    new DomainError(
      'REFRESH_REUSED',
      'unauthorized',
      'This session was ended because its refresh token was used twice; sign in again',
    ),
  sessionExpired: () =>
    new DomainError(
      'SESSION_EXPIRED',
      'unauthorized',
      'The session ended (inactive too long, or its time limit passed); sign in again',
    ),
  forbidden: (roles: readonly string[]) =>
    new DomainError(
      'FORBIDDEN',
      'forbidden',
      `This action needs one of the roles: ${roles.join(', ')}`,
    ),
  roleNotAllowed: (role: string, allowed: readonly string[]) =>
    new DomainError(
      'ROLE_NOT_ALLOWED',
      'forbidden',
      `You cannot act as ${role}; your roles: ${allowed.join(', ')}`,
      [fieldError('role', 'ROLE_NOT_ALLOWED', `You cannot act as ${role}`, { role, allowed })],
    ),
  signatureLocked: (until: Date, retryAfterSeconds: number) =>
    new DomainError(
      'SIGNATURE_LOCKED',
      'too_many_requests',
      `Signing is locked after too many wrong passwords, until ${until.toISOString()}; nothing was signed`,
      [
        fieldError(
          'password',
          'SIGNATURE_LOCKED',
          'Signing is locked after too many wrong passwords',
          {
            lockedUntil: until.toISOString(),
          },
        ),
      ],
      retryAfterSeconds,
    ),
  signatureThrottled: (retryAfterSeconds: number) =>
    new DomainError(
      'TOO_MANY_REQUESTS',
      'too_many_requests',
      `Too many signature attempts; try again in ${Math.max(1, Math.ceil(retryAfterSeconds))} seconds`,
      [],
      retryAfterSeconds,
    ),
  undeclared: () =>
    new DomainError('ROUTE_UNDECLARED', 'forbidden', 'This route declares no access rule'),
};
