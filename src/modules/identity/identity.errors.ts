import { DomainError } from 'src/common/errors/domain-error';

export const IdentityErrors = {
  keyUnknown: (keyId: string) =>
    new DomainError(
      'IDENTITY_KEY_UNKNOWN',
      'unavailable',
      `The identity record is encrypted under key "${keyId}", which is not configured in IDENTITY_KEYS`,
    ),
  missing: () =>
    new DomainError(
      'IDENTITY_NOT_FOUND',
      'not_found',
      'No identity is recorded for this participant',
    ),
};
