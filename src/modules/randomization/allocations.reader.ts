import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AllocationResponseDto } from './dto/randomization.dto';
import { toAllocationResponse } from './randomization.mapper';
import type { Actor } from 'src/common/context/request-context';
import { ARM_REVEALING } from 'src/common/context/roles';
import { siteScope } from 'src/common/context/site-scope';
import { RandomizationRepository } from './randomization.repository';

/** A participant's production allocation as other modules may read it. */
export type ArmOf = {
  /** The allocated arm code ('A' | 'B'). */
  arm: string;
  /** Whether the allocated intervention was received (CONSORT); null while not recorded. */
  received: boolean | null;
};

/**
 * What other modules may read of the allocations: arms, only for a role that may see them (never
 * a blinded one: its answer is empty), and only within the actor's sites.
 */
@Injectable()
export class AllocationsReader {
  constructor(private readonly repo: RandomizationRepository) {}

  /** The arms of those of `participantIds` the actor may see, by participant id. */
  async armsOf(actor: Actor, participantIds: readonly string[]): Promise<Map<string, ArmOf>> {
    if (actor.role === 'system' || !ARM_REVEALING.includes(actor.role)) {
      return new Map();
    }
    const rows = await this.repo.armsOf(participantIds, siteScope(actor));
    return new Map(rows.map((r) => [r.participantId, { arm: r.arm, received: r.received }]));
  }

  /**
   * For exports, through the export's snapshot transaction: the production allocation of each of
   * `participantIds` in the API shape (with the arm-B drug, receipt and discontinuation), as the
   * statistician sees it. The export leaves out what a blinded export may not show.
   */
  async forExport(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<Map<string, AllocationResponseDto>> {
    const rows = await this.repo.exportAllocations(em, participantIds);
    const reader = { id: null, role: 'statistician', siteIds: [], trialWide: true } as const;
    return new Map(rows.map((r) => [r.participantId, toAllocationResponse(r, reader)]));
  }
}
