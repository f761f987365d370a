import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type ReconsentPendingRow = {
  participantId: string;
  studyId: string | null;
  siteId: string;
  siteLabel: string;
  status: string;
  consentedVersion: string;
  consentedOn: string;
};

/** Statuses of participants who have consented and are still in the trial. */
const CONSENTED = `('consented', 'randomised', 'in_follow_up')`;

/** The latest consent of the current episode: the last re-consent, else the first consent. */
const LATEST = `coalesce(
    (SELECT r.consent_version FROM consent_renewals r WHERE r.participant_id = p.id AND r.episode_id = e.id
      ORDER BY r.consent_date DESC, r.recorded_at DESC LIMIT 1), e.consent_version)`;
const LATEST_DATE = `coalesce(
    (SELECT r.consent_date FROM consent_renewals r WHERE r.participant_id = p.id AND r.episode_id = e.id
      ORDER BY r.consent_date DESC, r.recorded_at DESC LIMIT 1), e.consent_date)`;

/** Re-consent after a protocol amendment (consent_renewals), and who still needs it. */
@Injectable()
export class ConsentRenewalRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** Consented participants (in scope) whose latest consent is not `currentVersion`. */
  pending(
    currentVersion: string,
    scope: readonly string[] | null,
    siteId: string | null,
  ): Promise<ReconsentPendingRow[]> {
    return this.m().query(
      `SELECT p.id AS "participantId", p.study_id AS "studyId", p.site_id AS "siteId", s.label AS "siteLabel",
              p.status, ${LATEST} AS "consentedVersion", (${LATEST_DATE})::text AS "consentedOn"
       FROM participant_directory p
       JOIN site_directory s ON s.id = p.site_id
       JOIN screening_episodes e ON e.participant_id = p.id AND e.episode_no = p.current_episode
       WHERE p.status IN ${CONSENTED} AND e.consent_version IS NOT NULL
         AND ($2::uuid[] IS NULL OR p.site_id = ANY($2::uuid[])) AND ($3::uuid IS NULL OR p.site_id = $3)
         AND ${LATEST} IS DISTINCT FROM $1
       ORDER BY s.label, p.study_id`,
      [currentVersion, scope, siteId],
    );
  }

  /** The latest consent (version, date) of the participant's current episode, or null. */
  async latest(
    participantId: string,
    episodeNo: number,
    em: EntityManager,
  ): Promise<{ episodeId: string; version: string; date: string } | null> {
    const rows: { episodeId: string; version: string | null; date: string | null }[] =
      await em.query(
        `SELECT e.id AS "episodeId", ${LATEST} AS version, (${LATEST_DATE})::text AS date
         FROM participant_directory p
         JOIN screening_episodes e ON e.participant_id = p.id AND e.episode_no = $2
         WHERE p.id = $1`,
        [participantId, episodeNo],
      );
    const r = rows[0];
    return r && r.version && r.date
      ? { episodeId: r.episodeId, version: r.version, date: r.date }
      : null;
  }

  async insert(
    row: {
      participantId: string;
      episodeId: string;
      version: string;
      date: string;
      recordedAt: Date;
      recordedBy: string | null;
    },
    em: EntityManager,
  ): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO consent_renewals (participant_id, episode_id, consent_version, consent_date, recorded_at, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [row.participantId, row.episodeId, row.version, row.date, row.recordedAt, row.recordedBy],
    );
    return rows[0].id;
  }

  /** Every consent of the participant's episodes, oldest first: the first consent and re-consents. */
  history(
    participantId: string,
  ): Promise<{ version: string; date: string; kind: string; recordedAt: Date }[]> {
    return this.m().query(
      `SELECT consent_version AS version, consent_date::text AS date, 'consent' AS kind, consent_recorded_at AS "recordedAt"
       FROM screening_episodes WHERE participant_id = $1 AND consent_version IS NOT NULL
       UNION ALL
       SELECT consent_version, consent_date::text, 'reconsent', recorded_at FROM consent_renewals WHERE participant_id = $1
       ORDER BY 2, 4`,
      [participantId],
    );
  }
}
