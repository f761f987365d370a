import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const VerificationErrors = {
  participantNotFound: () =>
    new DomainError('PARTICIPANT_NOT_FOUND', 'not_found', 'Participant not found'),
  recordNotFound: () =>
    new DomainError(
      'RECORD_NOT_FOUND',
      'not_found',
      'The participant has no such record (entity and entityId of one of its records)',
    ),
  staleVersion: (current: number, given: number) =>
    new DomainError(
      'SDV_STALE_VERSION',
      'conflict',
      `The record changed since version ${given} (now version ${current}); check the current version against the source and verify that`,
      [
        fieldError('version', 'SDV_STALE_VERSION', `The record is now at version ${current}`, {
          currentVersion: current,
          givenVersion: given,
        }),
      ],
    ),
  notVerified: () =>
    new DomainError(
      'SDV_NOT_VERIFIED',
      'conflict',
      'The record is not marked verified; nothing was withdrawn',
    ),
  followUpNotEnded: (status: string) =>
    new DomainError(
      'CASEBOOK_FOLLOW_UP_NOT_ENDED',
      'conflict',
      `The casebook is signed at the end of follow-up (completed, withdrawn, lost to follow-up or died after randomisation); the participant is ${status}`,
      [fieldError('', 'CASEBOOK_FOLLOW_UP_NOT_ENDED', 'Follow-up has not ended', { status })],
    ),
  alreadySigned: (signedAt: string) =>
    new DomainError(
      'CASEBOOK_ALREADY_SIGNED',
      'conflict',
      'The casebook is signed and unchanged since; nothing was signed',
      [fieldError('', 'CASEBOOK_ALREADY_SIGNED', 'Already signed', { signedAt })],
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
};
