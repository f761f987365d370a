import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUuid } from 'src/common/validation/canonical-uuid.pipe';
import type { ParticipantResponseDto } from './dto/participant.dto';
import { toParticipantResponse } from './participants.mapper';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { type FhirResearchSubjectStatus, fhirStatusOf } from './participant-status';
import { type ParticipantSummaryRow, ParticipantsRepository } from './participants.repository';

/** The shape of a study id (e.g. NL-AMS-0001), for other modules' input checks. */
export { STUDY_ID_PATTERN } from './study-id';

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

/** A participant as an export reads it: keys, site, and the record as the API shows it. */
export type ParticipantForExport = {
  id: string;
  studyId: string;
  siteId: string;
  siteCode: string;
  countryCode: string;
  siteTimeZone: string;
  /** The participant's record in the API shape (GET /participants/:id, without pre-screening). */
  record: ParticipantResponseDto;
  /** The follow-up outcome (form `outcome`) once the participant has one, else null. */
  outcome: { outcome: string; reason: string | null } | null;
};

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

  /**
   * For exports, through the export's snapshot transaction: a page of registered participants
   * within `scope` (site ids, null = all) in study-id order after `after` (keyset paging).
   */
  async exportPage(
    em: EntityManager,
    scope: readonly string[] | null,
    after: string | null,
    limit: number,
  ): Promise<ParticipantForExport[]> {
    const rows = await this.participants.exportPage(em, scope, after, limit);
    const outcomes = new Map(
      rows.length === 0
        ? []
        : (
            await this.participants.exportOutcomes(
              em,
              rows.map((p) => p.id),
            )
          ).map((o) => [o.participantId, { outcome: o.outcome, reason: o.reason }]),
    );
    return rows.map((p) => ({
      id: p.id,
      studyId: p.studyId as string,
      siteId: p.siteId,
      siteCode: p.siteCode,
      countryCode: p.countryCode,
      siteTimeZone: p.siteTimeZone,
      record: toParticipantResponse(p),
      outcome: outcomes.get(p.id) ?? null,
    }));
  }

  /** For exports: how many participants `exportPage` walks through. */
  exportCount(em: EntityManager, scope: readonly string[] | null): Promise<number> {
    return this.participants.exportCount(em, scope);
  }

  /**
   * For the audit trail (monitors and admins see every site): the study id of each participant
   * with one of `ids` (other ids, and participants without a study id yet, are left out).
   */
  async studyIds(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.participants.studyIds(ids.filter(isUuid), null);
    return new Map(rows.map((r) => [r.id, r.studyId]));
  }

  /** For the audit trail: the id of the participant with this study id, or null. */
  async idOfStudyId(studyId: string): Promise<string | null> {
    const [row] = await this.participants.studyIds([], studyId);
    return row?.id ?? null;
  }
}
