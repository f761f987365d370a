import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CalendarFeeds,
  CreatedCalendarFeedDto,
  NewCalendarFeedDto,
  toCalendarFeedDto,
} from 'src/modules/access/calendar-feeds.api';
import { SiteCalendarDto } from './dto/follow-up-responses.dto';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Public, Roles } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';
import { CalendarQueryDto } from './dto/queries.dto';
import { FollowUpCalendarService, type SiteCalendar } from './follow-up-calendar.service';
import { IcalFeed } from 'src/common/calendar/ical-feed.decorator';
import { FollowUpErrors } from './follow-up.errors';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

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
@NotClinicalWrite()
export class FollowUpCalendarController {
  constructor(
    private readonly calendar: FollowUpCalendarService,
    private readonly feeds: CalendarFeeds,
  ) {}

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
  @IcalFeed()
  ical(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @CurrentActor() actor: Actor,
  ): Promise<string> {
    return this.calendar.ical(siteId, actor);
  }

  /**
   * Subscribes you to this feed from Outlook, Google or Apple calendars: a private address whose
   * secret stands for you in your acting role (shown once; revoke it under /calendar-feeds).
   */
  @Post('calendar-feeds')
  @Roles(...CALENDAR_READERS)
  @ApiCreatedResponse({ type: CreatedCalendarFeedDto })
  @ApiErrors(400, 404)
  async subscribe(
    @Param('siteId', ParseUUIDPipe) siteId: string,
    @Body() dto: NewCalendarFeedDto,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedCalendarFeedDto> {
    const site = await this.calendar.site(siteId, actor);
    const { feed, token } = await this.feeds.create(
      actor,
      'visits',
      site.id,
      dto.label ?? `${site.label} follow-up visits`,
    );
    return { ...toCalendarFeedDto(feed), path: `/follow-up/feeds/${token}/visits.ics` };
  }
}

/** Subscribed visit calendars, polled by calendar applications without signing in. */
@ApiTags('follow-up')
@Controller('follow-up/feeds')
export class FollowUpFeedsController {
  constructor(
    private readonly calendar: FollowUpCalendarService,
    private readonly feeds: CalendarFeeds,
  ) {}

  /**
   * A subscribed site's visits for the next twelve months (iCalendar): the secret in the address
   * stands for its subscriber, seeing what they may see today; revoked or unknown → 404.
   */
  @Get(':secret/visits.ics')
  @Public()
  @IcalFeed()
  async feed(@Param('secret') secret: string): Promise<string> {
    const found = await this.feeds.resolve(secret, 'visits');
    if (!found || !CALENDAR_READERS.includes(found.actor.role as Role)) {
      throw FollowUpErrors.calendarFeedNotFound();
    }
    return this.calendar.ical(found.siteId, found.actor);
  }
}
