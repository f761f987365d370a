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

/** A calendar date 'YYYY-MM-DD' that exists (2026-02-30 is refused). */
export function IsCalendarDate(message = 'must be a calendar date YYYY-MM-DD'): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: (a: ValidationArguments) => `${a.property} ${message}` },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
            return false;
          }
          const d = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
        },
      },
    });
}

export const ValidateDate = (opts: Opts = {}) =>
  applyDecorators(
    ...optionality(opts),
    IsCalendarDate(),
    doc(opts, { type: String, format: 'date', example: '2026-03-01' }),
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
