import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type {
  AssessmentEntity,
  Decision,
  NewAssessment,
  ScreeningEpisodeEntity,
} from './eligibility.entity';
import type { ScreeningRecord } from './screening-record';

const EPISODE = `e.id, e.participant_id AS "participantId", e.episode_no AS "episodeNo", e.data, e.started_at AS "startedAt",
  e.closed_at AS "closedAt", e.decision, e.decided_assessment_id AS "decidedAssessmentId", e.decided_at AS "decidedAt",
  e.exclusion_codes AS "exclusionCodes", e.consent_version AS "consentVersion", e.consent_date::text AS "consentDate",
  e.age_at_consent AS "ageAtConsent", e.consent_recorded_at AS "consentRecordedAt", e.consent_recorded_by AS "consentRecordedBy",
  e.updated_at AS "updatedAt", e.version`;

const ASSESSMENT = `a.id, a.participant_id AS "participantId", a.episode_id AS "episodeId", e.episode_no AS "episodeNo",
  a.criteria_set_id AS "criteriaSetId", a.criteria_set_version AS "criteriaSetVersion", a.criteria_set_label AS "criteriaSetLabel",
  a.assessment_date::text AS "assessmentDate", a.result, a.criteria, a.disabled_criteria AS "disabledCriteria", a.warnings,
  a.exclusion_codes AS "exclusionCodes", a.unknown_codes AS "unknownCodes", a.input_hash AS "inputHash",
  a.age_at_assessment AS "ageAtAssessment", a.created_at AS "createdAt", a.created_by AS "createdBy", a.signed_at AS "signedAt",
  a.signed_by AS "signedBy", a.signer_name AS "signerName", a.signature_meaning AS "signatureMeaning",
  a.signature_voided_at AS "signatureVoidedAt", a.signature_void_reason AS "signatureVoidReason"`;

