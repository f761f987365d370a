import { Injectable } from '@nestjs/common';
import { OnDomainEvent, type PayloadOf } from 'src/kernel/events/domain-event';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { ParticipantTransitioned } from 'src/modules/participants/participants.events';
import { FollowUpService } from './follow-up.service';

const FOLLOWED: readonly string[] = ['randomised', 'in_follow_up'];
const ENDS_FOLLOW_UP: readonly string[] = ['withdrawn', 'lost_to_follow_up', 'died', 'completed'];

/** What the follow-up module does when other modules' facts change, inside their transaction. */
@Injectable()
export class FollowUpListeners {
  constructor(private readonly followUp: FollowUpService) {}

  /**
   * Withdrawal, death, loss to follow-up or completion of a randomised participant cancels the
   * remaining visits in the same transaction as the move; the data already collected stay.
   */
  @OnDomainEvent(ParticipantTransitioned)
  async participantMoved(
    uow: UnitOfWork,
    { participant, move }: PayloadOf<typeof ParticipantTransitioned>,
  ): Promise<void> {
    if (FOLLOWED.includes(move.from) && ENDS_FOLLOW_UP.includes(move.to)) {
      await this.followUp.cancelRemaining(
        uow,
        participant.id,
        `participant ${move.to.replace(/_/g, ' ')}`,
      );
    }
  }
}
