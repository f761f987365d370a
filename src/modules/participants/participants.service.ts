import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from 'src/common/clock/clock';
import { Actor, RequestContext } from 'src/common/context/request-context';
import type { Page } from 'src/common/validation/page';
import { validationFailed } from 'src/common/errors/domain-error';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/common/context/site-scope';
import {
  correctedPaths,
  plainRecord,
  screeningProblems,
} from 'src/modules/eligibility/screening-record';
import { IdentityErrors } from 'src/modules/identity/identity.errors';
import { IdentityApi } from 'src/modules/identity/identity.api';
import { IdentityService } from 'src/modules/identity/identity.service';
import type { IdentityRecord } from 'src/modules/identity/identity.types';
import { nationalIdProblem, normaliseNationalId } from 'src/modules/identity/national-id';
import type { IdentityDto, UpdateIdentityDto } from 'src/modules/identity/dto/identity.dto';
import { SitesService } from 'src/modules/sites/sites.service';
import { TrialsService } from 'src/modules/trials/trials.service';
import type { RegistrationStage } from './dto/participant.dto';
import {
  type FollowUpOutcome,
  checkTransition,
  fhirStatusOf,
  type ParticipantStatus,
  SCREEN_FAILURE_FROM,
  type ScreenFailureReason,
  type ScreenFailureStage,
  type TransitionKind,
} from './participant-status';
import type {
  ParticipantEntity,
  StatusHistoryRow,
  WithdrawalInitiator,
} from './participant.entity';
import { ParticipantErrors } from './participants.errors';
import {
  ParticipantIdentityChanged,
  ParticipantRegistered,
  ParticipantTransitioned,
} from './participants.events';
import { ParticipantFilter, ParticipantsRepository } from './participants.repository';
import { formatStudyId, MAX_STUDY_NUMBER } from './study-id';

export type Scope = readonly string[] | null;

export type RegistrationInput = {
  siteId: string;
  identity: IdentityDto | IdentityRecord;
  preScreening?: object | null;
  /** `registered` (default) assigns the study id now; `pre_screened` records the questionnaire only. */
  stage?: RegistrationStage;
  /** Register although a likely duplicate exists (409 LIKELY_DUPLICATE otherwise); audited. */
  confirmDuplicate?: { reason: string };
};

export type TransitionOptions = {
  /** The use case making the move; a move of another kind is refused. */
  kind?: TransitionKind;
  reason?: string | null;
  /** Limit to these sites (null = any). Use siteScope(actor) for a request. */
  scope?: Scope;
  withdrawal?: { reason: string | null; initiatedBy: WithdrawalInitiator };
  /** Set with a rescreen: the number of the screening episode that starts. */
  currentEpisode?: number;
  /** The calendar date the move happened (site zone; default today there). Checked by the caller. */
  occurredOn?: string;
  /** Set with a move to screen_failed. */
  screenFailure?: ScreenFailureInput & { stage: ScreenFailureStage; date: string };
};

export type ScreenFailureInput = {
  reason: ScreenFailureReason;
  detail: string;
  stage?: ScreenFailureStage;
  date?: string;
};

/** Moves a coordinator may take back (the last one only, with a reason). */
const UNDOABLE: readonly string[] = ['step', 'screen_failure'];

const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * Participants and their pathway: registration (with the identity vault and a gapless study id),
 * pathway moves, withdrawal, and audited identity access. Other modules use `get`, `lock` and
 * `transition` (inside their own transaction).
 */
