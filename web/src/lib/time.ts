import { DateTime, Interval } from 'luxon';

/** The zone used before a site's own is known (the sponsor's: Bergen). */
export const DEFAULT_ZONE = 'Europe/Oslo';

/** An instant shown in a site's time zone, with the zone's abbreviation, e.g. "1 Mar 2026, 11:00 CET". */
export function formatInstant(iso: string | null | undefined, zone: string = DEFAULT_ZONE): string {
  if (!iso) return '—';
  const d = DateTime.fromISO(iso, { zone });
  return d.isValid ? d.toFormat('d LLL yyyy, HH:mm ZZZZ') : iso;
}

/** A calendar date (YYYY-MM-DD, already the site's date): shown as "1 Mar 2026", never shifted. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  return d.isValid ? d.toFormat('d LLL yyyy') : date;
}

/** Today's calendar date at a site. */
export function todayIn(zone: string = DEFAULT_ZONE): string {
  return DateTime.now().setZone(zone).toISODate() ?? '';
}

/** How long since an instant, in words ("3 days", "5 hours", "2 months"). */
export function durationSince(iso: string | null | undefined): string {
  if (!iso) return '—';
  const from = DateTime.fromISO(iso);
  const now = DateTime.now();
  if (!from.isValid || from > now) return 'just now';
  const i = Interval.fromDateTimes(from, now);
  const days = Math.floor(i.length('days'));
  if (days >= 60) return `${Math.floor(i.length('months'))} months`;
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  const hours = Math.floor(i.length('hours'));
  if (hours >= 1) return `${hours} hour${hours === 1 ? '' : 's'}`;
  return `${Math.max(1, Math.floor(i.length('minutes')))} min`;
}

/** Whole days since an instant (for sorting and flags). */
export function daysSince(iso: string | null | undefined): number {
  if (!iso) return 0;
  return Math.max(0, Math.floor(DateTime.now().diff(DateTime.fromISO(iso), 'days').days));
}

/** The calendar day of an instant at a site, e.g. "1 Mar 2026". */
export function formatDayOf(iso: string | null | undefined, zone: string = DEFAULT_ZONE): string {
  if (!iso) return '—';
  const d = DateTime.fromISO(iso, { zone });
  return d.isValid ? d.toFormat('d LLL yyyy') : iso;
}
