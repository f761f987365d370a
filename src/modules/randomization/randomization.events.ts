import { defineEvent, defineQuery } from 'src/kernel/events/domain-event';

/**
 * Domain events and queries of the randomization module (see src/kernel/events). Listeners:
 * `grep -rn "OnDomainEvent(Randomisation" src`.
 */

/**
 * Before randomising: other modules each add an arm-agnostic warning, or null (the transplant-slot
 * module adds the waiting-time warning). An answer must not depend on, or reveal, the next
 * allocation. Asked outside any transaction; the listeners run in parallel.
 */
export const RandomisationReadinessWarning = defineQuery<
  { participantId: string; siteId: string },
  string
>('randomization.readiness-warning');

/**
 * A participant was allocated (production), after the allocation and its audit row are written:
 * follow-up writes the schedule-generation job, scheduling the slot booking of an arm-A participant.
 */
export const ParticipantRandomised = defineEvent<{ participantId: string; arm: string }>(
  'randomization.participant-randomised',
);
