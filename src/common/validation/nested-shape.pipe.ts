import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { type FieldError, fieldError } from 'src/common/errors/domain-error';

/**
 * Where a DTO declares a nested object (`@ValidateNested()`) or a list of them
 * (`@ValidateNested({ each: true })`), refuses arrays in their place. class-validator validates an
 * array found there element by element, recursively, so `{"relapses": [[[]]]}` or
 * `{"adverseEvents": [[{…}]]}` used to pass validation and reach the services (stored as garbage,
 * or a 500). Runs after the ValidationPipe, on the DTO instances it made.
 */
@Injectable()
export class NestedShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query') {
      return value;
    }
    const problems: FieldError[] = [];
    check(value, '', problems, 0);
    if (problems.length > 0) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `Invalid request: ${problems.map((p) => p.message).join('; ')}`,
        errors: problems,
      });
    }
    return value;
  }
}

/** A list where an object belongs: code `isObject`, as class-validator would name it. */
const notAList = (path: string): FieldError =>
  fieldError(path, 'isObject', `${path} must be an object, not a list`);

function check(value: unknown, path: string, problems: FieldError[], depth: number): void {
  if (depth > 32 || typeof value !== 'object' || value === null) {
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => check(item, `${path}${i}.`, problems, depth + 1));
    return;
  }
  const nested = getMetadataStorage()
    .getTargetValidationMetadatas(value.constructor, '', true, false)
    .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  for (const name of new Set(nested.map((m) => m.propertyName))) {
    const each = nested.some((m) => m.propertyName === name && m.each);
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined || v === null) {
      continue;
    }
    if (each && Array.isArray(v)) {
      v.forEach((item, i) => {
        if (Array.isArray(item)) {
          problems.push(notAList(`${path}${name}.${i}`));
        }
      });
    } else if (Array.isArray(v)) {
      problems.push(notAList(`${path}${name}`));
    }
    check(v, `${path}${name}.`, problems, depth + 1);
  }
}
