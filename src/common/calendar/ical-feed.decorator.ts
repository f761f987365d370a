import { applyDecorators, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';

/**
 * An iCalendar feed route (RFC 5545): text/calendar, never cached by a shared cache, documented
 * as such; 400 for a malformed path, 404 for an unknown or revoked record or feed.
 */
export const IcalFeed = () =>
  applyDecorators(
    Header('Content-Type', 'text/calendar; charset=utf-8'),
    Header('Cache-Control', 'private, no-store'),
    ApiProduces('text/calendar'),
    ApiErrors(400, 404),
    ApiOkResponse({
      description: 'The iCalendar feed',
      content: { 'text/calendar': { schema: { type: 'string' } } },
    }),
  );
