import { ApiBody } from '@nestjs/swagger';
import type { PipeTransform } from '@nestjs/common';
import { validationFailed } from 'src/common/errors/domain-error';

/**
 * The body of a route that takes none: absent or `{}`; anything else (a list, a field) is refused
 * like any bad input. Use as `@Body(NoBody) _body: unknown` with `@NoBodyDoc()`.
 */
export const NoBody: PipeTransform = {
  transform(value: unknown) {
    const empty =
      value === undefined ||
      (typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 0);
    if (!empty) {
      throw validationFailed([{ path: '', message: 'must be empty: this route takes no body' }]);
    }
    return value;
  },
};

/** The OpenAPI side of NoBody: an optional, empty object. */
export const NoBodyDoc = () =>
  ApiBody({ required: false, schema: { type: 'object', maxProperties: 0 } });
