import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (any version, either case): safe to bind as `uuid`. */
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Writes a path parameter that is a UUID in its canonical lower-case form. UUIDs are
 * case-insensitive on input (RFC 9562), but ids are compared and bound as text in places (the
 * identity vault binds each ciphertext to its participant's id): `D5FE…` must name the same record
 * as `d5fe…`, not fail as a 500.
 */
@Injectable()
export class CanonicalUuidPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'param' && typeof value === 'string' && UUID.test(value)) {
      return value.toLowerCase();
    }
    return value;
  }
}
