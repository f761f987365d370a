import { WorkWaitingNotifier } from './work-waiting.notifier';
import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { DomainError } from 'src/common/errors/domain-error';
import type { Actor } from 'src/common/context/request-context';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import {
  applyPatch,
  auditOf,
  type JsonRecord,
  staleVersion,
} from 'src/common/corrections/corrections';
import { AuthService } from 'src/modules/access/auth.service';
import { siteScope } from 'src/common/context/site-scope';
import { IdentityService } from 'src/modules/identity/identity.service';
import { checkTransition } from 'src/modules/participants/participant-status';
import type { ParticipantEntity } from 'src/modules/participants/participant.entity';
import { ParticipantErrors } from 'src/modules/participants/participants.errors';
import { ParticipantsService, type Scope } from 'src/modules/participants/participants.service';
import { TrialsService } from 'src/modules/trials/trials.service';
import { UsersService } from 'src/modules/access/users.service';
import {
  activeCriteriaSet,
  ageWithin,
  criteriaSetsById,
  criteriaSettings,
  type CriteriaSettings,
} from './criteria-config';
import type { AssessmentEntity, ScreeningEpisodeEntity } from './eligibility.entity';
import { EligibilityErrors } from './eligibility.errors';
import { EligibilityRepository } from './eligibility.repository';
import {
  evaluate,
  evaluateMany,
  findCriteriaSet,
  type CriteriaSet,
  type SideBySideResult,
} from './engine';
import { ageOn, engineInput, forSignOff, judgedInputHash } from './judged-input';
import type { CorrectConsentDto } from './dto/eligibility.dto';
import { ScreeningService } from './screening.service';

/** The kept versions of a recorded consent (record_versions entity, by screening episode). */
const CONSENT = 'consent';

export type EvaluationSource = 'screening' | 'pre_screening';

export type Evaluation = SideBySideResult & {
  participantId: string;
  source: EvaluationSource;
  episodeNo: number;
  activeSetId: string;
  ageAtAssessment: number | null;
};

/** What the randomisation module gets back from `assertRandomisable`. */
export type RandomisationCandidate = {
  participantId: string;
  studyId: string;
  siteId: string;
  siteCode: string;
  countryCode: string;
  episodeNo: number;
  assessmentId: string;
  criteriaSetId: string;
  criteriaSetVersion: string;
  signedAt: Date;
  signedBy: string;
  consentVersion: string;
  consentDate: string;
  ageAtConsent: number | null;
  ageAtAssessment: number | null;
};

/**
 * Criteria evaluation, assessments and the investigator's sign-off, consent, re-screening, and
 * the randomisation gate. The criteria engine (./engine) is pure; this service feeds it the
 * stored screening record plus the birth date from the vault, and keeps the birth date out of
 * everything it stores or returns.
 */
@Injectable()
export class EligibilityService {
  constructor(
    private readonly history: RecordHistory,
    private readonly eligibility: EligibilityRepository,
    private readonly screening: ScreeningService,
    private readonly participants: ParticipantsService,
    private readonly identity: IdentityService,
    private readonly trials: TrialsService,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly workWaiting: WorkWaitingNotifier,
  ) {}

  async settings(): Promise<CriteriaSettings> {
    return criteriaSettings((await this.trials.current()).settings);
  }

  /**
   * Evaluates the participant against one or more criteria sets side by side (default: the
   * trial's active set), at today's date in the site's time zone. Nothing is stored.
   */
  async evaluate(
    id: string,
    setIds: string[] | undefined,
    source: EvaluationSource,
    actor: Actor,
  ): Promise<Evaluation> {
    const p = await this.participants.get(id, siteScope(actor));
    const settings = await this.settings();
    const active = activeCriteriaSet(settings);
    const sets = (setIds && setIds.length > 0 ? criteriaSetsById(setIds) : [active]).map((s) =>
      forSignOff(s, settings.deferredCriteria),
    );
    const episode = await this.eligibility.episode(id, p.currentEpisode);
    const record = source === 'pre_screening' ? (p.preScreening ?? {}) : (episode?.data ?? {});
    const birthDate = await this.identity.birthDate(id);
    const assessmentDate = this.participants.today(p.siteTimeZone);
    const result = evaluateMany(engineInput(record, birthDate), assessmentDate, sets);
    return {
      ...result,
      participantId: id,
      source,
      episodeNo: p.currentEpisode,
      activeSetId: active.id,
      ageAtAssessment: ageOn(birthDate, assessmentDate, active.params.leapDayBirthday),
    };
  }

