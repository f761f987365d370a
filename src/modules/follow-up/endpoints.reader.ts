import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EndpointForExport, EndpointsService } from './endpoints.service';

export type { EndpointForExport } from './endpoints.service';

/** What other modules may read of the derived endpoints. */
@Injectable()
export class EndpointsReader {
  constructor(private readonly endpoints: EndpointsService) {}

  /**
   * For exports, through the export's snapshot transaction: NEDA-3 per endpoint week of each
   * randomised participant of a page, computed for the page (the arm is never part of it).
   */
  forExport(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<Map<string, EndpointForExport[]>> {
    return this.endpoints.forExport(em, participantIds);
  }
}
