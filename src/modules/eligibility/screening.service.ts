import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import type { Actor } from '../../common/context/request-context';
import { TransactionRunner, UnitOfWork } from '../../database/transaction';
import { siteScope } from '../auth/site-scope';
import { IdentityService } from '../identity/identity.service';
import type { ParticipantEntity } from '../participants/participant.entity';
import { ParticipantErrors } from '../participants/participants.errors';
import { ParticipantsService } from '../participants/participants.service';
import type { UpdateScreeningDto } from './dto/screening.dto';
import type { ScreeningEpisodeEntity } from './eligibility.entity';
import { EligibilityRepository } from './eligibility.repository';
import { findCriteriaSet } from './engine';
import { ageOn, judgedInputHash } from './judged-input';
import {
  mergeScreening,
  plainRecord,
  screeningProblems,
  type ScreeningRecord,
  type ScreeningSection,
} from './screening-record';

const pick = (record: ScreeningRecord, sections: readonly ScreeningSection[]) =>
  Object.fromEntries(sections.map((s) => [s, (record as Record<string, unknown>)[s] ?? null]));

/**
 * Screening data, per participant per screening episode, entered step by step. A correction of
 * a recorded value needs a reason and is audited with before and after values; any change to
 * what a signed assessment judged voids its signature (and reopens the decision it made).
 */
@Injectable()
export class ScreeningService implements OnModuleInit {
  constructor(
    private readonly eligibility: EligibilityRepository,
    private readonly participants: ParticipantsService,
    private readonly identity: IdentityService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.participants.afterRegistration((uow, id) =>
      this.eligibility.openEpisode(id, 1, this.clock.now(), uow.em),
    );
    this.participants.afterIdentityChange(async (uow, id, changed) => {
      if (changed.includes('birthDate')) await this.onBirthDateChanged(uow, id);
    });
  }

  /** The participant (in scope) and their current screening episode. */
  async current(
    id: string,
    actor: Actor,
  ): Promise<{ participant: ParticipantEntity; episode: ScreeningEpisodeEntity | null }> {
    const participant = await this.participants.get(id, siteScope(actor));
    return { participant, episode: await this.eligibility.episode(id, participant.currentEpisode) };
  }

  /** Every screening episode of a participant, oldest first (history kept after re-screening). */
  async episodes(
    id: string,
    actor: Actor,
  ): Promise<{ participant: ParticipantEntity; episodes: ScreeningEpisodeEntity[] }> {
    const participant = await this.participants.get(id, siteScope(actor));
    return { participant, episodes: await this.eligibility.episodes(id) };
  }

  /** Writes sections of the current episode's screening data (PATCH semantics, see mergeScreening). */
  async update(id: string, dto: UpdateScreeningDto, actor: Actor): Promise<ScreeningEpisodeEntity> {
    const patch = plainRecord(dto);
    return this.tx.run(async (uow) => {
      const participant = await this.participants.lock(uow, id, siteScope(actor));
      const episode = await this.lockCurrentEpisode(uow, participant);
      const merge = mergeScreening(episode.data, patch);
      if (merge.changed.length === 0) return episode;
      if (merge.corrections.length > 0 && !dto.reason) {
        throw ParticipantErrors.reasonRequired(merge.corrections);
      }
      const problems = screeningProblems(
        merge.after,
        this.participants.today(participant.siteTimeZone),
      );
      if (problems.length > 0) throw ParticipantErrors.invalidData(problems);
      const now = this.clock.now();
      await this.eligibility.saveData(episode.id, merge.after, now, uow.em);
      uow.audit({
        action: merge.corrections.length > 0 ? 'screening.corrected' : 'screening.updated',
        entity: 'participant',
        entityId: id,
        before: { episodeNo: episode.episodeNo, ...pick(episode.data, merge.changed) },
        after: {
          episodeNo: episode.episodeNo,
          ...pick(merge.after, merge.changed),
          ...(merge.corrections.length > 0 ? { corrected: merge.corrections } : {}),
        },
        reason: dto.reason ?? null,
      });
      const updated: ScreeningEpisodeEntity = { ...episode, data: merge.after };
      const birthDate = await this.identity.birthDate(id, uow.em);
      await this.revalidate(
        uow,
        participant,
        updated,
        birthDate,
        `screening data changed (${merge.changed.join(', ')})`,
      );
      return (await this.eligibility.episode(
        id,
        episode.episodeNo,
        uow.em,
      )) as ScreeningEpisodeEntity;
    });
  }

