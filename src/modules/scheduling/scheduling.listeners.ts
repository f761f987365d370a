import { Injectable } from '@nestjs/common';
import { OnDomainEvent, type PayloadOf } from 'src/kernel/events/domain-event';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import {
  ParticipantRandomised,
  RandomisationReadinessWarning,
} from 'src/modules/randomization/randomization.events';
import { SiteCapacityChanging } from 'src/modules/sites/sites.events';
import { BookSlotJob } from './scheduling.jobs';
import { TransplantFacts } from './transplant-facts.api';

/** What the transplant-slot module does when other modules' facts change or they ask it. */
@Injectable()
export class SchedulingListeners {
  constructor(private readonly facts: TransplantFacts) {}

  /** A centre's default capacity changes under the centre's booking lock, never between a booking's reads and writes. */
  @OnDomainEvent(SiteCapacityChanging)
  async capacityChanging(
    uow: UnitOfWork,
    { centreId }: PayloadOf<typeof SiteCapacityChanging>,
  ): Promise<void> {
    await this.facts.lockCentre(uow, centreId);
  }

  /** The arm-agnostic waiting-time warning before randomising (from capacity only). */
  @OnDomainEvent(RandomisationReadinessWarning)
  readinessWarning({ siteId }: { participantId: string; siteId: string }): Promise<string | null> {
    return this.facts.armAReadinessWarning(siteId);
  }

  /** An arm-A allocation books the transplant slot by a job, written with the allocation. */
  @OnDomainEvent(ParticipantRandomised)
  async participantRandomised(
    uow: UnitOfWork,
    { participantId, arm }: PayloadOf<typeof ParticipantRandomised>,
  ): Promise<void> {
    if (arm === 'A') {
      uow.enqueue(BookSlotJob, { participantId });
    }
  }
}
