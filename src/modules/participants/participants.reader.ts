import { Injectable } from '@nestjs/common';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { type FhirResearchSubjectStatus, fhirStatusOf } from './participant-status';
import { type ParticipantSummaryRow, ParticipantsRepository } from './participants.repository';

/**
 * A participant as other modules may read it: the study id as the only identifier (never identity
 * data) and the pathway status with its FHIR R4 ResearchSubjectStatus (the one mapping,
 * participant-status.ts).
 */
export type ParticipantSummary = {
  id: string;
  trialId: string;
  siteId: string;
  /** Null only while pre-screened (no registration yet), or withdrawn before registration. */
  studyId: string | null;
  fhirStatus: FhirResearchSubjectStatus;
};

const toSummary = (r: ParticipantSummaryRow): ParticipantSummary => ({
  id: r.id,
  trialId: r.trialId,
  siteId: r.siteId,
  studyId: r.studyId,
  fhirStatus: fhirStatusOf(r.status, r.withdrawnFrom),
});

/** What other modules may read of the participants, always within the actor's sites. */
@Injectable()
export class ParticipantsReader {
  constructor(private readonly participants: ParticipantsRepository) {}

  /** The trial's participants the actor may see, in study-id order, `limit` from `offset`. */
  async page(
    actor: Actor,
    trialId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: ParticipantSummary[]; total: number }> {
    const { items, total } = await this.participants.summaries(
      trialId,
      siteScope(actor),
      offset,
      limit,
    );
    return { items: items.map(toSummary), total };
  }

  /** One participant the actor may see, or null (another site's is not found either). */
  async one(actor: Actor, id: string): Promise<ParticipantSummary | null> {
    const row = await this.participants.summary(id, siteScope(actor));
    return row ? toSummary(row) : null;
  }
}