  /**
   * Stores an assessment of the current episode under one criteria set (default: the active
   * one): the set's version, the result per criterion, the hash of the input it judged, the
   * assessment date and the age at assessment.
   */
  async createAssessment(
    id: string,
    criteriaSetId: string | undefined,
    actor: Actor,
  ): Promise<AssessmentEntity> {
    const settings = await this.settings();
    const base = criteriaSetId ? criteriaSetsById([criteriaSetId])[0] : activeCriteriaSet(settings);
    const set = forSignOff(base, settings.deferredCriteria);
    const assessmentId = await this.tx.run(async (uow) => {
      const p = await this.participants.lock(uow, id, siteScope(actor));
      if (p.status === 'withdrawn') {
        throw EligibilityErrors.withdrawn();
      }
      const episode = await this.screening.lockCurrentEpisode(uow, p);
      const birthDate = await this.identity.birthDate(id, uow.em);
      const assessmentDate = this.participants.today(p.siteTimeZone);
      const age = ageOn(birthDate, assessmentDate, set.params.leapDayBirthday);
      const result = evaluate(engineInput(episode.data, birthDate), assessmentDate, set);
      const inputHash = judgedInputHash(episode.data, age);
      const assessmentId = await this.eligibility.insertAssessment(
        {
          participantId: id,
          episodeId: episode.id,
          criteriaSetId: set.id,
          criteriaSetVersion: set.version,
          criteriaSetLabel: set.label,
          assessmentDate,
          result: result.result,
          criteria: result.criteria,
          disabledCriteria: result.disabledCriteria,
          warnings: result.warnings,
          exclusionCodes: result.exclusionCodes,
          unknownCodes: result.unknownCodes,
          inputHash,
          ageAtAssessment: age,
          createdAt: this.clock.now(),
          createdBy: actor.id,
        },
        uow.em,
      );
      uow.audit({
        action: 'eligibility.assessed',
        entity: 'participant',
        entityId: id,
        after: {
          assessmentId,
          episodeNo: episode.episodeNo,
          criteriaSetId: set.id,
          criteriaSetVersion: set.version,
          assessmentDate,
          result: result.result,
          exclusionCodes: result.exclusionCodes,
          unknownCodes: result.unknownCodes,
          inputHash,
          ageAtAssessment: age,
        },
      });
      if (result.result !== 'incomplete') {
        await this.workWaiting.assessmentAwaitingSignature(uow, {
          participantId: id,
          studyId: p.studyId,
          siteId: p.siteId,
          siteLabel: `${p.countryCode}-${p.siteCode}`,
          assessmentId,
          result: result.result,
          criteriaSetLabel: set.label,
        });
      }
      return assessmentId;
    });
    return this.assessmentOf(id, assessmentId);
  }

  async assessments(
    id: string,
    actor: Actor,
  ): Promise<{ items: AssessmentEntity[]; currentHashes: Map<string, boolean> }> {
    const p = await this.participants.get(id, siteScope(actor));
    const items = await this.eligibility.assessments(id);
    return { items, currentHashes: await this.matchesCurrentData(p, items) };
  }

  async assessment(
    id: string,
    assessmentId: string,
    actor: Actor,
  ): Promise<{ item: AssessmentEntity; matchesCurrentData: boolean }> {
    const p = await this.participants.get(id, siteScope(actor));
    const item = await this.assessmentOf(id, assessmentId);
    return {
      item,
      matchesCurrentData: (await this.matchesCurrentData(p, [item])).get(item.id) ?? false,
    };
  }

