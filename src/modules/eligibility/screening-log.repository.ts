import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ParticipantStatus } from 'src/modules/participants/participant-status';
import type { WithdrawalInitiator } from 'src/modules/participants/participant.entity';
import type { Decision } from './eligibility.entity';

export type ScreeningLogFilter = {
  siteId?: string;
  status?: ParticipantStatus;
  decision?: Decision;
  exclusionCode?: string;
  /** Registration dates, inclusive, as calendar dates in each site's time zone. */
  from?: string;
  to?: string;
};

export type ScreeningLogRow = {
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  status: ParticipantStatus;
  statusChangedAt: Date;
  registeredAt: Date | null;
  createdAt: Date;
  episodeNo: number;
  decision: Decision | null;
  decidedAt: Date | null;
  assessmentDate: string | null;
  criteriaSetId: string | null;
  exclusionCodes: string[];
  consentDate: string | null;
  withdrawnAt: Date | null;
  withdrawnFrom: ParticipantStatus | null;
  withdrawalInitiatedBy: WithdrawalInitiator | null;
  withdrawalReason: string | null;
  screenFailureReason: string | null;
  screenFailureStage: string | null;
  screenFailureDetail: string | null;
  screenFailureDate: string | null;
  consortExclusion: string | null;
};

export type ConsortCounts = {
  assessedForEligibility: number;
  excluded: number;
  notMeetingCriteria: number;
  declined: number;
  other: number;
  /** Of the excluded: screen failures recorded as such (phone check, records review, visit). */
  screenFailures: number;
  /** Of the excluded: withdrawals (consent withdrawn) before randomisation. */
  withdrawn: number;
  inScreening: number;
  randomised: number;
};

const BASE = `FROM participant_directory p
  JOIN site_directory s ON s.id = p.site_id
  LEFT JOIN screening_episodes e ON e.participant_id = p.id AND e.episode_no = p.current_episode
  LEFT JOIN eligibility_assessments a ON a.id = e.decided_assessment_id`;

/** Before randomisation: a withdrawal from one of these is an exclusion in the CONSORT flow. */
const PRE_RANDOMISATION = `('pre_screened','registered','phone_check_done','records_reviewed','screening_visit_planned',
  'screening_visit_done','eligible','ineligible','consented','screen_failed')`;

/**
 * The screening log and the CONSORT enrolment numbers: a report over participants, their current
 * screening episode and its deciding assessment (read-only; site scope applied in the query).
 */
