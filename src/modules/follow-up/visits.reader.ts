import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid } from 'src/common/validation/canonical-uuid.pipe';
import { type VisitResponse, toVisitResponse } from './follow-up.mapper';
import { VisitsRepository } from './visits.repository';

/** What other modules may read of the follow-up visits. */
@Injectable()
export class VisitsReader {
  constructor(private readonly visits: VisitsRepository) {}

  /**
   * For exports, through the export's snapshot transaction: the visits of a page of participants
   * in schedule order, in the API shape (schedule, the site's log under `siteData`, EDSS and
   * MRI). `blinded` leaves arm-A visits out (the export leaves out arm-revealing items itself).
   */
  async forExport(
    em: EntityManager,
    participantIds: readonly string[],
    blinded: boolean,
  ): Promise<Map<string, VisitResponse[]>> {
    const rows = await this.visits.exportVisits(em, participantIds, blinded);
    const out = new Map<string, VisitResponse[]>(participantIds.map((id) => [id, []]));
    for (const v of rows) {
      out.get(v.participantId)?.push(toVisitResponse(v));
    }
    return out;
  }

  /**
   * For the audit trail: the participant of each visit and protocol deviation that belongs to one of `participantIds`
   * or has one of `recordIds` as its id (ids that are not uuids are ignored).
   */
  async recordOwners(
    participantIds: readonly string[],
    recordIds: readonly string[],
  ): Promise<Map<string, string>> {
    const rows = await this.visits.recordOwners(participantIds, recordIds.filter(isUuid));
    return new Map(rows.map((r) => [r.id, r.participantId]));
  }
}
