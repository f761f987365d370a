import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { addDays, daysBetween } from 'src/common/time/calendar-date';
import { todayInZone } from './calendar/sweep-rules';
import { FollowUpErrors } from './follow-up.errors';
import { renderIcal } from 'src/common/calendar/ical';
import { isBlinded } from './follow-up-records';
import { type CalendarItem, VisitsRepository } from './visits.repository';

export type SiteCalendar = {
  siteId: string;
  siteLabel: string;
  timeZone: string;
  from: string;
  to: string;
  items: CalendarItem[];
};

const DEFAULT_DAYS = 56;
const MAX_DAYS = 366;

/**
 * The per-site calendar of upcoming (open) visits, as JSON and as an iCalendar feed. Both carry
 * study ids and visit codes only; a blinded reader never gets the arm-A weekly visits.
 */
@Injectable()
export class FollowUpCalendarService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly clock: Clock,
  ) {}

  /** The site, when the actor may see it. */
  async site(siteId: string, actor: Actor) {
    const site = await this.visits.findSite(siteId, siteScope(actor));
    if (!site) {
      throw FollowUpErrors.siteNotFound();
    }
    return site;
  }

  async calendar(
    siteId: string,
    range: { from?: string; to?: string },
    actor: Actor,
  ): Promise<SiteCalendar> {
    const site = await this.site(siteId, actor);
    const from = range.from ?? todayInZone(this.clock.now(), site.timeZone);
    const to = range.to ?? addDays(from, DEFAULT_DAYS);
    const span = daysBetween(from, to);
    if (span < 0) {
      throw FollowUpErrors.badInput('to', 'must not be before from');
    }
    if (span > MAX_DAYS) {
      throw FollowUpErrors.badInput('to', `must be at most ${MAX_DAYS} days after from`);
    }
    const items = await this.visits.calendar(site.id, from, to, isBlinded(actor));
    return { siteId: site.id, siteLabel: site.label, timeZone: site.timeZone, from, to, items };
  }

  /** The next twelve months as an iCalendar document (one all-day event per visit, on its target date). */
  async ical(siteId: string, actor: Actor): Promise<string> {
    const site = await this.site(siteId, actor);
    const from = todayInZone(this.clock.now(), site.timeZone);
    const items = await this.visits.calendar(
      site.id,
      from,
      addDays(from, MAX_DAYS - 1),
      isBlinded(actor),
    );
    const cal = { siteLabel: site.label, items };
    return renderIcal({
      name: `RAM-MS ${cal.siteLabel} follow-up visits`,
      product: 'Trial management',
      timeZone: site.timeZone,
      generatedAt: this.clock.now(),
      events: cal.items.map((item) => ({
        uid: `${item.visitId}@ram-ms`,
        start: item.targetDate,
        endExclusive: addDays(item.targetDate, 1),
        busy: false,
        summary: `${item.studyId ?? 'participant'} ${item.code}`,
        description: `Visit ${item.code} for ${item.studyId ?? 'participant'} at ${cal.siteLabel}. Window ${item.windowStart} to ${item.windowEnd}.`,
      })),
    });
  }
}