@Injectable()
export class ScreeningLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  private where(
    filter: ScreeningLogFilter,
    scope: readonly string[] | null,
    withRowFilters: boolean,
  ): { clause: string; params: unknown[] } {
    const params: unknown[] = [scope];
    const where = ['($1::uuid[] IS NULL OR p.site_id = ANY($1::uuid[]))'];
    if (filter.siteId) {
      where.push(`p.site_id = $${params.push(filter.siteId)}`);
    }
    if (filter.from) {
      where.push(
        `p.registered_at >= ($${params.push(filter.from)}::date)::timestamp AT TIME ZONE s.time_zone`,
      );
    }
    if (filter.to) {
      where.push(
        `p.registered_at < ($${params.push(filter.to)}::date + 1)::timestamp AT TIME ZONE s.time_zone`,
      );
    }
    if (withRowFilters) {
      if (filter.status) {
        where.push(`p.status = $${params.push(filter.status)}`);
      }
      if (filter.decision) {
        where.push(`e.decision = $${params.push(filter.decision)}`);
      }
      if (filter.exclusionCode) {
        where.push(`$${params.push(filter.exclusionCode)} = ANY(e.exclusion_codes)`);
      }
    }
    return { clause: `WHERE ${where.join(' AND ')}`, params };
  }

  async rows(
    filter: ScreeningLogFilter,
    scope: readonly string[] | null,
    page: number,
    pageSize: number,
  ): Promise<{ items: ScreeningLogRow[]; total: number }> {
    const { clause, params } = this.where(filter, scope, true);
    const [items, count] = await Promise.all([
      this.dataSource.query(
        `SELECT p.id AS "participantId", p.study_id AS "studyId", p.site_id AS "siteId", s.country_code || '-' || s.code AS "siteLabel",
                p.status, p.status_changed_at AS "statusChangedAt", p.registered_at AS "registeredAt", p.created_at AS "createdAt",
                p.current_episode AS "episodeNo", e.decision, e.decided_at AS "decidedAt", a.assessment_date::text AS "assessmentDate",
                a.criteria_set_id AS "criteriaSetId", COALESCE(e.exclusion_codes, '{}') AS "exclusionCodes",
                e.consent_date::text AS "consentDate", p.withdrawn_at AS "withdrawnAt", p.withdrawn_from AS "withdrawnFrom",
                p.withdrawal_initiated_by AS "withdrawalInitiatedBy", p.withdrawal_reason AS "withdrawalReason",
                p.screen_failure_reason AS "screenFailureReason", p.screen_failure_stage AS "screenFailureStage",
                p.screen_failure_detail AS "screenFailureDetail", p.screen_failure_date::text AS "screenFailureDate",
                p.consort_exclusion AS "consortExclusion"
         ${BASE} ${clause}
         ORDER BY coalesce(p.registered_at, p.created_at) DESC, p.id
         LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      ) as Promise<ScreeningLogRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n ${BASE} ${clause}`, params) as Promise<
        { n: number }[]
      >,
    ]);
    return { items, total: count[0].n };
  }

  /** Participants whose current episode was decided ineligible, per coded exclusion reason. */
  async exclusionCounts(
    filter: ScreeningLogFilter,
    scope: readonly string[] | null,
  ): Promise<{ code: string; count: number }[]> {
    const { clause, params } = this.where(filter, scope, true);
    return this.dataSource.query(
      `SELECT code, count(*)::int AS count
       FROM (SELECT e.exclusion_codes ${BASE} ${clause} AND e.decision = 'ineligible') f, unnest(f.exclusion_codes) AS code
       GROUP BY code ORDER BY count DESC, code`,
      params,
    );
  }

  /**
   * CONSORT enrolment numbers over registered participants (site and date filters only):
   * assessed = registered; excluded = not meeting criteria + declined + other, as coded in
   * `participant_directory.consort_exclusion` (the one derivation, which CONSORT reads too: a
   * screen failure as recorded; an ineligible decision; a withdrawal before randomisation as
   * declined when the participant ended it, else other); randomised = reached randomisation.
   */
  async consort(
    filter: ScreeningLogFilter,
    scope: readonly string[] | null,
  ): Promise<ConsortCounts> {
    const { clause, params } = this.where(filter, scope, false);
    const preWithdrawn = `p.status = 'withdrawn' AND p.withdrawn_from IN ${PRE_RANDOMISATION}`;
    const [row]: ConsortCounts[] = await this.dataSource.query(
      `SELECT count(*)::int AS "assessedForEligibility",
              count(*) FILTER (WHERE p.consort_exclusion = 'not_meeting_criteria')::int AS "notMeetingCriteria",
              count(*) FILTER (WHERE p.consort_exclusion = 'declined')::int AS "declined",
              count(*) FILTER (WHERE p.consort_exclusion = 'other')::int AS "other",
              count(*) FILTER (WHERE p.consort_exclusion IS NOT NULL AND (p.status = 'screen_failed' OR p.withdrawn_from = 'screen_failed'))::int AS "screenFailures",
              count(*) FILTER (WHERE p.consort_exclusion IS NOT NULL AND p.status = 'withdrawn')::int AS "withdrawn",
              count(*) FILTER (WHERE p.status NOT IN ${PRE_RANDOMISATION} AND NOT (${preWithdrawn}))::int AS "randomised"
       ${BASE} ${clause} AND p.registered_at IS NOT NULL`,
      params,
    );
    const excluded = row.notMeetingCriteria + row.declined + row.other;
    return {
      ...row,
      excluded,
      inScreening: row.assessedForEligibility - excluded - row.randomised,
    };
  }
}
