import { defineEvent } from 'src/kernel/events/domain-event';
import type { RegistrationStage } from './dto/participant.dto';
import type { Transition } from './participant-status';
import type { ParticipantEntity } from './participant.entity';

/**
 * Domain events of the participants module, raised inside the transaction of the change (see
 * src/kernel/events). Listeners: `grep -rn "OnDomainEvent(Participant" src`.
 */

/**
 * A participant was registered (or pre-screened): after the identity is stored, before the history
 * row. `byActorId` is who registered them (null: the public pre-screening page, or the system).
 */
export const ParticipantRegistered = defineEvent<{
  participantId: string;
  siteId: string;
  /** The site as people name it, e.g. NL-AMS. */
  siteLabel: string;
  stage: RegistrationStage;
  byActorId: string | null;
}>('participant.registered');

/** The identity record was corrected; `changed` lists the changed fields (e.g. `birthDate`). */
export const ParticipantIdentityChanged = defineEvent<{
  participantId: string;
  changed: string[];
}>('participant.identity-changed');

/**
 * A pathway move was written (status, history and audit row); `participant` is the row after it
 * (e.g. follow-up cancels the remaining visits when a randomised participant is withdrawn).
 */
export const ParticipantTransitioned = defineEvent<{
  participant: ParticipantEntity;
  move: Transition;
}>('participant.transitioned');
