import { Injectable, OnModuleInit } from '@nestjs/common';
import { ParticipantsService } from 'src/modules/participants/participants.service';
import { FollowUpService } from './follow-up.service';

const FOLLOWED: readonly string[] = ['randomised', 'in_follow_up'];
const ENDS_FOLLOW_UP: readonly string[] = ['withdrawn', 'lost_to_follow_up', 'died', 'completed'];

/**
 * Withdrawal, death, loss to follow-up or completion of a randomised participant cancels the
 * remaining visits in the same transaction as the move; the data already collected stay.
 */
@Injectable()
export class FollowUpParticipantHooks implements OnModuleInit {
  constructor(
    private readonly participants: ParticipantsService,
    private readonly followUp: FollowUpService,
  ) {}

  onModuleInit(): void {
    this.participants.afterTransition(async (uow, participant, move) => {
      if (FOLLOWED.includes(move.from) && ENDS_FOLLOW_UP.includes(move.to)) {
        await this.followUp.cancelRemaining(
          uow,
          participant.id,
          `participant ${move.to.replace(/_/g, ' ')}`,
        );
      }
    });
  }
}
