import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { assertPlausibleDates } from 'src/common/fields/date-rules';
import { ParticipantDates } from 'src/modules/participants/participant-dates.api';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { InterventionReceipts } from './intervention-receipts.api';
import { RandomizationErrors } from './randomization.errors';
import {
  InterventionDiscontinuationUndone,
  InterventionDiscontinued,
} from './randomization.events';
import { type AllocationRow, RandomizationRepository } from './randomization.repository';

/** The receipt an arm-A discontinuation records: the transplant will not be done. */
const TRANSPLANT_NOT_DONE = 'transplant_not_done';

export type DiscontinuationInput = { date: string; reasonCode: string; note: string | null };

/**
 * Discontinuation of the allocated intervention (arm-B drug stopped; transplant not done), apart
 * from withdrawal of consent: the participant stays in the study and in follow-up (intention to
 * treat), CONSORT counts them as "discontinued intervention". One live discontinuation per
 * participant; undoing it needs a reason and keeps the row. Arm A: the booking ends (scheduling
 * listens) and the receipt says the transplant was not done.
 */
@Injectable()
export class InterventionDiscontinuationService {
  constructor(
    private readonly repo: RandomizationRepository,
    private readonly receipts: InterventionReceipts,
    private readonly events: DomainEvents,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly dates: ParticipantDates,
  ) {}

  async discontinue(
    participantId: string,
    input: DiscontinuationInput,
    actor: Actor,
  ): Promise<AllocationRow> {
    const scope = siteScope(actor);
    await this.tx.run(async (uow) => {
      const a = await this.repo.allocationOf(participantId, scope, uow.em);
      if (!a) {
        throw RandomizationErrors.notRandomised();
      }
      await this.repo.lockAllocation(participantId, uow.em);
      const live = await this.repo.lockDiscontinuation(participantId, uow.em);
      if (live) {
        throw RandomizationErrors.alreadyDiscontinued(live.date);
      }
      const now = this.clock.now();
      await assertPlausibleDates(
        [{ item: 'intervention.discontinuedOn', path: 'date', value: input.date }],
        await this.dates.facts(participantId, uow.em),
      );
      const receipt = await this.repo.lockReceipt(participantId, uow.em);
      if (a.arm === 'A' && receipt?.received === true) {
        throw RandomizationErrors.alreadyTransplanted();
      }
      const id = await this.repo.insertDiscontinuation(
        { participantId, ...input },
        now,
        actor.id,
        uow.em,
      );
      uow.audit({
        action: 'randomization.intervention_discontinued',
        entity: 'participant',
        entityId: participantId,
        before: null,
        after: { discontinuationId: id, ...input },
      });
      if (a.arm === 'A' && !receipt) {
        await this.receipts.record(
          uow,
          participantId,
          { received: false, reasonCode: TRANSPLANT_NOT_DONE, note: input.note },
          'allocated intervention discontinued before the transplant',
        );
      }
      await this.events.publish(uow, InterventionDiscontinued, {
        participantId,
        arm: a.arm,
        reasonCode: input.reasonCode,
      });
    });
    return this.get(participantId, scope);
  }

  async undo(participantId: string, reason: string, actor: Actor): Promise<AllocationRow> {
    const scope = siteScope(actor);
    await this.tx.run(async (uow) => {
      const a = await this.repo.allocationOf(participantId, scope, uow.em);
      if (!a) {
        throw RandomizationErrors.notRandomised();
      }
      await this.repo.lockAllocation(participantId, uow.em);
      const live = await this.repo.lockDiscontinuation(participantId, uow.em);
      if (!live) {
        throw RandomizationErrors.notDiscontinued();
      }
      await this.repo.undoDiscontinuation(live.id, reason, this.clock.now(), actor.id, uow.em);
      uow.audit({
        action: 'randomization.intervention_discontinuation_undone',
        entity: 'participant',
        entityId: participantId,
        before: {
          discontinuationId: live.id,
          date: live.date,
          reasonCode: live.reasonCode,
          note: live.note,
        },
        after: null,
        reason,
      });
      const receipt = await this.repo.lockReceipt(participantId, uow.em);
      if (
        a.arm === 'A' &&
        receipt?.received === false &&
        receipt.reasonCode === TRANSPLANT_NOT_DONE
      ) {
        await this.receipts.record(uow, participantId, null, `discontinuation undone: ${reason}`);
      }
      await this.events.publish(uow, InterventionDiscontinuationUndone, {
        participantId,
        arm: a.arm,
      });
    });
    return this.get(participantId, scope);
  }

  private async get(
    participantId: string,
    scope: readonly string[] | null,
  ): Promise<AllocationRow> {
    const a = await this.repo.allocationOf(participantId, scope);
    if (!a) {
      throw RandomizationErrors.notRandomised();
    }
    return a;
  }
}
