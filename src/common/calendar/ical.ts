import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';

/**
 * iCalendar (RFC 5545) feeds of all-day events, written by ical-generator (escaping, line folding,
 * CRLF). The callers decide what goes in: study ids and visit codes, never names.
 */
export type AllDayEvent = {
  uid: string;
  /** First day, 'YYYY-MM-DD'. */
  start: string;
  /** Day after the last day, 'YYYY-MM-DD' (DTEND of an all-day event is exclusive). */
  endExclusive: string;
  summary: string;
  description?: string;
  /** Increases each time the event changes, so subscribed calendars update it. */
  sequence?: number;
  status?: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  lastModified?: Date;
  /** Whether the event blocks time (an admission does; a visit window does not). */
  busy: boolean;
};

export type AllDayCalendar = {
  name: string;
  /** The product line of PRODID, e.g. 'Transplant slots'. */
  product: string;
  /** The zone the dates are meant in (X-WR-TIMEZONE); all-day dates themselves are floating. */
  timeZone?: string;
  generatedAt: Date;
  events: readonly AllDayEvent[];
};

// Calendar dates as UTC midnights, so the process' own zone never shifts a day.
const day = (date: string) => DateTime.fromISO(date, { zone: 'utc' });

export function renderIcal(calendar: AllDayCalendar): string {
  const cal = ical({
    name: calendar.name,
    prodId: { company: 'RAM-MS', product: calendar.product, language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  if (calendar.timeZone) {
    cal.x([{ key: 'X-WR-TIMEZONE', value: calendar.timeZone }]);
  }
  for (const e of calendar.events) {
    cal.createEvent({
      id: e.uid,
      allDay: true,
      start: day(e.start),
      end: day(e.endExclusive),
      stamp: calendar.generatedAt,
      summary: e.summary,
      description: e.description ?? null,
      sequence: e.sequence ?? 0,
      status: e.status ? ICalEventStatus[e.status] : null,
      lastModified: e.lastModified ?? null,
      transparency: e.busy ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
    });
  }
  // RFC 5545 ends every content line, the last included, with CRLF.
  return `${cal.toString().replace(/\r\n$/, '')}\r\n`;
}