/** Screening episodes and eligibility assessments. Callers lock the participant row first. */
@Injectable()
export class EligibilityRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // Exports --------------------------------------------------------------------------------------

  /** For exports: the screening episodes of `participantIds`, oldest first, through `em`. */
  exportEpisodes(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<ScreeningEpisodeEntity[]> {
    return em.query(
      `SELECT ${EPISODE} FROM screening_episodes e WHERE e.participant_id = ANY($1::uuid[])
       ORDER BY e.participant_id, e.episode_no`,
      [participantIds],
    );
  }

  /** For exports: the eligibility assessments of `participantIds`, oldest first, through `em`. */
  exportAssessments(
    em: EntityManager,
    participantIds: readonly string[],
  ): Promise<AssessmentEntity[]> {
    return em.query(
      `SELECT ${ASSESSMENT} FROM eligibility_assessments a JOIN screening_episodes e ON e.id = a.episode_id
       WHERE a.participant_id = ANY($1::uuid[]) ORDER BY a.participant_id, a.created_at, a.id`,
      [participantIds],
    );
  }

  /** For exports: the criteria-set versions assessments were made under, first use first. */
  exportCriteriaVersions(em: EntityManager): Promise<{ version: string; label: string }[]> {
    return em.query(
      `SELECT criteria_set_version AS version, min(criteria_set_label) AS label
         FROM eligibility_assessments GROUP BY criteria_set_version
        ORDER BY min(created_at), criteria_set_version`,
    );
  }

  // Episodes -------------------------------------------------------------------------------------

  /** Opens episode `episodeNo` if it does not exist yet (idempotent). */
  async openEpisode(
    participantId: string,
    episodeNo: number,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO screening_episodes (participant_id, episode_no, started_at, created_at, updated_at)
       VALUES ($1, $2, $3, $3, $3) ON CONFLICT (participant_id, episode_no) DO NOTHING`,
      [participantId, episodeNo, now],
    );
  }

  async episode(
    participantId: string,
    episodeNo: number,
    em?: EntityManager,
    lock = false,
  ): Promise<ScreeningEpisodeEntity | null> {
    const rows: ScreeningEpisodeEntity[] = await this.m(em).query(
      `SELECT ${EPISODE} FROM screening_episodes e WHERE e.participant_id = $1 AND e.episode_no = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [participantId, episodeNo],
    );
    return rows[0] ?? null;
  }

  episodes(participantId: string): Promise<ScreeningEpisodeEntity[]> {
    return this.m().query(
      `SELECT ${EPISODE} FROM screening_episodes e WHERE e.participant_id = $1 ORDER BY e.episode_no`,
      [participantId],
    );
  }

  async saveData(
    episodeId: string,
    data: ScreeningRecord,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE screening_episodes SET data = $2::jsonb, updated_at = $3, version = version + 1 WHERE id = $1`,
      [episodeId, JSON.stringify(data), now],
    );
  }

  async setDecision(
    episodeId: string,
    decision: { decision: Decision; assessmentId: string; exclusionCodes: string[] } | null,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE screening_episodes SET decision = $2, decided_assessment_id = $3, decided_at = $4, exclusion_codes = $5,
         updated_at = $6, version = version + 1 WHERE id = $1`,
      [
        episodeId,
        decision?.decision ?? null,
        decision?.assessmentId ?? null,
        decision ? now : null,
        decision?.exclusionCodes ?? [],
        now,
      ],
    );
  }

  async setConsent(
    episodeId: string,
    consent: {
      version: string;
      date: string;
      ageAtConsent: number | null;
      recordedBy: string | null;
    },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE screening_episodes SET consent_version = $2, consent_date = $3::date, age_at_consent = $4,
         consent_recorded_at = $5, consent_recorded_by = $6, updated_at = $5, version = version + 1 WHERE id = $1`,
      [episodeId, consent.version, consent.date, consent.ageAtConsent, now, consent.recordedBy],
    );
  }

  /** A corrected consent: version, date and the age derived from it; who recorded it stays. */
  async correctConsent(
    episodeId: string,
    consent: { version: string; date: string; ageAtConsent: number | null },
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE screening_episodes SET consent_version = $2, consent_date = $3::date, age_at_consent = $4,
         updated_at = $5, version = version + 1 WHERE id = $1`,
      [episodeId, consent.version, consent.date, consent.ageAtConsent, now],
    );
  }

  async setAgeAtConsent(
    episodeId: string,
    age: number | null,
    now: Date,
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE screening_episodes SET age_at_consent = $2, updated_at = $3 WHERE id = $1`,
      [episodeId, age, now],
    );
  }

  async closeEpisode(episodeId: string, now: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE screening_episodes SET closed_at = $2, updated_at = $2, version = version + 1 WHERE id = $1`,
      [episodeId, now],
    );
  }

  // Assessments ----------------------------------------------------------------------------------

  async insertAssessment(a: NewAssessment, em: EntityManager): Promise<string> {
    const rows: { id: string }[] = await em.query(
      `INSERT INTO eligibility_assessments (participant_id, episode_id, criteria_set_id, criteria_set_version, criteria_set_label,
         assessment_date, result, criteria, disabled_criteria, warnings, exclusion_codes, unknown_codes, input_hash,
         age_at_assessment, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8::jsonb, $9, $10::jsonb, $11, $12, $13, $14, $15, $16) RETURNING id`,
      [
        a.participantId,
        a.episodeId,
        a.criteriaSetId,
        a.criteriaSetVersion,
        a.criteriaSetLabel,
        a.assessmentDate,
        a.result,
        JSON.stringify(a.criteria),
        a.disabledCriteria,
        JSON.stringify(a.warnings),
        a.exclusionCodes,
        a.unknownCodes,
        a.inputHash,
        a.ageAtAssessment,
        a.createdAt,
        a.createdBy,
      ],
    );
    return rows[0].id;
  }

  async assessment(
    participantId: string,
    id: string,
    em?: EntityManager,
    lock = false,
  ): Promise<AssessmentEntity | null> {
    const rows: AssessmentEntity[] = await this.m(em).query(
      `SELECT ${ASSESSMENT} FROM eligibility_assessments a JOIN screening_episodes e ON e.id = a.episode_id
       WHERE a.participant_id = $1 AND a.id = $2 ${lock ? 'FOR UPDATE OF a' : ''}`,
      [participantId, id],
    );
    return rows[0] ?? null;
  }

  assessments(participantId: string): Promise<AssessmentEntity[]> {
    return this.m().query(
      `SELECT ${ASSESSMENT} FROM eligibility_assessments a JOIN screening_episodes e ON e.id = a.episode_id
       WHERE a.participant_id = $1 ORDER BY a.created_at DESC, a.id`,
      [participantId],
    );
  }

  /** Signed, not voided assessments of an episode, locked. */
  validSignatures(episodeId: string, em: EntityManager): Promise<AssessmentEntity[]> {
    return em.query(
      `SELECT ${ASSESSMENT} FROM eligibility_assessments a JOIN screening_episodes e ON e.id = a.episode_id
       WHERE a.episode_id = $1 AND a.signed_at IS NOT NULL AND a.signature_voided_at IS NULL
       ORDER BY a.signed_at FOR UPDATE OF a`,
      [episodeId],
    );
  }

  async sign(
    id: string,
    signature: { signedBy: string; signerName: string; meaning: string; at: Date },
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `UPDATE eligibility_assessments SET signed_at = $2, signed_by = $3, signer_name = $4, signature_meaning = $5
       WHERE id = $1 AND signed_at IS NULL`,
      [id, signature.at, signature.signedBy, signature.signerName, signature.meaning],
    );
  }

  async voidSignature(id: string, reason: string, now: Date, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE eligibility_assessments SET signature_voided_at = $2, signature_void_reason = $3
       WHERE id = $1 AND signed_at IS NOT NULL AND signature_voided_at IS NULL`,
      [id, now, reason],
    );
  }
}
