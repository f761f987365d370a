import { BadRequestException, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage, type ValidationError } from 'class-validator';
import { type FieldError, fieldError } from 'src/common/errors/domain-error';

/**
 * Names of the values a constraint was declared with, so a page can translate its message:
 * `@Max(10)` gives `{ max: 10 }`, `@IsIn(['a','b'])` `{ values: ['a','b'] }`. Constraints not
 * listed here give their values as `{ constraints: [...] }`, those without values `{}`.
 */
const PARAM_NAMES: Record<string, readonly string[]> = {
  max: ['max'],
  min: ['min'],
  maxLength: ['max'],
  minLength: ['min'],
  isLength: ['min', 'max'],
  arrayMaxSize: ['max'],
  arrayMinSize: ['min'],
  isIn: ['values'],
  isNotIn: ['values'],
  isEnum: ['enum', 'values'],
  matches: ['pattern', 'modifiers'],
  maxDate: ['max'],
  minDate: ['min'],
  isDivisibleBy: ['divisor'],
  equals: ['value'],
  notEquals: ['value'],
};

function paramsOf(error: ValidationError, constraint: string): Record<string, unknown> {
  const target = error.target?.constructor;
  if (!target || typeof target !== 'function') {
    return {};
  }
  const meta = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .find(
      (m) =>
        m.propertyName === error.property &&
        (m.name === constraint || m.type === constraint) &&
        Array.isArray(m.constraints),
    );
  const values = (meta?.constraints ?? []).filter((v: unknown) => typeof v !== 'function');
  if (values.length === 0) {
    return {};
  }
  const names = PARAM_NAMES[constraint];
  if (!names) {
    return { constraints: values.map(plain) };
  }
  return Object.fromEntries(names.slice(0, values.length).map((n, i) => [n, plain(values[i])]));
}

/** JSON-friendly: a RegExp as its source, an enum object as its values. */
function plain(v: unknown): unknown {
  if (v instanceof RegExp) {
    return v.source;
  }
  if (v instanceof Date) {
    return v.toISOString();
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return Object.values(v);
  }
  return v;
}

/**
 * class-validator's errors as field errors, one per failed constraint, with the dotted path
 * (`relapses.0.onsetDate`) and messages as Nest's ValidationPipe words them.
 */
export function toFieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push(
        fieldError(
          path,
          constraint,
          parent ? `${parent}.${message}` : message,
          paramsOf(error, constraint),
        ),
      );
    }
    if (error.children?.length) {
      out.push(...toFieldErrors(error.children, path));
    }
  }
  return out;
}

/** A 400 VALIDATION_FAILED whose `errors` name each field. */
export function validationException(fieldErrors: FieldError[]): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: `Invalid request: ${fieldErrors.map((e) => e.message).join('; ')}`,
    errors: fieldErrors,
  });
}

/**
 * Nest's ValidationPipe answering with field errors (`toFieldErrors`) instead of a message list.
 * It keeps the pipe's cap on the answer's size (`maxErrorMessagesLength`: the errors past it are
 * left out and one `omitted` entry says so), and keeps each error's target (the object it was
 * found in) so that the constraint's values can be read; the target never reaches the answer.
 */
export class FieldValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions = {}) {
    super({
      ...options,
      validationError: { ...options.validationError, target: true },
    });
  }

  override createExceptionFactory(): (errors?: ValidationError[]) => BadRequestException {
    return (errors: ValidationError[] = []) => {
      const budget = { remaining: this.maxErrorMessagesLength, isExceeded: false };
      const fieldErrors = toFieldErrors(this.limitValidationErrors(errors, budget));
      if (budget.isExceeded) {
        fieldErrors.push(fieldError('', 'omitted', 'Further validation errors were omitted'));
      }
      return validationException(fieldErrors);
    };
  }
}