  /**
   * The investigator's electronic signature (21 CFR 11.50, 11.200): the password is checked
   * again; the signature records signer, printed name, time and meaning. Signing an eligible
   * assessment moves the participant to `eligible`, an ineligible one to `ineligible` with its
   * coded exclusion reasons. Only current, complete assessments under the active set are signed.
   */
  async sign(
    id: string,
    assessmentId: string,
    input: { password?: string; signingAssertion?: string; meaning: string },
    actor: Actor,
  ): Promise<AssessmentEntity> {
    const scope = siteScope(actor);
    await this.participants.get(id, scope);
    await this.assessmentOf(id, assessmentId);
    const signerId = actor.id;
    const check = signerId
      ? await this.auth.confirmSignature(signerId, {
          password: input.password,
          signingAssertion: input.signingAssertion,
        })
      : ({ ok: false, outcome: 'wrong_password' } as const);
    if (!check.ok || !signerId) {
      const outcome = check.ok ? 'wrong_password' : check.outcome;
      await this.tx.run(async (uow) =>
        uow.audit({
          action: 'eligibility.signature_failed',
          entity: 'participant',
          entityId: id,
          after: { assessmentId, outcome },
        }),
      );
      throw outcome === 'assertion_invalid'
        ? EligibilityErrors.signingAssertionInvalid()
        : EligibilityErrors.wrongPassword();
    }
    const signer = await this.users.get(signerId);
    const settings = await this.settings();
    const active = activeCriteriaSet(settings);
    await this.tx.run(async (uow) => {
      const p = await this.participants.lock(uow, id, scope);
      const episode = await this.screening.lockCurrentEpisode(uow, p);
      const a = await this.eligibility.assessment(id, assessmentId, uow.em, true);
      if (!a) {
        throw EligibilityErrors.assessmentNotFound();
      }
      if (a.signedAt) {
        throw EligibilityErrors.assessmentAlreadySigned();
      }
      if (a.episodeId !== episode.id) {
        throw EligibilityErrors.assessmentNotCurrentEpisode();
      }
      if (a.criteriaSetId !== active.id || a.criteriaSetVersion !== active.version) {
        throw EligibilityErrors.assessmentNotActiveSet(a.criteriaSetId, active.id);
      }
      if (a.result === 'incomplete') {
        throw EligibilityErrors.assessmentIncomplete(a.unknownCodes);
      }
      const birthDate = await this.identity.birthDate(id, uow.em);
      const age = ageOn(birthDate, a.assessmentDate, active.params.leapDayBirthday);
      if (judgedInputHash(episode.data, age) !== a.inputHash) {
        throw EligibilityErrors.assessmentStale();
      }
      const decision = a.result;
      // Which move the signature makes, checked before anything is written.
      const move =
        p.status === 'consented' && decision === 'eligible'
          ? null
          : checkTransition(p.status, decision, 'decision');
      if (move && !move.ok) {
        throw ParticipantErrors.illegalTransition(p.status, decision);
      }
      if (!move && episode.decision) {
        throw EligibilityErrors.alreadyDecided();
      }
      const now = this.clock.now();
      await this.eligibility.sign(
        assessmentId,
        { signedBy: signerId, signerName: signer.displayName, meaning: input.meaning, at: now },
        uow.em,
      );
      await this.eligibility.setDecision(
        episode.id,
        { decision, assessmentId, exclusionCodes: a.exclusionCodes },
        now,
        uow.em,
      );
      uow.audit({
        action: 'eligibility.signed',
        entity: 'participant',
        entityId: id,
        after: {
          assessmentId,
          criteriaSetId: a.criteriaSetId,
          criteriaSetVersion: a.criteriaSetVersion,
          result: decision,
          exclusionCodes: a.exclusionCodes,
          inputHash: a.inputHash,
          signerId,
          signerName: signer.displayName,
          signatureMethod: check.method,
          signedAt: now,
          meaning: input.meaning,
        },
      });
      if (move) {
        const reason =
          decision === 'ineligible'
            ? `not eligible: ${a.exclusionCodes.join(', ')}`
            : `eligible under ${a.criteriaSetId}`;
        await this.participants.transition(uow, id, decision, { kind: 'decision', reason });
      }
    });
    return this.assessmentOf(id, assessmentId);
  }

