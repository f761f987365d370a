import { Injectable } from '@nestjs/common';
import { OnDomainEvent, type PayloadOf } from 'src/kernel/events/domain-event';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import {
  AllocatedParticipantOffStudy,
  InterventionDiscontinuationUndone,
  InterventionDiscontinued,
  ParticipantRandomised,
  RandomisationReadinessWarning,
} from 'src/modules/randomization/randomization.events';
import { SiteCapacityChanging } from 'src/modules/sites/sites.events';
import { BookingEngineService } from './booking-engine.service';
import { BookSlotJob, FillCentreJob } from './scheduling.jobs';
import { TransplantFacts } from './transplant-facts.api';
import { Clock } from 'src/common/clock/clock';

/** What the transplant-slot module does when other modules' facts change or they ask it. */
@Injectable()
export class SchedulingListeners {
  constructor(
    private readonly facts: TransplantFacts,
    private readonly engine: BookingEngineService,
    private readonly clock: Clock,
  ) {}

  /**
   * A centre's default capacity changes under the centre's booking lock, never between a booking's
   * reads and writes; once it is written, a job gives any new places to the longest-waiting.
   */
  @OnDomainEvent(SiteCapacityChanging)
  async capacityChanging(
    uow: UnitOfWork,
    { centreId, defaultQuarterlyCapacity }: PayloadOf<typeof SiteCapacityChanging>,
  ): Promise<void> {
    await this.facts.lockCentre(uow, centreId);
    uow.enqueue(
      FillCentreJob,
      { centreId },
      { at: this.clock.now().toISOString(), capacity: defaultQuarterlyCapacity },
    );
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

  /**
   * Slots follow the participant: withdrawal, death or loss to follow-up cancels the live booking
   * in the same transaction (the place frees, the longest-waiting moves up, the calendar event
   * becomes cancelled). A transplant already given stays on record.
   */
  @OnDomainEvent(AllocatedParticipantOffStudy)
  async participantOffStudy(
    uow: UnitOfWork,
    { participantId, arm, status }: PayloadOf<typeof AllocatedParticipantOffStudy>,
  ): Promise<void> {
    if (arm !== 'A') {
      return;
    }
    await this.engine.endForParticipant(uow, participantId, {
      status: 'cancelled',
      reason: `Participant ${status.replace(/_/g, ' ')}`,
      action: 'scheduling.booking_cancelled',
    });
  }

  /**
   * Off treatment, not off study: an arm-A participant whose intervention is discontinued gives
   * the transplant place back (the booking ends as not done); the visit schedule stays.
   */
  @OnDomainEvent(InterventionDiscontinued)
  async interventionDiscontinued(
    uow: UnitOfWork,
    { participantId, arm, reasonCode }: PayloadOf<typeof InterventionDiscontinued>,
  ): Promise<void> {
    if (arm !== 'A') {
      return;
    }
    await this.engine.endForParticipant(uow, participantId, {
      status: 'not_done',
      reason: `Allocated intervention discontinued (${reasonCode.replace(/_/g, ' ')})`,
      action: 'scheduling.booking_not_done',
    });
  }

  /** A discontinuation undone: the arm-A participant is booked again (earliest free quarter). */
  @OnDomainEvent(InterventionDiscontinuationUndone)
  async discontinuationUndone(
    uow: UnitOfWork,
    { participantId, arm }: PayloadOf<typeof InterventionDiscontinuationUndone>,
  ): Promise<void> {
    if (arm === 'A') {
      await this.engine.rebookInTransaction(uow, participantId);
    }
  }
}
