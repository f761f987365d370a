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
 * One entry of an error answer's `errors[]`: what is wrong, where, with a stable code and the
 * values a page needs to say it in its own words (`{ max: 10 }`, `{ currentVersion: 4 }`).
 * - `path`: the request field it is about (`relapses.0.onsetDate`, `expectedVersion`), or `''`
 *   when it is about the request as a whole.
 * - `code`: a class-validator constraint name for malformed input (`isDateString`, `max`,
 *   `whitelistValidation`), otherwise a domain code (`BLINDED_WITH_ARM_ROLE`, `STALE_VERSION`).
 * - `params`: the constraint's or the rule's values; `{}` when it has none.
 */
export type FieldError = {
  path: string;
  code: string;
  message: string;
  params: Record<string, unknown>;
};

export const fieldError = (
  path: string,
  code: string,
  message: string,
  params: Record<string, unknown> = {},
): FieldError => ({ path, code, message, params });

/**
 * An expected failure of a use case, with a stable machine-readable code (e.g. `USER_NOT_FOUND`)
 * and a message for people. Services throw these; they never throw HttpExceptions.
 *
 * What a page may need beyond the code and message travels in `errors` (never in extra fields):
 * one entry per wrong field or per violated rule, each with its own code and params. A refusal
 * that is not about fields (a role conflict, a stale version, an illegal transition) still gives
 * one entry, at the field that caused it (`roles`, `expectedVersion`, `to`) or at `''`, with the
 * rule's values as params, so every 4xx/5xx answer has the one shape of `ErrorResponseDto`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly errors: readonly FieldError[] = [],
    /** Seconds the client should wait before trying again (sent as `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * 400 VALIDATION_FAILED for input that passed the DTO but not a service's own checks: one entry
 * per problem, code `invalid` unless the problem names its own.
 */
export const validationFailed = (
  problems: readonly {
    path: string;
    message: string;
    code?: string;
    params?: Record<string, unknown>;
  }[],
) =>
  new DomainError(
    'VALIDATION_FAILED',
    'bad_request',
    problems.map((p) => `${p.path} ${p.message}`).join('; '),
    problems.map((p) =>
      fieldError(p.path, p.code ?? 'invalid', `${p.path} ${p.message}`, p.params ?? {}),
    ),
  );

export const notFound = (code: string, what: string) =>
  new DomainError(code, 'not_found', `${what} not found`);
