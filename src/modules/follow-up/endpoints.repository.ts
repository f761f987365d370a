import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RelapseData } from './entities/visit.entity';

export type EndpointParticipant = {
  participantId: string;
  studyId: string | null;
  siteId: string;
  arm: 'A' | 'B';
  randomisedAt: Date;
  timeZone: string;
};

export type EndpointVisit = {
  participantId: string;
  code: string;
  kind: string;
  offsetDays: number | null;
  isEndpoint: boolean;
  mriRebaseline: boolean;
  status: string;
  loggedDate: string | null;
  relapses: RelapseData[] | null;
  edssScore: number | null;
  edssDate: string | null;
  mriDate: string | null;
  mriGdLesions: number | null;
  mriNewT2Lesions: number | null;
};

/**
 * Reads the data NEDA-3 is computed from: production allocations and the visits' clinical reads,
 * on the primary or on the connection given (a replica, for the per-arm aggregate).
 */
@Injectable()
export class EndpointsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Randomised participants (production allocations), one or all, within `sites` (null = all). */
  async participants(
    participantId: string | null,
    sites: readonly string[] | null,
    db: EntityManager = this.dataSource.manager,
  ): Promise<EndpointParticipant[]> {
    return db.query(
      `SELECT a.participant_id AS "participantId", p.study_id AS "studyId", p.site_id AS "siteId", a.arm,
              a.randomised_at AS "randomisedAt", s.time_zone AS "timeZone"
       FROM allocation_directory a JOIN participant_directory p ON p.id = a.participant_id JOIN site_directory s ON s.id = p.site_id
       WHERE a.environment = 'production' AND ($1::uuid IS NULL OR a.participant_id = $1)
         AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[]))
       ORDER BY p.study_id, a.participant_id`,
      [participantId, sites],
    );
  }

  /** For exports: the randomised participants (production allocations) among `participantIds`. */
  async participantsIn(
    participantIds: readonly string[],
    db: EntityManager,
  ): Promise<EndpointParticipant[]> {
    return db.query(
      `SELECT a.participant_id AS "participantId", p.study_id AS "studyId", p.site_id AS "siteId", a.arm,
              a.randomised_at AS "randomisedAt", s.time_zone AS "timeZone"
       FROM allocation_directory a JOIN participant_directory p ON p.id = a.participant_id JOIN site_directory s ON s.id = p.site_id
       WHERE a.environment = 'production' AND a.participant_id = ANY($1::uuid[])`,
      [participantIds],
    );
  }

  /** The visits that carry NEDA data (EDSS, MRI, relapses) or are endpoint visits. */
  async visits(
    participantIds: readonly string[],
    db: EntityManager = this.dataSource.manager,
  ): Promise<EndpointVisit[]> {
    if (participantIds.length === 0) {
      return [];
    }
    return db.query(
      `SELECT v.participant_id AS "participantId", v.code, v.kind, v.offset_days AS "offsetDays", v.is_endpoint AS "isEndpoint",
              v.mri_rebaseline AS "mriRebaseline", v.status, v.logged_date::text AS "loggedDate",
              CASE WHEN v.status = 'logged' THEN v.site_data -> 'relapseAssessment' -> 'relapses' END AS relapses,
              v.edss_score::float8 AS "edssScore", v.edss_date::text AS "edssDate", v.mri_date::text AS "mriDate",
              v.mri_gd_lesions AS "mriGdLesions", v.mri_new_t2_lesions AS "mriNewT2Lesions"
       FROM visits v
       WHERE v.participant_id = ANY($1::uuid[])
         AND (v.edss_score IS NOT NULL OR v.mri_date IS NOT NULL OR v.is_endpoint OR v.site_data IS NOT NULL)`,
      [participantIds],
    );
  }
}
