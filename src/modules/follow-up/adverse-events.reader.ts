import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid } from 'src/common/validation/canonical-uuid.pipe';
import { AdverseEventsRepository } from './adverse-events.repository';
import { type AdverseEventResponse, toAdverseEventResponse } from './follow-up.mapper';

/** What other modules may read of the adverse events. */
@Injectable()
export class AdverseEventsReader {
  constructor(private readonly adverseEvents: AdverseEventsRepository) {}

  /**
   * For exports, through the export's snapshot transaction: the adverse events of a page of
   * participants in recorded order, in the API shape (with the causality assessments per
   * intervention). `asOf` is the snapshot's time (the reporting clocks' state is computed at it).
   * Adverse events reveal the arm: a blinded export must not ask for them.
   */
  async forExport(
    em: EntityManager,
    participantIds: readonly string[],
    asOf: Date,
  ): Promise<Map<string, AdverseEventResponse[]>> {
    const rows = await this.adverseEvents.exportAdverseEvents(em, participantIds);
    const out = new Map<string, AdverseEventResponse[]>(participantIds.map((id) => [id, []]));
    for (const ae of rows) {
      out.get(ae.participantId)?.push(toAdverseEventResponse(ae, asOf));
    }
    return out;
  }

  /**
   * For the audit trail: the participant of each adverse event that belongs to one of `participantIds`
   * or has one of `recordIds` as its id (ids that are not uuids are ignored).
   */
  async recordOwners(
    participantIds: readonly string[],
    recordIds: readonly string[],
  ): Promise<Map<string, string>> {
    const rows = await this.adverseEvents.recordOwners(participantIds, recordIds.filter(isUuid));
    return new Map(rows.map((r) => [r.id, r.participantId]));
  }
}
