import { defineEvent } from 'src/kernel/events/domain-event';

/**
 * Domain events of the sites module, raised inside the transaction of the change (see
 * src/kernel/events). Listeners: `grep -rn "OnDomainEvent(SiteCapacity" src`.
 */

/**
 * A quarter's transplant capacity is about to change: raised after the centre's `sites` row is
 * locked and before the new capacity is written. A listener vetoes by throwing (the scheduling
 * module refuses a capacity below the quarter's bookings).
 */
export const SiteCapacityChanging = defineEvent<{
  centreId: string;
  quarter: string;
  capacity: number;
}>('site.capacity-changing');
