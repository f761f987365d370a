import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { assertPlausibleDates, enteredDates } from 'src/common/fields/date-rules';
import { ParticipantDates } from 'src/modules/participants/participant-dates.api';
import {
  applyPatch,
  auditOf,
  type JsonRecord,
  staleVersion,
} from 'src/common/corrections/corrections';
import { validationFailed } from 'src/common/errors/domain-error';
import { RandomSource } from 'src/common/random/random-source';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import type { Actor } from 'src/common/context/request-context';
import { OnDomainEvent } from 'src/kernel/events/domain-event';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/common/context/site-scope';
import { IdentityService } from 'src/modules/identity/identity.service';
import type { ParticipantEntity } from 'src/modules/participants/participant.entity';
import { ParticipantErrors } from 'src/modules/participants/participants.errors';
import {
  ParticipantIdentityChanged,
  ParticipantRegistered,
} from 'src/modules/participants/participants.events';
import { ParticipantsService } from 'src/modules/participants/participants.service';
import type { UpdateScreeningDto } from './dto/screening.dto';
import type { ScreeningEpisodeEntity } from './eligibility.entity';
import { EligibilityRepository } from './eligibility.repository';
import { findCriteriaSet } from './engine';
import { ageOn, judgedInputHash } from './judged-input';
import {
  plainRecord,
  SCREENING_GROUPS,
  SCREENING_LISTS,
  screeningProblems,
  type ScreeningRecord,
} from './screening-record';

export const SCREENING_RECORD = 'screening_record';

