import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { RandomizationErrors } from './randomization.errors';
import { RandomizationRepository } from './randomization.repository';

export type InterventionReceipt = {
  received: boolean;
  reasonCode: string | null;
  note: string | null;
};

/** Public API of the randomisation module (other modules call it in their own unit of work). */
@Injectable()
export class InterventionReceipts {
  constructor(
    private readonly repo: RandomizationRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Records whether the allocated intervention was received (CONSORT), with a coded reason if not:
   * the one source of that fact (read by others in `allocation_directory`). The investigator
   * records it; scheduling records it for arm A when transplant day 0 is recorded or the
   * transplant is finally not done, and clears it (null) when day 0 is taken back.
   */
  async record(
    uow: UnitOfWork,
    participantId: string,
    r: InterventionReceipt | null,
    reason?: string,
  ): Promise<void> {
    const allocation = await this.repo.allocationOf(participantId, null, uow.em);
    if (!allocation) {
      throw RandomizationErrors.notRandomised();
    }
    if (r === null) {
      const before = await this.repo.lockReceipt(participantId, uow.em);
      if (before) {
        await this.repo.deleteReceipt(participantId, uow.em);
        uow.audit({
          action: 'randomization.intervention_cleared',
          entity: 'participant',
          entityId: participantId,
          before,
          after: null,
          reason,
        });
      }
      return;
    }
    if (!r.received && !r.reasonCode) {
      throw new DomainError(
        'REASON_CODE_REQUIRED',
        'bad_request',
        'reasonCode is required when the intervention was not received',
      );
    }
    const before = await this.repo.lockReceipt(participantId, uow.em);
    if (before && !reason) {
      throw RandomizationErrors.reasonRequired();
    }
    await this.repo.saveReceipt(
      participantId,
      r,
      this.clock.now(),
      RequestContext.actor().id,
      uow.em,
    );
    uow.audit({
      action: 'randomization.intervention_recorded',
      entity: 'participant',
      entityId: participantId,
      before,
      after: r,
      reason,
    });
  }
}
