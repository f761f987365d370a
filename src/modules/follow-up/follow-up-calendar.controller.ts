import { Controller, Get, Header, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SiteCalendarDto } from './dto/follow-up-responses.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';
import { CalendarQueryDto } from './dto/queries.dto';
import { FollowUpCalendarService, type SiteCalendar } from './follow-up-calendar.service';

const CALENDAR_READERS: Role[] = [
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
  'monitor',
];

@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('follow-up/sites/:siteId')
export class FollowUpCalendarController {
  constructor(private readonly calendar: FollowUpCalendarService) {}

  /** Upcoming (open) visits of a site whose window overlaps [from, to]: study ids and visit codes only. */
  @Get('calendar')
  @Roles(...CALENDAR_READERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: SiteCalendarDto })
  get(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @Query() query: CalendarQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<SiteCalendar> {
    return this.calendar.calendar(siteId, { from: query.from, to: query.to }, actor);
  }

  /** The same for the next twelve months as an iCalendar feed (RFC 5545). */
  @Get('calendar.ics')
  @Roles(...CALENDAR_READERS)
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('text/calendar')
  @ApiErrors(400, 404)
  @ApiOkResponse({
    description: 'The iCalendar feed',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  ical(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @CurrentActor() actor: Actor,
  ): Promise<string> {
    return this.calendar.ical(siteId, actor);
  }
}
