import { ApiProperty } from '@nestjs/swagger';

/** One entry of `ErrorResponseDto.errors` (see `FieldError` in domain-error.ts). */
export class FieldErrorDto {
  @ApiProperty({
    description:
      "The request field it is about (dotted, e.g. 'relapses.0.onsetDate'); '' for the request as a whole",
    example: 'visitDate',
  })
  path: string;

  @ApiProperty({
    description:
      'Stable code: a validation constraint (isCalendarDate, max, isIn, whitelistValidation…) or a domain code (STALE_VERSION, BLINDED_WITH_ARM_ROLE…)',
    example: 'isCalendarDate',
  })
  code: string;

  @ApiProperty({
    description: 'In English, for people',
    example: 'visitDate must be a calendar date YYYY-MM-DD',
  })
  message: string;

  @ApiProperty({
    description:
      'The constraint\'s or rule\'s values, for a translated message (e.g. {"max": 10}); {} when none',
    type: 'object',
    additionalProperties: true,
    example: {},
  })
  params: Record<string, unknown>;
}

/** The one shape of every 4xx and 5xx answer. */
export class ErrorResponseDto {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 400 })
  statusCode: number;

  @ApiProperty({
    description: 'Stable machine-readable code (VALIDATION_FAILED, USER_NOT_FOUND, STALE_VERSION…)',
    example: 'VALIDATION_FAILED',
  })
  code: string;

  @ApiProperty({
    description: 'In English, for people',
    example: 'Invalid request: visitDate must be a calendar date YYYY-MM-DD',
  })
  message: string;

  @ApiProperty({
    type: [FieldErrorDto],
    description:
      'What exactly is wrong, one entry per field or rule; empty when nothing more is known',
  })
  errors: FieldErrorDto[];

  @ApiProperty({
    description: 'The id of the request, as in the X-Request-Id answer header and the audit trail',
    example: '0d5c7c1e-4b8f-4a53-9f55-2a0b3c7c2a10',
  })
  requestId: string;
}
