import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';

import { isPlausibleDate, isPlausibleInstant } from 'src/common/time/calendar-date';

type Opts = { optional?: boolean; nullable?: boolean; description?: string };

/** `undefined` may be omitted; with `nullable`, `null` is also accepted (and clears a value). */
function optionality({ optional, nullable }: Opts) {
  if (optional && nullable) {
    return [IsOptional()];
  }
  if (optional) {
    return [ValidateIf((_: unknown, v: unknown) => v !== undefined)];
  }
  if (nullable) {
    return [ValidateIf((_: unknown, v: unknown) => v !== null)];
  }
  return [];
}

function doc(opts: Opts, extra: Record<string, unknown>) {
  const base = { description: opts.description, nullable: opts.nullable, ...extra };
  return opts.optional ? ApiPropertyOptional(base) : ApiProperty(base);
}

/** A calendar date 'YYYY-MM-DD' that exists (2026-02-30 is refused), year 1900–2100. */
export function IsCalendarDate(
  message = 'must be a calendar date YYYY-MM-DD (year 1900 to 2100)',
): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: (a: ValidationArguments) => `${a.property} ${message}` },
      validator: { validate: (value: unknown) => isPlausibleDate(value) },
    });
}

export const ValidateDate = (opts: Opts = {}) =>
  applyDecorators(
    ...optionality(opts),
    IsCalendarDate(),
    doc(opts, { type: String, format: 'date', example: '2026-03-01' }),
  );

/**
 * An instant: an ISO date-time with an offset ('Z' or '+02:00'), year 1900–2100. With
 * `orDate`, a calendar date alone is taken too (its UTC midnight), as the list filters allow.
 */
export function IsInstant(orDate = false): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName: String(propertyName),
      options: {
        message: (a: ValidationArguments) =>
          `${a.property} must be an ISO date-time with an offset${orDate ? ' or a calendar date YYYY-MM-DD' : ''} (year 1900 to 2100)`,
      },
      validator: {
        validate: (v: unknown) => isPlausibleInstant(v) || (orDate && isPlausibleDate(v)),
      },
    });
}

export const ValidateInstant = (opts: Opts & { orDate?: boolean } = {}) =>
  applyDecorators(
    ...optionality(opts),
    IsInstant(opts.orDate),
    doc(opts, { type: String, format: 'date-time' }),
  );

/** A trimmed, non-empty string of at most `max` characters. */
export const ValidateText = (max: number, opts: Opts = {}) =>
  applyDecorators(
    ...optionality(opts),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString(),
    IsNotEmpty(),
    MaxLength(max),
    doc(opts, { type: String, maxLength: max }),
  );

export const ValidateUuid = (opts: Opts & { each?: boolean } = {}) =>
  applyDecorators(
    ...optionality(opts),
    IsUUID('4', { each: opts.each }),
    doc(opts, { type: String, format: 'uuid', isArray: opts.each }),
  );

export const ValidateEnum = <T extends string>(
  values: readonly T[],
  opts: Opts & { each?: boolean } = {},
) =>
  applyDecorators(
    ...optionality(opts),
    IsIn(values as T[], {
      each: opts.each,
      message: (a: ValidationArguments) => `${a.property} must be one of: ${values.join(', ')}`,
    }),
    doc(opts, { enum: values, isArray: opts.each }),
  );

export const ValidateBoolean = (opts: Opts = {}) =>
  applyDecorators(...optionality(opts), IsBoolean(), doc(opts, { type: Boolean }));

export const ValidateInt = (min: number, max: number, opts: Opts = {}) =>
  applyDecorators(
    ...optionality(opts),
    IsInt(),
    Min(min),
    Max(max),
    doc(opts, { type: Number, minimum: min, maximum: max }),
  );

/** A query-string integer (strings are converted). */
export const QueryInt = (min: number, max: number, opts: Opts = {}) =>
  applyDecorators(
    Type(() => Number),
    ...optionality({ optional: true, ...opts }),
    IsInt(),
    Min(min),
    Max(max),
    doc({ optional: true, ...opts }, { type: Number, minimum: min, maximum: max }),
  );

/** A query-string boolean ('true' | 'false'). */
export const QueryBoolean = (opts: Opts = {}) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    IsOptional(),
    IsBoolean(),
    doc({ optional: true, ...opts }, { type: Boolean }),
  );

export const ValidateMatches = (pattern: RegExp, message: string, opts: Opts = {}) =>
  applyDecorators(
    ...optionality(opts),
    IsString(),
    Matches(pattern, { message: `$property ${message}` }),
    doc(opts, { type: String, pattern: pattern.source }),
  );
