import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, DomainErrorKind } from './domain-error';

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

/** PostgreSQL error codes that mean "the database is unreachable right now", not a bug. */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

export type ErrorBody = {
  statusCode: number;
  code: string;
  message: string;
  errors?: string[];
  details?: Record<string, unknown>;
  requestId?: string;
};

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? (error as { driverError?: { code?: string } }).driverError?.code;
  if (code && PG_UNAVAILABLE.has(code)) return true;
  return /ECONNREFUSED|Connection terminated|terminating connection|timeout exceeded when trying to connect/i.test(
    error.message,
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
    const req = ctx.getRequest<Request & { id?: string }>();
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    const body = this.toBody(error, req);
    if (body.statusCode >= 500) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.logger.error({ requestId, err: detail, stack: error instanceof Error ? error.stack : undefined }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json({ ...body, requestId });
  }

  private toBody(error: unknown, req: Request): ErrorBody {
    if (error instanceof DomainError) {
      return { statusCode: STATUS[error.kind], code: error.code, message: error.message, details: error.details };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      let message = error.message;
      let errors: string[] | undefined;
      let code = HTTP_CODES[status] ?? `HTTP_${status}`;
      if (typeof response === 'object' && response !== null) {
        const r = response as { message?: unknown; code?: unknown };
        if (Array.isArray(r.message)) {
          errors = r.message.map(String);
          message = `Invalid request: ${errors.join('; ')}`;
        } else if (typeof r.message === 'string') {
          message = r.message;
        }
        if (typeof r.code === 'string') code = r.code;
      }
      if (status === 404 && message.startsWith('Cannot ')) {
        code = 'ROUTE_NOT_FOUND';
        message = `No route ${req.method} ${req.path}`;
      }
      return { statusCode: status, code, message, errors };
    }
    const bodyParserType = (error as { type?: string }).type;
    if (bodyParserType === 'entity.parse.failed') {
      return { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' };
    }
    if (bodyParserType === 'entity.too.large') {
      return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
    }
    if (isConnectionFailure(error) || (error instanceof QueryFailedError && isConnectionFailure(error.driverError))) {
      return { statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable; try again shortly' };
    }
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };
  }
}
