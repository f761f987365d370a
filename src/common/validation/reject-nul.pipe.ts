import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** True when a string, or any key or string inside an object or array, holds U+0000. */
function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') {
    return value.includes('\u0000');
  }
  if (depth > 64 || typeof value !== 'object' || value === null) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some((v) => containsNul(v, depth + 1));
  }
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

/**
 * Refuses a body, query or path parameter holding a NUL character (U+0000) with 400: PostgreSQL
 * cannot store it in text or jsonb, so it would otherwise fail in the database as a 500.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'custom' && containsNul(value)) {
      throw new BadRequestException({
        code: 'INVALID_CHARACTERS',
        message: `The request ${metadata.type} contains a NUL character (U+0000)`,
      });
    }
    return value;
  }
}
