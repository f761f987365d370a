import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { RequestContext } from 'src/common/context/request-context';
import {
  DomainError,
  type DomainErrorKind,
  type FieldError,
  fieldError,
} from 'src/common/errors/domain-error';

const STATUS: Record<DomainErrorKind, number> = {
  bad_request: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid_state: HttpStatus.CONFLICT,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const HTTP_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/** Codes for the body parser's refusals (its `type`). */
const BODY_PARSER_CODES: Record<string, string> = {
  'charset.unsupported': 'UNSUPPORTED_CHARSET',
  'encoding.unsupported': 'UNSUPPORTED_CONTENT_ENCODING',
  'request.size.invalid': 'REQUEST_SIZE_MISMATCH',
  'request.aborted': 'REQUEST_ABORTED',
};

/** PostgreSQL error codes that mean "the database is unreachable right now", not a bug. */
const PG_UNAVAILABLE = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '53300',
]);
/**
 * PostgreSQL error codes of a transaction that ran out of time: lock_not_available (lock_timeout)
 * and query_canceled (statement_timeout). PostgreSQL rolled it back; the client may retry.
 */
const PG_BUSY = new Set(['55P03', '57014']);
/** Seconds a client should wait before retrying after DATABASE_BUSY. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/** True when the error (or the driver error it wraps) is a lock or statement timeout. */
function isBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const e = error as { code?: unknown; driverError?: unknown };
  if (typeof e.code === 'string' && PG_BUSY.has(e.code)) {
    return true;
  }
  return !!e.driverError && e.driverError !== error && isBusy(e.driverError);
}

/** Socket errors of a connection to the database. */
const NET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** The one shape of every 4xx/5xx answer (documented as `ErrorResponseDto`). */
export type ErrorBody = {
  statusCode: number;
  code: string;
  message: string;
  errors: FieldError[];
  requestId: string;
};

/**
 * An error answer in the one shape. `requestId` is the request's id (the X-Request-Id answer
 * header): the caller passes the request, whose id the request-context middleware set.
 */
export function errorBody(
  statusCode: number,
  code: string,
  message: string,
  requestId: string,
  errors: readonly FieldError[] = [],
): ErrorBody {
  return { statusCode, code, message, errors: [...errors], requestId };
}

/** The request's id as its X-Request-Id header says it; set (header and request) if missing. */
export function requestIdOf(req: Request & { id?: unknown }, res: Response): string {
  let id = typeof req.id === 'string' ? req.id : (RequestContext.requestId() ?? undefined);
  if (!id) {
    id = randomUUID();
    req.id = id;
  }
  if (!res.headersSent && res.getHeader('X-Request-Id') !== id) {
    res.setHeader('X-Request-Id', id);
  }
  return id;
}

/** A message list from a Nest HttpException (strings, or objects already field errors). */
function asFieldErrors(list: unknown[], code: string): FieldError[] {
  return list.map((item) => {
    if (item && typeof item === 'object' && 'path' in item && 'message' in item) {
      const e = item as Partial<FieldError>;
      return fieldError(
        String(e.path ?? ''),
        typeof e.code === 'string' ? e.code : code,
        String(e.message),
        e.params && typeof e.params === 'object' ? e.params : {},
      );
    }
    return fieldError('', code, String(item));
  });
}

type Body = Omit<ErrorBody, 'requestId' | 'errors'> & { errors?: readonly FieldError[] };

/**
 * Duck-typed, not `instanceof Error`: socket errors are created by Node's core and may come from
 * another realm (a vm context such as Jest's), where `instanceof Error` is false.
 */
function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const e = error as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown };
  // TypeORM releases a query runner as soon as its connection emits an error (e.g. the backend was
  // terminated between two statements of a transaction); the transaction's next query, or its
  // COMMIT, then fails with one of these (and PostgreSQL has rolled the transaction back).
  if (
    e.name === 'QueryRunnerProviderAlreadyReleasedError' ||
    e.name === 'QueryRunnerAlreadyReleasedError'
  ) {
    return true;
  }
  if (typeof e.code === 'string' && (PG_UNAVAILABLE.has(e.code) || NET_UNAVAILABLE.has(e.code))) {
    return true;
  }
  if (e.driverError && e.driverError !== error && isConnectionFailure(e.driverError)) {
    return true;
  }
  return (
    typeof e.message === 'string' &&
    /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|timeout exceeded when trying to connect|not queryable/i.test(
      e.message,
    )
  );
}

