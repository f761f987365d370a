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

/**
 * The allocated intervention was discontinued (arm-B drug stopped, transplant not done): off
 * treatment, not off study. Raised after the discontinuation and its audit row are written;
 * scheduling ends an arm-A participant's booking (the place frees); follow-up goes on.
 */
export const InterventionDiscontinued = defineEvent<{
  participantId: string;
  arm: string;
  reasonCode: string;
}>('randomization.intervention-discontinued');

/**
 * A discontinuation was undone (recorded in error): scheduling books an arm-A participant again.
 */
export const InterventionDiscontinuationUndone = defineEvent<{
  participantId: string;
  arm: string;
}>('randomization.intervention-discontinuation-undone');

/**
 * A randomised participant left the study (withdrawn, died, lost to follow-up), raised in the
 * transaction of the move (relayed from the participants module's transition with the arm):
 * scheduling cancels an arm-A participant's live booking so the place goes to the next one.
 */
export const AllocatedParticipantOffStudy = defineEvent<{
  participantId: string;
  arm: string;
  status: string;
}>('randomization.allocated-participant-off-study');
