import { defineEvent } from 'src/kernel/events/domain-event';

/**
 * Domain events of the scheduling module, raised inside the transaction of the change (see
 * src/kernel/events). Listeners: `grep -rn "OnDomainEvent(Transplant" src`.
 */

/**
 * Transplant day 0 was recorded, moved or cleared (`day0` null); `version` is the booking's version
 * after the change (follow-up re-anchors the arm-A visits on it).
 */
export const TransplantDay0Changed = defineEvent<{
  participantId: string;
  day0: string | null;
  version: number;
}>('scheduling.transplant-day0-changed');
