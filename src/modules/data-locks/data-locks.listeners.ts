import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { OnDomainEvent, type PayloadOf } from 'src/kernel/events/domain-event';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { ParticipantTransitioned } from 'src/modules/participants/participants.events';
import { DataLocksRepository } from './data-locks.repository';

const FOLLOWED: readonly string[] = ['randomised', 'in_follow_up'];
const ENDS_FOLLOW_UP: readonly string[] = ['withdrawn', 'lost_to_follow_up', 'died', 'completed'];

/** What the data-locks module does when other modules' facts change, inside their transaction. */
@Injectable()
export class DataLocksListeners {
  constructor(
    private readonly repo: DataLocksRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * The end of a randomised participant's follow-up (completed, lost to follow-up, died or
   * withdrawn) freezes the records recorded so far; taking that step back releases the freeze.
   */
  @OnDomainEvent(ParticipantTransitioned)
  async participantMoved(
    uow: UnitOfWork,
    { participant, move }: PayloadOf<typeof ParticipantTransitioned>,
  ): Promise<void> {
    const now = this.clock.now();
    if (FOLLOWED.includes(move.from) && ENDS_FOLLOW_UP.includes(move.to)) {
      const reason = `end of follow-up (${move.to.replace(/_/g, ' ')})`;
      await this.repo.freezeParticipant(participant.id, now, reason, uow.em);
      uow.audit({
        action: 'data-lock.participant_frozen',
        entity: 'participant',
        entityId: participant.id,
        after: { frozenAt: now.toISOString(), reason },
      });
    } else if (ENDS_FOLLOW_UP.includes(move.from) && FOLLOWED.includes(move.to)) {
      if (await this.repo.releaseParticipant(participant.id, now, uow.em)) {
        uow.audit({
          action: 'data-lock.participant_released',
          entity: 'participant',
          entityId: participant.id,
          after: { releasedAt: now.toISOString(), status: move.to },
        });
      }
    }
  }
}