  /**
   * Records informed consent (version and date) for an `eligible` participant whose current
   * episode has a valid signed eligible assessment under the active set; stores the age at
   * consent (docs/domain/ram-ms.md §9 Q12: the age checkpoint) and checks it against the active set's range.
   */
  async consent(
    id: string,
    input: { version: string; date: string; reason?: string },
    actor: Actor,
  ): Promise<ParticipantEntity> {
    const settings = await this.settings();
    const active = activeCriteriaSet(settings);
    await this.tx.run(async (uow) => {
      const p = await this.participants.lock(uow, id, siteScope(actor));
      const move = checkTransition(p.status, 'consented', 'consent');
      if (!move.ok) {
        throw ParticipantErrors.illegalTransition(p.status, 'consented');
      }
      const episode = await this.screening.lockCurrentEpisode(uow, p);
      const a = await this.validDecision(uow, p, episode, active);
      const today = this.participants.today(p.siteTimeZone);
      if (input.date > today) {
        throw EligibilityErrors.consentDateInFuture(input.date, today);
      }
      if (active.family === 'ram-ms') {
        const accepted = active.params.acceptedConsentVersions;
        if (accepted && !accepted.includes(input.version)) {
          throw EligibilityErrors.consentVersionNotAccepted(input.version, accepted);
        }
      }
      const birthDate = await this.identity.birthDate(id, uow.em);
      const age = ageOn(birthDate, input.date, active.params.leapDayBirthday);
      if (age === null || !ageWithin(active, age)) {
        throw EligibilityErrors.consentAgeOutOfRange(
          age,
          active.params.ageMin,
          active.params.ageMax,
        );
      }
      await this.eligibility.setConsent(
        episode.id,
        { version: input.version, date: input.date, ageAtConsent: age, recordedBy: actor.id },
        this.clock.now(),
        uow.em,
      );
      uow.audit({
        action: 'eligibility.consent_recorded',
        entity: 'participant',
        entityId: id,
        after: {
          episodeNo: episode.episodeNo,
          version: input.version,
          date: input.date,
          ageAtConsent: age,
          assessmentId: a.id,
        },
        reason: input.reason ?? null,
      });
      await this.participants.transition(uow, id, 'consented', {
        kind: 'consent',
        reason: input.reason ?? null,
      });
    });
    return this.participants.get(id, null);
  }

