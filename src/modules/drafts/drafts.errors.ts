import { DomainError, fieldError, notFound } from 'src/common/errors/domain-error';

export const DraftErrors = {
  notFound: () => notFound('DRAFT_NOT_FOUND', 'Draft'),
  badKey: () =>
    new DomainError('VALIDATION_FAILED', 'bad_request', 'formKey is not a valid form key', [
      fieldError(
        'formKey',
        'matches',
        'formKey must be a form name and ids, like visit:<uuid> (letters, digits, - and _, at most 160 characters)',
      ),
    ]),
  tooLarge: (max: number) =>
    new DomainError('VALIDATION_FAILED', 'bad_request', `data is larger than ${max} bytes`, [
      fieldError('data', 'maxBytes', `data must be at most ${max} bytes of JSON`, { max }),
    ]),
};