@Injectable()
export class ParticipantsService {
  constructor(
    private readonly participants: ParticipantsRepository,
    private readonly identity: IdentityService,
    private readonly identityApi: IdentityApi,
    private readonly sites: SitesService,
    private readonly trials: TrialsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // For other modules

  /** A participant the scope may see, or PARTICIPANT_NOT_FOUND (404) — never another site's. */
  async get(id: string, scope: Scope): Promise<ParticipantEntity> {
    const p = await this.participants.findInScope(id, scope);
    if (!p) {
      throw ParticipantErrors.notFound();
    }
    return p;
  }

  /** The participant row locked FOR UPDATE in the caller's transaction (404 outside `scope`). */
  async lock(uow: UnitOfWork, id: string, scope: Scope = null): Promise<ParticipantEntity> {
    const p = await this.participants.findInScope(id, scope, uow.em, true);
    if (!p) {
      throw ParticipantErrors.notFound();
    }
    return p;
  }

  /**
   * Moves a participant along the pathway in the caller's transaction: locks the row, checks the
   * move is legal (PARTICIPANT_ILLEGAL_TRANSITION, 409) and of the caller's kind, assigns the
   * study id on pre_screened → registered, writes the history row and the audit row
   * (`participant.transition`, with actor, time and reason). Returns the participant after.
   */
  async transition(
    uow: UnitOfWork,
    id: string,
    to: ParticipantStatus,
    opts: TransitionOptions = {},
  ): Promise<ParticipantEntity> {
    const p = await this.lock(uow, id, opts.scope ?? null);
    const check = checkTransition(p.status, to, opts.kind);
    if (!check.ok) {
      throw check.problem === 'illegal'
        ? ParticipantErrors.illegalTransition(p.status, to)
        : ParticipantErrors.transitionNotManual(p.status, to, check.transition.kind);
    }
    const now = this.clock.now();
    const actor = RequestContext.actor();
    const studyId =
      p.status === 'pre_screened' && to === 'registered'
        ? await this.assignStudyId(uow, p)
        : undefined;
    await this.participants.changeStatus(
      id,
      {
        status: to,
        now,
        studyId,
        registeredAt: studyId ? now : undefined,
        currentEpisode: opts.currentEpisode,
        screenFailure:
          to === 'screen_failed' && opts.screenFailure
            ? {
                date: opts.screenFailure.date,
                stage: opts.screenFailure.stage,
                reason: opts.screenFailure.reason,
                detail: opts.screenFailure.detail,
              }
            : p.status === 'screen_failed' && to === 'registered'
              ? null
              : undefined,
        withdrawal:
          to === 'withdrawn'
            ? {
                from: p.status,
                reason: opts.withdrawal?.reason ?? opts.reason ?? null,
                initiatedBy: opts.withdrawal?.initiatedBy ?? 'participant',
              }
            : undefined,
      },
      uow.em,
    );
    await this.participants.insertHistory(
      {
        participantId: id,
        from: p.status,
        to,
        kind: check.transition.kind,
        at: now,
        actorId: actor.id,
        actorRole: actor.role,
        reason: opts.reason ?? null,
        occurredOn: opts.occurredOn ?? this.today(p.siteTimeZone),
        details: opts.screenFailure
          ? { reason: opts.screenFailure.reason, stage: opts.screenFailure.stage }
          : null,
      },
      uow.em,
    );
    uow.audit({
      action: 'participant.transition',
      entity: 'participant',
      entityId: id,
      before: { status: p.status, fhirStatus: fhirStatusOf(p.status, p.withdrawnFrom) },
      after: {
        status: to,
        fhirStatus: fhirStatusOf(to, to === 'withdrawn' ? p.status : null),
        kind: check.transition.kind,
        date: opts.occurredOn ?? this.today(p.siteTimeZone),
        ...(studyId ? { studyId } : {}),
        ...(opts.screenFailure ? { screenFailure: { ...opts.screenFailure } } : {}),
      },
      reason: opts.reason ?? null,
    });
    const after = await this.lock(uow, id);
    await this.events.publish(uow, ParticipantTransitioned, {
      participant: after,
      move: check.transition,
    });
    return after;
  }

  // ---------------------------------------------------------------------------------------------
  // Use cases

  /**
   * Registers a referred person (coordinator), or records a pre-screening questionnaire
   * (`stage: 'pre_screened'`; the public web form will call this with the system actor).
   * Identity goes to the vault; the participant row carries a study id and nothing personal.
   */
  async register(input: RegistrationInput, actor: Actor): Promise<ParticipantEntity> {
    const scope = siteScope(actor);
    if (scope && !scope.includes(input.siteId)) {
      throw ParticipantErrors.siteOutOfScope();
    }
    const site = await this.sites.get(input.siteId);
    const label = `${site.countryCode}-${site.code}`;
    if (!site.active || !site.roles.includes('screening')) {
      throw ParticipantErrors.siteNotScreening(label);
    }
    const today = this.today(site.timeZone);
    const identity = this.identityRecord(input.identity, today);
    const preScreening = input.preScreening ? plainRecord(input.preScreening) : null;
    if (preScreening) {
      const problems = screeningProblems(preScreening, today);
      if (problems.length > 0) {
        throw ParticipantErrors.invalidData(problems, 'preScreening.');
      }
    }
    const stage = input.stage ?? 'registered';
    const trial = await this.trials.current();
    const id = await this.tx.run(async (uow) => {
      const now = this.clock.now();
      let studyId: string | null = null;
      if (stage === 'registered') {
        const n = await this.participants.nextStudyNumber(site.id, uow.em);
        if (n > MAX_STUDY_NUMBER) {
          throw ParticipantErrors.studyIdsExhausted(label);
        }
        studyId = formatStudyId(site.countryCode, site.code, n);
      }
      // One person, one participant: a likely duplicate (same national id, or same name and birth
      // date, at any site) needs a confirmation with a reason. The answer names the matching key
      // only, never the other record, its site or its data.
      const matchedOn =
        stage === 'registered'
          ? await this.identityApi.likelyDuplicates(identity, null, uow.em)
          : [];
      if (matchedOn.length > 0 && !input.confirmDuplicate) {
        throw ParticipantErrors.likelyDuplicate(matchedOn);
      }
      const id = await this.participants.insert(
        {
          trialId: trial.id,
          siteId: site.id,
          studyId,
          status: stage,
          registeredAt: studyId ? now : null,
          preScreening,
          now,
        },
        uow.em,
      );
      await this.identity.store(uow, id, identity);
      await this.events.publish(uow, ParticipantRegistered, {
        participantId: id,
        siteId: site.id,
        siteLabel: label,
        stage,
        byActorId: actor.id,
      });
      await this.participants.insertHistory(
        {
          participantId: id,
          from: null,
          to: stage,
          kind: 'registration',
          at: now,
          actorId: actor.id,
          actorRole: actor.role,
          reason: null,
          occurredOn: today,
        },
        uow.em,
      );
      uow.audit({
        action: stage === 'registered' ? 'participant.registered' : 'participant.pre_screened',
        entity: 'participant',
        entityId: id,
        after: {
          studyId,
          siteId: site.id,
          status: stage,
          fhirStatus: fhirStatusOf(stage),
          preScreening,
        },
      });
      if (matchedOn.length > 0 && input.confirmDuplicate) {
        uow.audit({
          action: 'participant.duplicate_confirmed',
          entity: 'participant',
          entityId: id,
          after: { matchedOn },
          reason: input.confirmDuplicate.reason,
        });
      }
      return id;
    });
    return this.get(id, null);
  }

  async list(
    filter: ParticipantFilter,
    actor: Actor,
    page: number,
    pageSize: number,
  ): Promise<Page<ParticipantEntity>> {
    const { items, total } = await this.participants.list(filter, siteScope(actor), page, pageSize);
    return { items, total, page, pageSize };
  }

  async history(id: string, actor: Actor): Promise<StatusHistoryRow[]> {
    await this.get(id, siteScope(actor));
    return this.participants.history(id);
  }

  /** A pathway step requested by staff (POST /participants/:id/transitions). */
  async step(
    id: string,
    to: ParticipantStatus,
    reason: string | undefined,
    actor: Actor,
    date?: string,
    confirmDuplicate?: { reason: string },
  ): Promise<ParticipantEntity> {
    await this.tx.run(async (uow) => {
      const p = await this.lock(uow, id, siteScope(actor));
      const occurredOn = await this.stepDate(uow, p, date, 'date', to === 'registered');
      // Registering a pre-screened candidate is a registration: the same duplicate warning.
      const matchedOn =
        p.status === 'pre_screened' && to === 'registered' ? await this.duplicatesOf(uow, id) : [];
      if (matchedOn.length > 0 && !confirmDuplicate) {
        throw ParticipantErrors.likelyDuplicate(matchedOn);
      }
      await this.transition(uow, id, to, {
        kind: 'step',
        reason: reason ?? null,
        scope: siteScope(actor),
        occurredOn,
      });
      if (matchedOn.length > 0 && confirmDuplicate) {
        uow.audit({
          action: 'participant.duplicate_confirmed',
          entity: 'participant',
          entityId: id,
          after: { matchedOn },
          reason: confirmDuplicate.reason,
        });
      }
    });
    return this.get(id, null);
  }

  /**
   * Records a screen failure found at the phone check, the records review or the screening visit,
   * with a coded reason (not meeting criteria, declined, other) and what happened. Not a
   * withdrawal: CONSORT and the screening log count it as excluded, as coded.
   */
  async screenFailure(
    id: string,
    input: ScreenFailureInput,
    actor: Actor,
  ): Promise<ParticipantEntity> {
    await this.tx.run(async (uow) => {
      const p = await this.lock(uow, id, siteScope(actor));
      const stage = input.stage ?? SCREEN_FAILURE_FROM[p.status];
      if (!stage) {
        throw ParticipantErrors.illegalTransition(p.status, 'screen_failed');
      }
      const date = await this.stepDate(uow, p, input.date, 'date', false);
      await this.transition(uow, id, 'screen_failed', {
        kind: 'screen_failure',
        reason: input.detail,
        scope: siteScope(actor),
        occurredOn: date,
        screenFailure: { reason: input.reason, detail: input.detail, stage, date },
      });
    });
    return this.get(id, null);
  }

  /**
   * Takes back the last pathway step (or screen failure) with a reason: the participant returns to
   * the state before it; the step's history row stays, marked undone (who, when, why), and the
   * audit row keeps the values undone. Registration, decisions, consent and later moves have their
   * own corrections and are not undone here.
   */
  async undoStep(id: string, reason: string, actor: Actor): Promise<ParticipantEntity> {
    await this.tx.run(async (uow) => {
      const p = await this.lock(uow, id, siteScope(actor));
      const rows = await this.participants.history(id, uow.em);
      const last = [...rows].reverse().find((r) => r.kind !== 'undo' && r.undoneAt === null);
      if (
        !last ||
        !UNDOABLE.includes(last.kind) ||
        last.toStatus !== p.status ||
        !last.fromStatus ||
        last.fromStatus === 'pre_screened'
      ) {
        throw ParticipantErrors.nothingToUndo(p.status, last?.kind ?? null);
      }
      const back = last.fromStatus;
      const now = this.clock.now();
      await this.participants.changeStatus(
        id,
        {
          status: back,
          now,
          screenFailure: last.kind === 'screen_failure' ? null : undefined,
        },
        uow.em,
      );
      await this.participants.markUndone(last.id, { at: now, by: actor.id, reason }, uow.em);
      await this.participants.insertHistory(
        {
          participantId: id,
          from: p.status,
          to: back,
          kind: 'undo',
          at: now,
          actorId: actor.id,
          actorRole: actor.role,
          reason,
          occurredOn: this.today(p.siteTimeZone),
          details: { undoneHistoryId: last.id },
        },
        uow.em,
      );
      uow.audit({
        action: 'participant.step_undone',
        entity: 'participant',
        entityId: id,
        before: {
          status: p.status,
          kind: last.kind,
          date: last.occurredOn,
          recordedAt: new Date(last.occurredAt).toISOString(),
          ...(last.kind === 'screen_failure'
            ? {
                screenFailure: {
                  reason: p.screenFailureReason,
                  stage: p.screenFailureStage,
                  detail: p.screenFailureDetail,
                  date: p.screenFailureDate,
                },
              }
            : {}),
        },
        after: { status: back, fhirStatus: fhirStatusOf(back) },
        reason,
      });
    });
    return this.get(id, null);
  }

  /**
   * Withdrawal at any time, with an optional reason (docs/domain/ram-ms.md §6 step 8): data collected so far
   * are kept; a request to destroy body material is recorded and stays open until confirmed.
   */
  async withdraw(
    id: string,
    input: { reason?: string; destroySamples: boolean; initiatedBy?: WithdrawalInitiator },
    actor: Actor,
  ): Promise<ParticipantEntity> {
    await this.tx.run(async (uow) => {
      const reason = input.reason ?? null;
      await this.transition(uow, id, 'withdrawn', {
        kind: 'withdrawal',
        reason,
        scope: siteScope(actor),
        withdrawal: { reason, initiatedBy: input.initiatedBy ?? 'participant' },
      });
      if (input.destroySamples) {
        const requestId = await this.participants.requestSampleDestruction(
          id,
          actor.id,
          this.clock.now(),
          uow.em,
        );
        uow.audit({
          action: 'participant.sample_destruction_requested',
          entity: 'participant',
          entityId: id,
          after: { requestId },
          reason,
        });
      }
    });
    return this.get(id, null);
  }

  /** The end of a randomised participant's follow-up: completed, lost to follow-up or died. */
  async recordOutcome(
    id: string,
    outcome: FollowUpOutcome,
    reason: string,
    actor: Actor,
  ): Promise<ParticipantEntity> {
    await this.tx.run((uow) =>
      this.transition(uow, id, outcome, { kind: 'outcome', reason, scope: siteScope(actor) }),
    );
    return this.get(id, null);
  }

  /** Someone confirms the body material was destroyed: closes the open request. */
  async confirmSampleDestruction(
    id: string,
    note: string | undefined,
    actor: Actor,
  ): Promise<ParticipantEntity> {
    await this.tx.run(async (uow) => {
      await this.lock(uow, id, siteScope(actor));
      const requestId = await this.participants.confirmSampleDestruction(
        id,
        actor.id,
        note ?? null,
        this.clock.now(),
        uow.em,
      );
      if (!requestId) {
        throw ParticipantErrors.noOpenSampleDestruction();
      }
      uow.audit({
        action: 'participant.sample_destruction_confirmed',
        entity: 'participant',
        entityId: id,
        after: { requestId, note: note ?? null },
      });
    });
    return this.get(id, null);
  }

  /**
   * Identity, for coordinators and investigators who are members of the participant's site
   * (trial-wide scope does not count), and audited (`identity.read`) in the same transaction.
   */
  async readIdentity(
    id: string,
    actor: Actor,
  ): Promise<IdentityRecord & { participantId: string }> {
    return this.tx.run(async (uow) => {
      const p = await this.participants.findInScope(id, actor.siteIds, uow.em);
      if (!p) {
        throw ParticipantErrors.notFound();
      }
      const record = await this.identity.load(id, uow.em);
      if (!record) {
        throw IdentityErrors.missing();
      }
      uow.audit({
        action: 'identity.read',
        entity: 'participant',
        entityId: id,
        after: { fields: fieldPaths(record) },
      });
      return { participantId: id, ...record };
    });
  }

  /** Corrects identity (coordinators of the site); a changed recorded value needs a reason. */
  async updateIdentity(
    id: string,
    dto: UpdateIdentityDto,
    actor: Actor,
  ): Promise<IdentityRecord & { participantId: string }> {
    return this.tx.run(async (uow) => {
      const p = await this.participants.findInScope(id, actor.siteIds, uow.em, true);
      if (!p) {
        throw ParticipantErrors.notFound();
      }
      const before = await this.identity.load(id, uow.em);
      if (!before) {
        throw IdentityErrors.missing();
      }
      const { reason, ...changes } = dto;
      const merged: IdentityRecord = { ...before };
      if (changes.givenName !== undefined) {
        merged.givenName = changes.givenName;
      }
      if (changes.familyName !== undefined) {
        merged.familyName = changes.familyName;
      }
      if (changes.birthDate !== undefined) {
        merged.birthDate = changes.birthDate;
      }
      if (changes.contact !== undefined) {
        if (changes.contact === null) {
          delete merged.contact;
        } else {
          merged.contact = changes.contact;
        }
      }
      if (changes.nationalId !== undefined) {
        if (changes.nationalId === null) {
          delete merged.nationalId;
        } else {
          merged.nationalId = changes.nationalId;
        }
      }
      const after = this.identityRecord(merged, this.today(p.siteTimeZone));
      const corrected = correctedPaths(before, after, '');
      const changed = changedPaths(before, after);
      if (corrected.length > 0 && !reason) {
        throw ParticipantErrors.reasonRequired(corrected);
      }
      if (changed.length === 0) {
        return { participantId: id, ...before };
      }
      await this.identity.store(uow, id, after);
      await this.participants.touch(id, this.clock.now(), uow.em);
      uow.audit({
        action: 'identity.updated',
        entity: 'participant',
        entityId: id,
        after: { changedFields: changed },
        reason: reason ?? null,
      });
      await this.events.publish(uow, ParticipantIdentityChanged, { participantId: id, changed });
      return { participantId: id, ...after };
    });
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The date a step happened: entered (default today in the site's zone); not in the future, not
   * before registration (unless the step is the registration itself), not before the last step.
   */
  private async stepDate(
    uow: UnitOfWork,
    p: ParticipantEntity,
    date: string | undefined,
    path: string,
    isRegistration: boolean,
  ): Promise<string> {
    const today = this.today(p.siteTimeZone);
    const d = date ?? today;
    if (d > today) {
      throw validationFailed([
        {
          path,
          code: 'DATE_IN_FUTURE',
          message: `${d} is after today (${today}) at the site`,
          params: { today },
        },
      ]);
    }
    if (isRegistration) {
      return d;
    }
    const registered = await this.participants.registrationDate(p.id, uow.em);
    if (registered && d < registered) {
      throw validationFailed([
        {
          path,
          code: 'DATE_BEFORE_REGISTRATION',
          message: `${d} is before the registration (${registered})`,
          params: { registered },
        },
      ]);
    }
    const previous = await this.participants.lastStepDate(p.id, uow.em);
    if (previous && d < previous) {
      throw validationFailed([
        {
          path,
          code: 'DATE_BEFORE_PREVIOUS_STEP',
          message: `${d} is before the previous step (${previous})`,
          params: { previous },
        },
      ]);
    }
    return d;
  }

  /** The keys on which another participant matches this one's stored identity (not a human read). */
  private async duplicatesOf(uow: UnitOfWork, id: string): Promise<string[]> {
    const record = await this.identity.load(id, uow.em);
    return record ? this.identityApi.likelyDuplicates(record, id, uow.em) : [];
  }

  /** Today's calendar date at a site. */
  today(timeZone: string): string {
    return DateTime.fromJSDate(this.clock.now(), { zone: timeZone }).toISODate() ?? '';
  }

  private async assignStudyId(uow: UnitOfWork, p: ParticipantEntity): Promise<string> {
    const n = await this.participants.nextStudyNumber(p.siteId, uow.em);
    if (n > MAX_STUDY_NUMBER) {
      throw ParticipantErrors.studyIdsExhausted(`${p.countryCode}-${p.siteCode}`);
    }
    return formatStudyId(p.countryCode, p.siteCode, n);
  }

  /** A clean identity record (plain object, normalised national id), checked for plausibility. */
  private identityRecord(input: IdentityDto | IdentityRecord, today: string): IdentityRecord {
    const plain = JSON.parse(JSON.stringify(input)) as IdentityRecord;
    if (plain.birthDate > today) {
      throw ParticipantErrors.birthDateImplausible(`${plain.birthDate} is in the future`);
    }
    if (plain.birthDate < EARLIEST_BIRTH_DATE) {
      throw ParticipantErrors.birthDateImplausible(`is before ${EARLIEST_BIRTH_DATE}`);
    }
    if (plain.nationalId) {
      const problem = nationalIdProblem(plain.nationalId.type, plain.nationalId.value);
      if (problem) {
        throw ParticipantErrors.nationalIdInvalid(problem);
      }
      plain.nationalId = {
        type: plain.nationalId.type,
        value: normaliseNationalId(plain.nationalId.type, plain.nationalId.value),
      };
    }
    return plain;
  }
}

/** Field paths of an identity record (names only, never values), for the audit trail. */
function fieldPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) {
    return prefix ? [prefix] : [];
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    fieldPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

/** Paths whose value differs between two identity records (added, changed or removed). */
function changedPaths(before: IdentityRecord, after: IdentityRecord): string[] {
  const a = new Map(fieldPaths(before).map((p) => [p, lookup(before, p)]));
  const b = new Map(fieldPaths(after).map((p) => [p, lookup(after, p)]));
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}

function lookup(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, k) =>
        typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined,
      value,
    );
}
