import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Public, Roles } from 'src/common/context/access.decorators';
import type { Role } from 'src/common/context/roles';
import {
  CalendarFeeds,
  CreatedCalendarFeedDto,
  NewCalendarFeedDto,
  toCalendarFeedDto,
} from 'src/modules/access/calendar-feeds.api';
import { SchedulingErrors } from './scheduling.errors';
import { IcalFeed } from 'src/common/calendar/ical-feed.decorator';
import { SchedulingReportsService } from './scheduling-reports.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** Who may read a centre's admissions (they reveal arm A: never blinded roles). */
const ADMISSION_READERS: Role[] = ['coordinator', 'investigator', 'site_staff', 'monitor'];

/** Calendar subscriptions to a transplant centre's planned admissions. */
@ApiTags('scheduling')
@Controller('scheduling')
@NotClinicalWrite()
export class SchedulingFeedsController {
  constructor(
    private readonly reports: SchedulingReportsService,
    private readonly feeds: CalendarFeeds,
  ) {}

  /**
   * Subscribes you to the centre's admissions from Outlook, Google or Apple calendars: a private
   * address whose secret stands for you in your acting role (shown once; revoke under /calendar-feeds).
   */
  @Post('centres/:centreId/calendar-feeds')
  @ApiBearerAuth()
  @Roles(...ADMISSION_READERS)
  @ApiCreatedResponse({ type: CreatedCalendarFeedDto })
  @ApiErrors(400, 404)
  async subscribe(
    @Param('centreId', ParseUUIDPipe) centreId: string,
    @Body() dto: NewCalendarFeedDto,
    @CurrentActor() actor: Actor,
  ): Promise<CreatedCalendarFeedDto> {
    const centre = await this.reports.centre(centreId, actor);
    const { feed, token } = await this.feeds.create(
      actor,
      'admissions',
      centre.id,
      dto.label ?? `${centre.label} aHSCT admissions`,
    );
    return { ...toCalendarFeedDto(feed), path: `/scheduling/feeds/${token}/admissions.ics` };
  }

  /**
   * A subscribed centre's planned admissions (iCalendar, study ids only): the secret in the
   * address stands for its subscriber, seeing what they may see today; revoked or unknown → 404.
   */
  @Get('feeds/:secret/admissions.ics')
  @Public()
  @IcalFeed()
  async feed(@Param('secret') secret: string): Promise<string> {
    const found = await this.feeds.resolve(secret, 'admissions');
    if (!found || !ADMISSION_READERS.includes(found.actor.role as Role)) {
      throw SchedulingErrors.calendarFeedNotFound();
    }
    return this.reports.calendar(found.siteId, found.actor);
  }
}
