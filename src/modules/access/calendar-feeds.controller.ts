import { Controller, Delete, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ROLES } from 'src/common/context/roles';
import { CalendarFeedDto, CalendarFeeds, toCalendarFeedDto } from './calendar-feeds.api';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/**
 * The signed-in user's calendar subscriptions. New ones are made where the calendar is (a site's
 * follow-up visits, a centre's admissions), which checks the user may read it.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('calendar-feeds')
@NotClinicalWrite()
export class CalendarFeedsController {
  constructor(private readonly feeds: CalendarFeeds) {}

  /** Your calendar subscriptions, revoked ones included (never their secrets). */
  @Get()
  @Roles(...ROLES)
  @ApiOkResponse({ type: [CalendarFeedDto] })
  @ApiErrors(400)
  async list(@CurrentActor() actor: Actor): Promise<CalendarFeedDto[]> {
    return (await this.feeds.list(actor)).map(toCalendarFeedDto);
  }

  /** Revokes one of your calendar subscriptions: its address answers 404 from now on. */
  @Delete(':id')
  @Roles(...ROLES)
  @ApiOkResponse({ type: CalendarFeedDto })
  @ApiErrors(400, 404)
  async revoke(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<CalendarFeedDto> {
    return toCalendarFeedDto(await this.feeds.revoke(actor, id));
  }
}