/** The same items as recorded, ignoring their itemIds (a client resending what it read). */
function sameList(recorded: unknown[], sent: unknown[]): boolean {
  const strip = (items: unknown[]) =>
    items.map((i) => {
      const { itemId: _itemId, ...rest } = (i ?? {}) as Record<string, unknown>;
      return JSON.stringify(
        Object.keys(rest)
          .sort()
          .map((k) => [k, rest[k]]),
      );
    });
  const a = strip(recorded);
  const b = strip(sent);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Screening data, per participant per screening episode, entered step by step. A correction of
 * a recorded value needs a reason and is audited with before and after values; any change to
 * what a signed assessment judged voids its signature (and reopens the decision it made).
 */
@Injectable()
export class ScreeningService {
  constructor(
    private readonly eligibility: EligibilityRepository,
    private readonly participants: ParticipantsService,
    private readonly identity: IdentityService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly history: RecordHistory,
    private readonly dates: ParticipantDates,
  ) {}

  /** Every kept version of the current episode's screening record, newest first. */
  async recordHistory(id: string, actor: Actor): Promise<RecordVersionDto[]> {
    const { episode } = await this.current(id, actor);
    return episode ? this.history.list(SCREENING_RECORD, episode.id) : [];
  }

  /** A registration opens the first screening episode, in the registration's transaction. */
  @OnDomainEvent(ParticipantRegistered)
  async openFirstEpisode(
    uow: UnitOfWork,
    { participantId }: { participantId: string },
  ): Promise<void> {
    await this.eligibility.openEpisode(participantId, 1, this.clock.now(), uow.em);
  }

  /** A corrected birth date re-checks signatures and the age at consent, in the correction's transaction. */
  @OnDomainEvent(ParticipantIdentityChanged)
  async identityChanged(
    uow: UnitOfWork,
    { participantId, changed }: { participantId: string; changed: string[] },
  ): Promise<void> {
    if (changed.includes('birthDate')) {
      await this.onBirthDateChanged(uow, participantId);
    }
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

  /**
   * Writes sections of the current episode's screening data: only the fields sent change (null =
   * entered as none); a list is sent whole only while none of it is recorded, afterwards it changes
   * item by item (`lists.<list>.add / change / remove`, by itemId). Changing a recorded value is a
   * correction: it needs a reason; the audit row and the kept version list exactly the changed fields.
   */
  async update(id: string, dto: UpdateScreeningDto, actor: Actor): Promise<ScreeningEpisodeEntity> {
    const sections = plainRecord(dto) as unknown as JsonRecord;
    const lists = (dto.lists ? JSON.parse(JSON.stringify(dto.lists)) : {}) as JsonRecord;
    return this.tx.run(async (uow) => {
      const participant = await this.participants.lock(uow, id, siteScope(actor));
      const episode = await this.lockCurrentEpisode(uow, participant);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== episode.version) {
        throw staleVersion(
          episode.version,
          dto.expectedVersion,
          await this.history.changesSince(
            SCREENING_RECORD,
            episode.id,
            dto.expectedVersion,
            uow.em,
          ),
        );
      }
      const stored = episode.data as unknown as JsonRecord;
      const patch: JsonRecord = { ...sections };
      const problems: { path: string; message: string }[] = [];
      for (const list of SCREENING_LISTS) {
        const whole = sections[list];
        if (whole !== undefined && lists[list] !== undefined) {
          problems.push({ path: list, message: `give either ${list} or lists.${list}, not both` });
        }
        if (Array.isArray(whole)) {
          const recorded = stored[list];
          if (Array.isArray(recorded) && recorded.length > 0 && !sameList(recorded, whole)) {
            problems.push({
              path: list,
              message: `is recorded: change it item by item with lists.${list} { add, change, remove } (by itemId)`,
            });
          } else if (Array.isArray(recorded) && recorded.length > 0) {
            delete patch[list]; // the same list again: nothing changes
          } else {
            patch[list] = { add: whole };
          }
        }
        if (lists[list] !== undefined) {
          patch[list] = lists[list];
        }
      }
      if (problems.length > 0) {
        throw validationFailed(problems);
      }
      const result = applyPatch(
        episode.data as unknown as JsonRecord,
        patch,
        SCREENING_GROUPS,
        () => this.random.uuid(),
        { nulls: 'keep' },
      );
      if (result.problems.length > 0) {
        throw validationFailed(result.problems);
      }
      if (result.changes.length === 0) {
        return episode;
      }
      const after = result.after as unknown as ScreeningRecord;
      const corrections = result.changes.filter((c) => c.before !== null).map((c) => c.path);
      if (corrections.length > 0 && !dto.reason) {
        throw ParticipantErrors.reasonRequired(corrections);
      }
      const today = this.participants.today(participant.siteTimeZone);
      const invalid = screeningProblems(after, today);
      if (invalid.length > 0) {
        throw ParticipantErrors.invalidData(invalid);
      }
      // The registry's date rules beyond today: no clinical date before the participant's birth.
      await assertPlausibleDates(
        enteredDates('screening', after),
        await this.dates.facts(participant.id, uow.em),
      );
      const now = this.clock.now();
      if (
        corrections.length > 0 &&
        !(await this.history.has(SCREENING_RECORD, episode.id, uow.em))
      ) {
        uow.version({
          entity: SCREENING_RECORD,
          entityId: episode.id,
          participantId: id,
          version: episode.version,
          data: episode.data,
          by: { actorId: null, actorRole: null, at: episode.updatedAt },
        });
      }
      await this.eligibility.saveData(episode.id, after, now, uow.em);
      uow.version({
        entity: SCREENING_RECORD,
        entityId: episode.id,
        participantId: id,
        version: episode.version + 1,
        data: after,
        changes: result.changes,
        reason: dto.reason ?? null,
      });
      uow.audit({
        action: corrections.length > 0 ? 'screening.corrected' : 'screening.updated',
        entity: 'participant',
        entityId: id,
        ...auditOf(result.changes),
        reason: dto.reason ?? null,
      });
      const updated: ScreeningEpisodeEntity = { ...episode, data: after };
      const birthDate = await this.identity.birthDate(id, uow.em);
      const changedSections = [...new Set(result.changes.map((c) => c.path.split(/[.[]/)[0]))];
      await this.revalidate(
        uow,
        participant,
        updated,
        birthDate,
        `screening data changed (${changedSections.join(', ')})`,
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
      if (hash === a.inputHash) {
        continue;
      }
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
