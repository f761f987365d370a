import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AssessmentResponseDto } from './dto/eligibility.dto';
import type { ScreeningEpisodeResponseDto } from './dto/screening.dto';
import { toAssessmentResponse, toEpisodeResponse } from './eligibility.mapper';
import { EligibilityRepository } from './eligibility.repository';

/** A participant's screening and eligibility records as an export reads them (API shapes). */
export type EligibilityForExport = {
  /** Every screening episode, oldest first (the last one is the current screening record). */
  episodes: ScreeningEpisodeResponseDto[];
  /** Every eligibility assessment, oldest first, with its signature. */
  assessments: AssessmentResponseDto[];
};

/** What other modules may read of screening and eligibility. */
@Injectable()
export class EligibilityReader {
  constructor(private readonly repo: EligibilityRepository) {}

  /** For exports, through the export's snapshot transaction: the records of a page of participants. */
  async forExport(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<Map<string, EligibilityForExport>> {
    const episodes = await this.repo.exportEpisodes(em, participantIds);
    const assessments = await this.repo.exportAssessments(em, participantIds);
    const out = new Map<string, EligibilityForExport>(
      participantIds.map((id) => [id, { episodes: [], assessments: [] }]),
    );
    const last = new Map<string, number>();
    for (const e of episodes) {
      last.set(e.participantId, Math.max(last.get(e.participantId) ?? 0, e.episodeNo));
    }
    for (const e of episodes) {
      out.get(e.participantId)?.episodes.push(toEpisodeResponse(e, last.get(e.participantId) ?? 0));
    }
    for (const a of assessments) {
      out.get(a.participantId)?.assessments.push(toAssessmentResponse(a, false));
    }
    return out;
  }

  /** For exports: the protocol (criteria-set) versions in use, oldest first. */
  protocolVersions(em: EntityManager): Promise<{ version: string; label: string }[]> {
    return this.repo.exportCriteriaVersions(em);
  }
}