  /** The open episode of a participant whose row the caller has locked, locked too (opened if missing). */
  async lockCurrentEpisode(
    uow: UnitOfWork,
    participant: ParticipantEntity,
  ): Promise<ScreeningEpisodeEntity> {
    let episode = await this.eligibility.episode(
      participant.id,
      participant.currentEpisode,
      uow.em,
      true,
    );
    if (!episode) {
      await this.eligibility.openEpisode(
        participant.id,
        participant.currentEpisode,
        this.clock.now(),
        uow.em,
      );
      episode = await this.eligibility.episode(
        participant.id,
        participant.currentEpisode,
        uow.em,
        true,
      );
    }
    if (!episode) {
      throw new Error(
        `screening episode ${participant.currentEpisode} of ${participant.id} could not be opened`,
      );
    }
    return episode;
  }

  /**
   * Voids every signature on the episode whose judged input no longer matches (the hash of the
   * screening record and the age it derived). If the voided signature made the episode's
   * decision, the decision is cleared and an `eligible`/`ineligible` participant moves back to
   * `screening_visit_done` for a new assessment. A consented participant stays consented but
   * cannot be randomised until a new eligible assessment is signed.
   */
  async revalidate(
    uow: UnitOfWork,
    participant: ParticipantEntity,
    episode: ScreeningEpisodeEntity,
    birthDate: string | null,
    cause: string,
  ): Promise<ParticipantEntity> {
    let current = participant;
    const now = this.clock.now();
    for (const a of await this.eligibility.validSignatures(episode.id, uow.em)) {
      const age = ageOn(
        birthDate,
        a.assessmentDate,
        findCriteriaSet(a.criteriaSetId)?.params.leapDayBirthday,
      );
      const hash = judgedInputHash(episode.data, age);
      if (hash === a.inputHash) continue;
      await this.eligibility.voidSignature(a.id, cause, now, uow.em);
      uow.audit({
        action: 'eligibility.signature_voided',
        entity: 'participant',
        entityId: participant.id,
        before: { assessmentId: a.id, signature: 'signed', inputHash: a.inputHash },
        after: { assessmentId: a.id, signature: 'void', inputHash: hash },
        reason: cause,
      });
      if (episode.decidedAssessmentId === a.id) {
        await this.eligibility.setDecision(episode.id, null, now, uow.em);
        if (current.status === 'eligible' || current.status === 'ineligible') {
          current = await this.participants.transition(
            uow,
            participant.id,
            'screening_visit_done',
            {
              kind: 'reopen',
              reason: `signature voided: ${cause}`,
            },
          );
        }
      }
    }
    return current;
  }

  /** A corrected birth date changes the derived ages: re-check signatures, recompute age at consent. */
  private async onBirthDateChanged(uow: UnitOfWork, id: string): Promise<void> {
    const participant = await this.participants.lock(uow, id);
    const episode = await this.lockCurrentEpisode(uow, participant);
    const birthDate = await this.identity.birthDate(id, uow.em);
    await this.revalidate(uow, participant, episode, birthDate, 'birth date corrected');
    if (episode.consentDate) {
      const age = ageOn(birthDate, episode.consentDate);
      if (age !== episode.ageAtConsent) {
        await this.eligibility.setAgeAtConsent(episode.id, age, this.clock.now(), uow.em);
        uow.audit({
          action: 'eligibility.age_at_consent_recomputed',
          entity: 'participant',
          entityId: id,
          before: { ageAtConsent: episode.ageAtConsent },
          after: { ageAtConsent: age },
          reason: 'birth date corrected',
        });
      }
    }
  }
}
