import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { validationFailed } from 'src/common/errors/domain-error';
import type { Actor } from 'src/common/context/request-context';
import type { Page } from 'src/common/validation/page';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/common/context/site-scope';
import { ParticipantsService } from 'src/modules/participants/participants.service';
import { RandomizationRepository } from './randomization.repository';

export type UnblindingInput = {
  participantId: string;
  disclosedTo: string | null;
  disclosedToRole: string;
  kind: 'accidental' | 'emergency';
  occurredAt: Date;
  reason: string;
  impact: string;
};

/** The unblinding register (ICH E6(R3)): who learned an allocation they should not have, when, why, impact. */
@Injectable()
export class UnblindingService {
  constructor(
    private readonly repo: RandomizationRepository,
    private readonly participants: ParticipantsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async record(input: UnblindingInput, actor: Actor): Promise<{ id: string }> {
    await this.participants.get(input.participantId, siteScope(actor));
    const now = this.clock.now();
    if (input.occurredAt.getTime() > now.getTime()) {
      throw validationFailed([
        {
          path: 'occurredAt',
          code: 'DATE_IN_FUTURE',
          message: `must not be in the future (now is ${now.toISOString()})`,
          params: { now: now.toISOString() },
        },
      ]);
    }
    const id = await this.tx.run(async (uow) => {
      const id = await this.repo.insertUnblinding(input, this.clock.now(), actor.id, uow.em);
      uow.audit({
        action: 'randomization.unblinding_recorded',
        entity: 'participant',
        entityId: input.participantId,
        after: {
          id,
          disclosedTo: input.disclosedTo,
          disclosedToRole: input.disclosedToRole,
          kind: input.kind,
          occurredAt: input.occurredAt,
          impact: input.impact,
        },
        reason: input.reason,
      });
      return id;
    });
    return { id };
  }

  async list(actor: Actor, page: number, pageSize: number): Promise<Page<unknown>> {
    const { items, total } = await this.repo.unblindings(siteScope(actor), page, pageSize);
    return { items, total, page, pageSize };
  }
}
