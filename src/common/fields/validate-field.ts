import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator, ValidateIf, ValidationArguments } from 'class-validator';
import {
  ValidateBoolean,
  ValidateDate,
  ValidateEnum,
  ValidateInt,
  ValidateText,
} from 'src/common/validation/validators';
import { fieldItem, type FieldItem } from './registry';

type Opts = { optional?: boolean; nullable?: boolean; description?: string };

/** A number within the item's range and on its step (EDSS: 0 to 10 in steps of 0.5). */
export function IsFieldNumber(item: FieldItem): PropertyDecorator {
  const { min = -Infinity, max = Infinity, step } = item;
  const range =
    `a number from ${min} to ${max}` + (step === undefined ? '' : ` in steps of ${step}`);
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isFieldNumber',
      target: object.constructor,
      propertyName: String(propertyName),
      constraints: [item.id],
      options: { message: (a: ValidationArguments) => `${a.property} must be ${range}` },
      validator: {
        validate: (v: unknown) =>
          typeof v === 'number' &&
          Number.isFinite(v) &&
          v >= min &&
          v <= max &&
          (step === undefined || Number.isInteger(Math.round((v / step) * 1e9) / 1e9)),
      },
    });
}

/**
 * The request validation of one registry item, and its OpenAPI property: type, range, step, code
 * list and longest text come from the registry (written once), optionality from the DTO.
 */
export function ValidateField(id: string, opts: Opts = {}): PropertyDecorator {
  const item = fieldItem(id);
  const need = (what: string, v: number | undefined): number => {
    if (v === undefined) {
      throw new Error(`field item ${id} has no ${what}`);
    }
    return v;
  };
  switch (item.type) {
    case 'date':
      return ValidateDate(opts);
    case 'text':
      return ValidateText(need('maxLength', item.maxLength), opts);
    case 'boolean':
      return ValidateBoolean(opts);
    case 'code':
      return ValidateEnum(
        (item.codes ?? []).map((c) => c.value),
        { ...opts, each: item.multiple },
      );
    case 'integer':
      return ValidateInt(need('min', item.min), need('max', item.max), opts);
    case 'decimal': {
      const doc = {
        type: Number,
        minimum: item.min,
        maximum: item.max,
        multipleOf: item.step,
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.nullable ? { nullable: true } : {}),
      };
      return applyDecorators(
        ...(opts.optional || opts.nullable
          ? [
              ValidateIf(
                (_: unknown, v: unknown) =>
                  !(opts.optional && v === undefined) && !(opts.nullable && v === null),
              ),
            ]
          : []),
        IsFieldNumber(item),
        opts.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
      );
    }
    case 'datetime':
      throw new Error(`field item ${id}: datetime input is not validated through the registry yet`);
  }
}
