import { defineEvent } from 'src/kernel/events/domain-event';

/**
 * Domain events of the sites module, raised inside the transaction of the change (see
 * src/kernel/events). Listeners: `grep -rn "OnDomainEvent(SiteCapacity" src`.
 */

/**
 * A transplant centre's default quarterly capacity is about to change: raised after the site row
 * is locked and before the new default is written. The scheduling module takes the centre's
 * booking lock here, so the change and bookings happen one after the other (the database refuses a
 * default below a quarter's places taken).
 */
export const SiteCapacityChanging = defineEvent<{
  centreId: string;
  defaultQuarterlyCapacity: number;
}>('site.capacity-changing');
