import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from 'src/common/errors/error-response.dto';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request (VALIDATION_FAILED or a domain code); errors[] names each field; nothing changes',
  401: 'Not signed in, or the token is invalid or expired',
  403: "The acting role may not do this, or the record is outside the actor's sites",
  404: 'Not found (or not within your sites)',
  409: 'Conflicts with the current state of the record; nothing changes',
  413: 'The request body is too large',
  429: 'Too many requests; retry after the Retry-After header',
  503: 'A dependency (database, queue) is unavailable; try again shortly',
};

/**
 * The error answers of an operation (or of every operation of a controller), each with the one
 * error body `ErrorResponseDto`. A status alone gets the standard description; give
 * `{ 409: 'STALE_VERSION: …' }` to say which codes an operation answers with.
 *
 *   @ApiErrors(400, 404, { 409: 'STALE_VERSION: the record changed since expectedVersion' })
 *
 * 401 and 403 come with @Roles (src/common/context/access.decorators.ts); list them here only for a
 * public route that answers them (sign-in).
 */
export function ApiErrors(
  ...entries: (ErrorStatus | Partial<Record<ErrorStatus, string>>)[]
): MethodDecorator & ClassDecorator {
  const described = new Map<ErrorStatus, string>();
  for (const entry of entries) {
    if (typeof entry === 'number') {
      described.set(entry, DESCRIPTIONS[entry]);
    } else {
      for (const [status, description] of Object.entries(entry)) {
        described.set(Number(status) as ErrorStatus, description);
      }
    }
  }
  return applyDecorators(
    ...[...described].map(([status, description]) =>
      ApiResponse({ status, description, type: ErrorResponseDto }),
    ),
  );
}
