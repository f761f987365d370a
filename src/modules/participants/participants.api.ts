import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import type { ParticipantEntity } from './participant.entity';
import { ParticipantsService, type Scope } from './participants.service';

export type { ParticipantEntity } from './participant.entity';
/** The states in which a participant's follow-up has ended (nothing leaves them). */
export { TERMINAL_STATUSES } from './participant-status';

/** Public API of the participants module for use cases of other modules (in their own unit of work). */
@Injectable()
export class ParticipantsApi {
  constructor(private readonly participants: ParticipantsService) {}

  /** The participant row locked FOR UPDATE in the caller's transaction (404 outside `scope`). */
  lock(uow: UnitOfWork, id: string, scope: Scope = null): Promise<ParticipantEntity> {
    return this.participants.lock(uow, id, scope);
  }

  /** Today's calendar date at a site (IANA zone). */
  today(timeZone: string): string {
    return this.participants.today(timeZone);
  }
}
