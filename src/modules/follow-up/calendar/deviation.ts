import { daysBetween, type IsoDate, parseIsoDate } from 'src/common/time/calendar-date';

/**
 * Protocol deviation of a logged visit: how many days its date lies outside the window.
 * Negative = before windowStart (−1 is the day before the window opens), positive = after
 * windowEnd (+1 is the day after it closes), null = inside the window (bounds included).
 */
export function daysOutsideWindow(
  loggedDate: IsoDate,
  window: { windowStart: IsoDate; windowEnd: IsoDate },
): number | null {
  parseIsoDate(loggedDate);
  if (daysBetween(window.windowStart, window.windowEnd) < 0) {
    throw new RangeError(
      `window ends before it starts: ${window.windowStart}..${window.windowEnd}`,
    );
  }
  const before = daysBetween(window.windowStart, loggedDate);
  if (before < 0) {
    return before;
  }
  const after = daysBetween(window.windowEnd, loggedDate);
  if (after > 0) {
    return after;
  }
  return null;
}

export type Deviation = { daysOutside: number; direction: 'early' | 'late' };

/** The same as `daysOutsideWindow`, with the direction spelled out; null inside the window. */
export function visitDeviation(
  loggedDate: IsoDate,
  window: { windowStart: IsoDate; windowEnd: IsoDate },
): Deviation | null {
  const days = daysOutsideWindow(loggedDate, window);
  if (days === null) {
    return null;
  }
  return { daysOutside: days, direction: days < 0 ? 'early' : 'late' };
}
