import { Injectable } from '@nestjs/common';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { OnDomainEvent, type PayloadOf } from 'src/kernel/events/domain-event';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { ParticipantTransitioned } from 'src/modules/participants/participants.events';
import { AllocatedParticipantOffStudy } from './randomization.events';
import { RandomizationRepository } from './randomization.repository';

/** Moves that take a randomised participant off the study. */
const OFF_STUDY: readonly string[] = ['withdrawn', 'lost_to_follow_up', 'died'];

/** What the randomisation module does when other modules' facts change, inside their transaction. */
@Injectable()
export class RandomizationListeners {
  constructor(
    private readonly repo: RandomizationRepository,
    private readonly events: DomainEvents,
  ) {}

  /**
   * A participant with an allocation left the study: tells the modules that act on the arm
   * (scheduling frees an arm-A transplant place), in the same transaction.
   */
  @OnDomainEvent(ParticipantTransitioned)
  async participantMoved(
    uow: UnitOfWork,
    { participant, move }: PayloadOf<typeof ParticipantTransitioned>,
  ): Promise<void> {
    if (!OFF_STUDY.includes(move.to)) {
      return;
    }
    const a = await this.repo.allocationOf(participant.id, null, uow.em);
    if (!a) {
      return;
    }
    await this.events.publish(uow, AllocatedParticipantOffStudy, {
      participantId: participant.id,
      arm: a.arm,
      status: move.to,
    });
  }
}
