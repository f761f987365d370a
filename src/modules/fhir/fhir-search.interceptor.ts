import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { FhirErrors } from './fhir.errors';

/**
 * Refuses search parameters a FHIR search does not support (also with a modifier, `study:missing`)
 * with a 400 that names them and lists the supported ones. Interceptors run before the validation
 * pipe, so the answer says "unknown search parameter" rather than a generic whitelist message.
 */
@Injectable()
export class FhirSearchParameters implements NestInterceptor {
  constructor(
    private readonly resourceType: string,
    private readonly supported: readonly string[],
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const query = context.switchToHttp().getRequest<Request>().query;
    const unknown = Object.keys(query ?? {})
      .filter((k) => !this.supported.includes(k))
      .map((k) => k.slice(0, 64));
    if (unknown.length > 0) {
      throw FhirErrors.unknownSearchParameters(this.resourceType, unknown, [...this.supported]);
    }
    return next.handle();
  }
}
