import { DomainError, fieldError } from 'src/common/errors/domain-error';
import { KIND_ENDPOINT, type ParticipantStatus, type TransitionKind } from './participant-status';

export const ParticipantErrors = {
  notFound: () => new DomainError('PARTICIPANT_NOT_FOUND', 'not_found', 'Participant not found'),
  illegalTransition: (from: ParticipantStatus, to: ParticipantStatus) =>
    new DomainError(
      'PARTICIPANT_ILLEGAL_TRANSITION',
      'conflict',
      `A participant cannot move from ${from} to ${to}`,
      [
        fieldError('to', 'PARTICIPANT_ILLEGAL_TRANSITION', `Not from ${from} to ${to}`, {
          from,
          to,
        }),
      ],
    ),
  transitionNotManual: (from: ParticipantStatus, to: ParticipantStatus, kind: TransitionKind) =>
    new DomainError(
      'PARTICIPANT_TRANSITION_NOT_MANUAL',
      'conflict',
      `The move from ${from} to ${to} is made by ${KIND_ENDPOINT[kind]}, not requested directly`,
      [
        fieldError('to', 'PARTICIPANT_TRANSITION_NOT_MANUAL', `Use ${KIND_ENDPOINT[kind]}`, {
          from,
          to,
          kind,
          use: KIND_ENDPOINT[kind],
        }),
      ],
    ),
  nothingToUndo: (status: ParticipantStatus, lastKind: string | null) =>
    new DomainError(
      'PARTICIPANT_NOTHING_TO_UNDO',
      'conflict',
      `The last move (${lastKind ?? 'none'}) of a participant in ${status} is not a pathway step that can be undone`,
      [fieldError('', 'PARTICIPANT_NOTHING_TO_UNDO', 'Nothing to undo', { status, lastKind })],
    ),
  likelyDuplicate: (matchedOn: readonly string[]) =>
    new DomainError(
      'LIKELY_DUPLICATE',
      'conflict',
      `A participant with the same ${matchedOn.map((k) => k.replace(/_/g, ' ')).join(' and ')} is already registered (at some site). Confirm with a reason (confirmDuplicate.reason) to register anyway`,
      [
        fieldError('confirmDuplicate', 'LIKELY_DUPLICATE', 'A likely duplicate exists', {
          matchedOn: [...matchedOn],
        }),
      ],
    ),
  siteOutOfScope: () =>
    new DomainError(
      'PARTICIPANT_SITE_OUT_OF_SCOPE',
      'forbidden',
      'You can register participants only at your own sites',
    ),
  siteNotScreening: (label: string) =>
    new DomainError(
      'SITE_NOT_SCREENING',
      'bad_request',
      `Site ${label} is not an active screening site`,
    ),
  studyIdsExhausted: (label: string) =>
    new DomainError(
      'STUDY_IDS_EXHAUSTED',
      'conflict',
      `Site ${label} has used all 9999 study numbers`,
    ),
  reasonRequired: (paths: string[]) =>
    new DomainError(
      'REASON_REQUIRED',
      'bad_request',
      `A reason is required to correct recorded values: ${paths.join(', ')}`,
      [fieldError('reason', 'REASON_REQUIRED', 'A reason is required', { corrected: paths })],
    ),
  nationalIdInvalid: (problem: string) =>
    new DomainError('NATIONAL_ID_INVALID', 'bad_request', `identity.nationalId.value ${problem}`),
  birthDateImplausible: (why: string) =>
    new DomainError('BIRTH_DATE_IMPLAUSIBLE', 'bad_request', `identity.birthDate ${why}`),
  noOpenSampleDestruction: () =>
    new DomainError(
      'SAMPLE_DESTRUCTION_NOT_OPEN',
      'conflict',
      'There is no open request to destroy body material',
    ),
  invalidData: (problems: { path: string; problem: string }[], prefix = '') =>
    new DomainError(
      'SCREENING_DATA_INVALID',
      'bad_request',
      `Invalid screening data: ${problems.map((p) => `${prefix}${p.path} ${p.problem}`).join('; ')}`,
      problems.map((p) =>
        fieldError(
          `${prefix}${p.path}`,
          'SCREENING_DATA_INVALID',
          `${prefix}${p.path} ${p.problem}`,
        ),
      ),
    ),
};