  /**
   * A screen failure is screened again as a new episode (docs/domain/ram-ms.md §9 Q14: at most
   * `maxRescreens` times). The old episode is closed and kept; the pathway restarts at registered.
   */
  /**
   * Corrects the recorded consent of the current episode: only the fields sent change, with a
   * reason; the age at consent is derived again and must stay within the active set's range; every
   * version is kept and the audit row lists exactly the changed fields.
   */
  async correctConsent(
    id: string,
    dto: CorrectConsentDto,
    actor: Actor,
  ): Promise<ParticipantEntity> {
    const active = activeCriteriaSet(await this.settings());
    await this.tx.run(async (uow) => {
      const p = await this.participants.lock(uow, id, siteScope(actor));
      const episode = await this.screening.lockCurrentEpisode(uow, p);
      if (!episode.consentDate || !episode.consentVersion) {
        throw EligibilityErrors.consentNotRecorded();
      }
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== episode.version) {
        throw staleVersion(
          episode.version,
          dto.expectedVersion,
          await this.history.changesSince(CONSENT, episode.id, dto.expectedVersion, uow.em),
        );
      }
      const current = { version: episode.consentVersion, date: episode.consentDate };
      const patch: JsonRecord = {};
      if (dto.version !== undefined) {
        patch.version = dto.version;
      }
      if (dto.date !== undefined) {
        patch.date = dto.date;
      }
      const result = applyPatch(current, patch, [], () => '');
      if (result.changes.length === 0) {
        return;
      }
      const next = result.after as { version: string; date: string };
      const today = this.participants.today(p.siteTimeZone);
      if (next.date > today) {
        throw EligibilityErrors.consentDateInFuture(next.date, today);
      }
      if (active.family === 'ram-ms' && dto.version !== undefined) {
        const accepted = active.params.acceptedConsentVersions;
        if (accepted && !accepted.includes(next.version)) {
          throw EligibilityErrors.consentVersionNotAccepted(next.version, accepted);
        }
      }
      const birthDate = await this.identity.birthDate(id, uow.em);
      const age = ageOn(birthDate, next.date, active.params.leapDayBirthday);
      if (age === null || !ageWithin(active, age)) {
        throw EligibilityErrors.consentAgeOutOfRange(
          age,
          active.params.ageMin,
          active.params.ageMax,
        );
      }
      if (!(await this.history.has(CONSENT, episode.id, uow.em))) {
        uow.version({
          entity: CONSENT,
          entityId: episode.id,
          participantId: episode.participantId,
          version: episode.version,
          data: { ...current, ageAtConsent: episode.ageAtConsent },
          by: {
            actorId: episode.consentRecordedBy,
            actorRole: null,
            at: episode.consentRecordedAt ?? episode.updatedAt,
          },
        });
      }
      await this.eligibility.correctConsent(
        episode.id,
        { ...next, ageAtConsent: age },
        this.clock.now(),
        uow.em,
      );
      const changes =
        age === episode.ageAtConsent
          ? result.changes
          : [...result.changes, { path: 'ageAtConsent', before: episode.ageAtConsent, after: age }];
      uow.version({
        entity: CONSENT,
        entityId: episode.id,
        participantId: episode.participantId,
        version: episode.version + 1,
        data: { ...next, ageAtConsent: age },
        changes,
        reason: dto.reason,
      });
      uow.audit({
        action: 'eligibility.consent_corrected',
        entity: 'participant',
        entityId: id,
        ...auditOf(changes),
        reason: dto.reason,
      });
    });
    return this.participants.get(id, null);
  }

  /** Every kept version of the current episode's consent, newest first. */
  async consentHistory(id: string, actor: Actor): Promise<RecordVersionDto[]> {
    const { participant, episodes } = await this.screening.episodes(id, actor);
    const episode = episodes.find((e) => e.episodeNo === participant.currentEpisode);
    return episode ? this.history.list(CONSENT, episode.id) : [];
  }

  async rescreen(id: string, reason: string | undefined, actor: Actor): Promise<ParticipantEntity> {
    const settings = await this.settings();
    await this.tx.run(async (uow) => {
      const p = await this.participants.lock(uow, id, siteScope(actor));
      const move = checkTransition(p.status, 'registered', 'rescreen');
      if (!move.ok) {
        throw ParticipantErrors.illegalTransition(p.status, 'registered');
      }
      if (p.currentEpisode - 1 >= settings.maxRescreens) {
        throw EligibilityErrors.rescreenLimit(settings.maxRescreens);
      }
      const episode = await this.screening.lockCurrentEpisode(uow, p);
      const now = this.clock.now();
      const next = p.currentEpisode + 1;
      await this.eligibility.closeEpisode(episode.id, now, uow.em);
      await this.eligibility.openEpisode(id, next, now, uow.em);
      uow.audit({
        action: 'screening.episode_started',
        entity: 'participant',
        entityId: id,
        before: {
          episodeNo: episode.episodeNo,
          decision: episode.decision,
          exclusionCodes: episode.exclusionCodes,
        },
        after: { episodeNo: next },
        reason: reason ?? null,
      });
      await this.participants.transition(uow, id, 'registered', {
        kind: 'rescreen',
        reason: reason ?? null,
        currentEpisode: next,
      });
    });
    return this.participants.get(id, null);
  }

  /**
   * The randomisation gate, for the randomisation module, inside ITS transaction: locks the
   * participant row and checks: not withdrawn; consented; the current screening episode has a
   * valid (signed, not void, still matching the data) eligible assessment under the trial's
   * active criteria-set version. Throws a DomainError with a stable code otherwise.
   * Then move the participant with
   * `participants.transition(uow, id, 'randomised', { kind: 'randomisation' })`.
   */
  async assertRandomisable(
    uow: UnitOfWork,
    participantId: string,
    scope: Scope = null,
  ): Promise<RandomisationCandidate> {
    const { blockers, candidate } = await this.randomisationCheck(uow, participantId, scope);
    if (blockers.length > 0 || !candidate) {
      throw blockers[0] ?? EligibilityErrors.notSigned();
    }
    return candidate;
  }

  /**
   * Every unmet randomisation precondition (not only the first), as DomainErrors with stable
   * codes, in the caller's transaction (the participant row is locked). Empty when randomisable.
   */
  async randomisationBlockers(
    uow: UnitOfWork,
    participantId: string,
    scope: Scope = null,
  ): Promise<DomainError[]> {
    return (await this.randomisationCheck(uow, participantId, scope)).blockers;
  }

  // ---------------------------------------------------------------------------------------------

  /** Every unmet precondition and, when there are none, the candidate (one pass, for randomisation). */
  async randomisationCheck(
    uow: UnitOfWork,
    participantId: string,
    scope: Scope,
  ): Promise<{ blockers: DomainError[]; candidate: RandomisationCandidate | null }> {
    const active = activeCriteriaSet(await this.settings());
    const p = await this.participants.lock(uow, participantId, scope);
    const blockers: DomainError[] = [];
    if (p.status === 'withdrawn') {
      blockers.push(EligibilityErrors.withdrawn());
    } else if (p.status !== 'consented') {
      blockers.push(EligibilityErrors.notConsented(p.status));
    }
    const episode = await this.screening.lockCurrentEpisode(uow, p);
    let a: AssessmentEntity | null = null;
    try {
      a = await this.validDecision(uow, p, episode, active);
    } catch (error) {
      if (!(error instanceof DomainError)) {
        throw error;
      }
      blockers.push(error);
    }
    const consent =
      episode.consentDate && episode.consentVersion
        ? { date: episode.consentDate, version: episode.consentVersion }
        : null;
    if (!consent && p.status === 'consented') {
      blockers.push(EligibilityErrors.notConsented(p.status));
    }
    if (blockers.length > 0 || !a || !consent || !p.studyId) {
      return { blockers, candidate: null };
    }
    return {
      blockers,
      candidate: {
        participantId: p.id,
        studyId: p.studyId,
        siteId: p.siteId,
        siteCode: p.siteCode,
        countryCode: p.countryCode,
        episodeNo: episode.episodeNo,
        assessmentId: a.id,
        criteriaSetId: a.criteriaSetId,
        criteriaSetVersion: a.criteriaSetVersion,
        signedAt: a.signedAt as Date,
        signedBy: a.signedBy as string,
        consentVersion: consent.version,
        consentDate: consent.date,
        ageAtConsent: episode.ageAtConsent,
        ageAtAssessment: a.ageAtAssessment,
      },
    };
  }

  /** The episode's valid signed eligible decision under the active set, still matching the data. */
  private async validDecision(
    uow: UnitOfWork,
    p: ParticipantEntity,
    episode: ScreeningEpisodeEntity,
    active: CriteriaSet,
  ): Promise<AssessmentEntity> {
    const a = episode.decidedAssessmentId
      ? await this.eligibility.assessment(p.id, episode.decidedAssessmentId, uow.em)
      : null;
    if (
      !a ||
      episode.decision !== 'eligible' ||
      a.result !== 'eligible' ||
      !a.signedAt ||
      a.signatureVoidedAt
    ) {
      throw EligibilityErrors.notSigned();
    }
    if (a.criteriaSetId !== active.id || a.criteriaSetVersion !== active.version) {
      throw EligibilityErrors.notUnderActiveSet(a.criteriaSetId, active.id);
    }
    const birthDate = await this.identity.birthDate(p.id, uow.em);
    const age = ageOn(birthDate, a.assessmentDate, active.params.leapDayBirthday);
    if (judgedInputHash(episode.data, age) !== a.inputHash) {
      throw EligibilityErrors.notSigned();
    }
    return a;
  }

  private async assessmentOf(id: string, assessmentId: string): Promise<AssessmentEntity> {
    const a = await this.eligibility.assessment(id, assessmentId);
    if (!a) {
      throw EligibilityErrors.assessmentNotFound();
    }
    return a;
  }

  /** For each assessment: does its input hash still match the current screening data? */
  private async matchesCurrentData(
    p: ParticipantEntity,
    items: AssessmentEntity[],
  ): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    const episode = await this.eligibility.episode(p.id, p.currentEpisode);
    if (!episode) {
      return out;
    }
    const birthDate = await this.identity.birthDate(p.id);
    for (const a of items) {
      const age = ageOn(
        birthDate,
        a.assessmentDate,
        findCriteriaSet(a.criteriaSetId)?.params.leapDayBirthday,
      );
      out.set(
        a.id,
        a.episodeId === episode.id && judgedInputHash(episode.data, age) === a.inputHash,
      );
    }
    return out;
  }
}