/**
 * The one place that turns errors into HTTP answers: domain errors by their kind, Nest's
 * HttpExceptions (validation, 404 for unknown routes, throttling) as they are, a lost database
 * connection as 503, and anything else as a logged 500 without a stack trace in the body.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: unknown }>();
    const requestId = requestIdOf(req, res);
    const body = this.toBody(error, req);
    if (body.statusCode >= 500) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.logger.error(
        { requestId, err: detail, stack: error instanceof Error ? error.stack : undefined },
        'request failed',
      );
    }
    if (res.headersSent) {
      return;
    }
    if (body.code === 'DATABASE_BUSY') {
      res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
    }
    // A JSON error, even from a route that answers another type (an .ics feed set its own).
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (error instanceof DomainError && error.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
    }
    res
      .status(body.statusCode)
      .json(errorBody(body.statusCode, body.code, body.message, requestId, body.errors));
  }

  private toBody(error: unknown, req: Request): Body {
    if (error instanceof DomainError) {
      return {
        statusCode: STATUS[error.kind],
        code: error.code,
        message: error.message,
        errors: error.errors,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      let message = error.message;
      let errors: FieldError[] = [];
      let code = HTTP_CODES[status] ?? `HTTP_${status}`;
      if (typeof response === 'object' && response !== null) {
        const r = response as { message?: unknown; code?: unknown; errors?: unknown };
        if (typeof r.code === 'string') {
          code = r.code;
        }
        if (Array.isArray(r.message)) {
          errors = asFieldErrors(r.message, code);
          message = `Invalid request: ${errors.map((e) => e.message).join('; ')}`;
        } else if (typeof r.message === 'string') {
          message = r.message;
        }
        if (Array.isArray(r.errors)) {
          errors = asFieldErrors(r.errors, code);
        }
      }
      if (status === 404 && message.startsWith('Cannot ')) {
        code = 'ROUTE_NOT_FOUND';
        message = `No route ${req.method} ${req.path}`;
      }
      return { statusCode: status, code, message, errors };
    }
    const bodyParserType = (error as { type?: string }).type;
    if (bodyParserType === 'entity.parse.failed') {
      return {
        statusCode: 400,
        code: 'MALFORMED_JSON',
        message: 'The request body is not valid JSON',
      };
    }
    if (bodyParserType === 'entity.too.large') {
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The request body is too large',
      };
    }
    // Every other refusal of the body parser (unsupported charset or content encoding, a body that
    // does not inflate, a size mismatch): an http-errors 4xx, the client's; answer with its status.
    const { status: parserStatus, expose } = error as { status?: unknown; expose?: unknown };
    if (
      typeof parserStatus === 'number' &&
      parserStatus >= 400 &&
      parserStatus < 500 &&
      (typeof bodyParserType === 'string' || expose === true)
    ) {
      const type = typeof bodyParserType === 'string' ? bodyParserType : 'body.unreadable';
      const code = BODY_PARSER_CODES[type] ?? HTTP_CODES[parserStatus] ?? `HTTP_${parserStatus}`;
      return {
        statusCode: parserStatus,
        code,
        message: `The request body could not be read (${type})`,
      };
    }
    if (isBusy(error)) {
      return {
        statusCode: 503,
        code: 'DATABASE_BUSY',
        message: `The database is busy; nothing was changed, try again in ${BUSY_RETRY_AFTER_SECONDS} seconds`,
      };
    }
    if (isConnectionFailure(error)) {
      return {
        statusCode: 503,
        code: 'DATABASE_UNAVAILABLE',
        message: 'The database is unavailable; try again shortly',
      };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };
  }
}
