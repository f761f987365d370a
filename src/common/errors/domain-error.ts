/** How a domain error maps to HTTP; the single `HttpErrorFilter` owns that mapping. */
export type DomainErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_state'
  | 'too_many_requests'
  | 'unavailable';

/**
 * An expected failure of a use case, with a stable machine-readable code (e.g. `USER_NOT_FOUND`)
 * and a message for people. Services throw these; they never throw HttpExceptions.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, what: string) =>
  new DomainError(code, 'not_found', `${what} not found`);
