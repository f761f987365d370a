import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { assertPlausibleDates } from 'src/common/fields/date-rules';
import { ParticipantDates } from 'src/modules/participants/participant-dates.api';
import { Actor } from 'src/common/context/request-context';
import { DomainError, fieldError } from 'src/common/errors/domain-error';
import type { Page } from 'src/common/validation/page';
import {
  applyPatch,
  auditOf,
  type JsonRecord,
  staleVersion,
} from 'src/common/corrections/corrections';
import { RecordHistory, type RecordVersionDto } from 'src/kernel/record-history';
import { DomainEvents } from 'src/kernel/events/domain-events';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import type { ArmBDrugDto } from './dto/randomization.dto';
import { siteScope } from 'src/common/context/site-scope';
import { EligibilityService } from 'src/modules/eligibility/eligibility.service';
import { ParticipantsService } from 'src/modules/participants/participants.service';
import { TrialsService } from 'src/modules/trials/trials.service';
import { RandomizationConfigService } from './randomization-config.service';
import { RandomizationErrors } from './randomization.errors';
import { ParticipantRandomised, RandomisationReadinessWarning } from './randomization.events';
import {
  AllocationFilter,
  AllocationRow,
  RandomizationRepository,
} from './randomization.repository';
import { DEFAULT_FORMULARY, formularyFor } from './randomization-settings';
import { InterventionReceipts } from './intervention-receipts.api';
import { stratumKey } from './sequence';

export type Reason = { code: string; message: string };
export type RandomiseResult = { allocation: AllocationRow; created: boolean };

/**
 * Allocation: one transaction locks the participant, checks every precondition, takes the next
 * number of the stratum (row-locked counter: gapless, serialised per stratum), reads the arm from
 * the committed sequence, stores the allocation, moves the participant to `randomised`, and writes
 * the audit row and the follow-up / transplant jobs. A repeat returns the first allocation.
 */
@Injectable()
export class AllocationService {
  constructor(
    private readonly repo: RandomizationRepository,
    private readonly configs: RandomizationConfigService,
    private readonly participants: ParticipantsService,
    private readonly eligibility: EligibilityService,
    private readonly events: DomainEvents,
    private readonly trials: TrialsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly history: RecordHistory,
    private readonly receipts: InterventionReceipts,
    private readonly dates: ParticipantDates,
  ) {}

  async randomise(
    participantId: string,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<RandomiseResult> {
    const scope = siteScope(actor);
    if (idempotencyKey) {
      const earlier = await this.repo.allocationByIdempotencyKey(idempotencyKey);
      if (earlier) {
        return this.repeat(earlier, participantId, scope);
      }
    }
    const live = await this.configs.live('production');
    try {
      return await this.tx.run(async (uow) => {
        await this.participants.lock(uow, participantId, scope);
        const existing = await this.repo.allocationOf(participantId, null, uow.em);
        if (existing) {
          return { allocation: existing, created: false };
        }
        const { blockers, candidate } = await this.eligibility.randomisationCheck(
          uow,
          participantId,
          scope,
        );
        if (blockers.length > 0 || !candidate) {
          throw RandomizationErrors.preconditions(blockers.map(toReason));
        }
        await this.participants.transition(uow, participantId, 'randomised', {
          kind: 'randomisation',
        });
        const stratum = {
          country: candidate.countryCode,
          site: `${candidate.countryCode}-${candidate.siteCode}`,
        };
        const key = stratumKey(live.config.strataFactors, stratum);
        const sequenceNumber = await this.repo.nextSequenceNumber(
          live.trialId,
          'production',
          key,
          uow.em,
        );
        const slot = live.slot(key, sequenceNumber);
        const now = this.clock.now();
        await this.repo.insertAllocation(
          {
            participantId,
            trialId: live.trialId,
            siteId: candidate.siteId,
            environment: 'production',
            stratumKey: key,
            stratum: Object.fromEntries(
              live.config.strataFactors.map((f) => [f, stratum[f as keyof typeof stratum]]),
            ),
            sequenceNumber,
            blockIndex: slot.blockIndex,
            positionInBlock: slot.positionInBlock,
            blockSize: slot.blockSize,
            arm: slot.arm,
            randomisedAt: now,
            randomisedBy: actor.id,
            criteriaSetId: candidate.criteriaSetId,
            idempotencyKey: idempotencyKey ?? null,
          },
          uow.em,
        );
        uow.audit({
          action: 'randomization.allocated',
          entity: 'participant',
          entityId: participantId,
          after: {
            studyId: candidate.studyId,
            stratumKey: key,
            sequenceNumber,
            arm: slot.arm,
            criteriaSetId: candidate.criteriaSetId,
          },
        });
        await this.events.publish(uow, ParticipantRandomised, { participantId, arm: slot.arm });
        const allocation = await this.repo.allocationOf(participantId, null, uow.em);
        return { allocation: allocation as AllocationRow, created: true };
      });
    } catch (error) {
      // Two requests with one Idempotency-Key for different participants: the unique index decides.
      if ((error as { code?: string }).code === '23505' && idempotencyKey) {
        const earlier = await this.repo.allocationByIdempotencyKey(idempotencyKey);
        if (earlier) {
          return this.repeat(earlier, participantId, scope);
        }
      }
      throw error;
    }
  }

  /** What stands between a participant and randomisation, and arm-agnostic warnings. */
  async readiness(
    participantId: string,
    actor: Actor,
  ): Promise<{
    ready: boolean;
    alreadyRandomised: boolean;
    reasons: Reason[];
    warnings: string[];
  }> {
    const scope = siteScope(actor);
    const p = await this.participants.get(participantId, scope);
    const existing = await this.repo.allocationOf(participantId, scope);
    const reasons = existing
      ? []
      : await this.tx.run(async (uow) => {
          const found = (
            await this.eligibility.randomisationBlockers(uow, participantId, scope)
          ).map(toReason);
          await this.configs
            .live('production')
            .catch((e: DomainError) => found.push({ code: e.code, message: e.message }));
          return found;
        });
    const warnings = existing
      ? []
      : (
          await this.events.ask(RandomisationReadinessWarning, { participantId, siteId: p.siteId })
        ).filter((w) => typeof w === 'string' && w.length > 0);
    return {
      ready: !existing && reasons.length === 0,
      alreadyRandomised: existing !== null,
      reasons,
      warnings,
    };
  }

  async get(participantId: string, actor: Actor): Promise<AllocationRow> {
    const scope = siteScope(actor);
    await this.participants.get(participantId, scope);
    const allocation = await this.repo.allocationOf(participantId, scope);
    if (!allocation) {
      throw RandomizationErrors.notRandomised();
    }
    return allocation;
  }

  async list(
    filter: Omit<AllocationFilter, 'scope'>,
    actor: Actor,
    page: number,
    pageSize: number,
  ): Promise<Page<AllocationRow>> {
    const { items, total } = await this.repo.list(
      { ...filter, scope: siteScope(actor) },
      page,
      pageSize,
    );
    return { items, total, page, pageSize };
  }

  /**
   * The arm-B drug, from the formulary of the participant's country and criteria set. The first
   * choice gives drug and start date; a change gives only what changes, with a reason, and keeps
   * the earlier version.
   */
  async chooseArmBDrug(
    participantId: string,
    dto: ArmBDrugDto,
    actor: Actor,
  ): Promise<AllocationRow> {
    const allocation = await this.get(participantId, actor);
    if (allocation.arm !== 'B') {
      throw RandomizationErrors.notArmB();
    }
    const trial = await this.trials.current();
    const formulary =
      (trial.settings.randomization as { formulary?: typeof DEFAULT_FORMULARY } | undefined)
        ?.formulary ?? DEFAULT_FORMULARY;
    const allowed = formularyFor(formulary, allocation.criteriaSetId, allocation.countryCode);
    if (dto.drug !== undefined && !allowed.includes(dto.drug)) {
      throw RandomizationErrors.drugNotInFormulary(dto.drug, allowed);
    }
    await this.tx.run(async (uow) => {
      const before = await this.repo.lockArmB(participantId, uow.em);
      if (dto.startDate !== undefined && dto.startDate !== before?.startDate) {
        await assertPlausibleDates(
          [{ item: 'arm_b_drug.startDate', path: 'startDate', value: dto.startDate }],
          await this.dates.facts(participantId, uow.em),
        );
      }
      if (!before) {
        if (dto.drug === undefined || dto.startDate === undefined) {
          throw new DomainError(
            'VALIDATION_FAILED',
            'bad_request',
            'drug and startDate are both required for the first choice',
            [
              fieldError(
                dto.drug === undefined ? 'drug' : 'startDate',
                'isDefined',
                'drug and startDate are both required for the first choice',
              ),
            ],
          );
        }
        const data = { drug: dto.drug, startDate: dto.startDate };
        await this.repo.saveArmB(
          participantId,
          data.drug,
          data.startDate,
          this.clock.now(),
          actor.id,
          uow.em,
        );
        uow.version({
          entity: ARM_B_DRUG,
          entityId: participantId,
          participantId,
          version: 0,
          data,
        });
        uow.audit({
          action: 'randomization.arm_b_drug_chosen',
          entity: 'participant',
          entityId: participantId,
          before: null,
          after: data,
          reason: dto.reason,
        });
        return;
      }
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== before.version) {
        throw staleVersion(
          before.version,
          dto.expectedVersion,
          await this.history.changesSince(ARM_B_DRUG, participantId, dto.expectedVersion, uow.em),
        );
      }
      const current = { drug: before.drug, startDate: before.startDate };
      const patch: JsonRecord = {};
      if (dto.drug !== undefined) {
        patch.drug = dto.drug;
      }
      if (dto.startDate !== undefined) {
        patch.startDate = dto.startDate;
      }
      const result = applyPatch(current, patch, [], () => '');
      if (result.changes.length === 0) {
        return;
      }
      if (!dto.reason) {
        throw RandomizationErrors.reasonRequired();
      }
      if (!(await this.history.has(ARM_B_DRUG, participantId, uow.em))) {
        uow.version({
          entity: ARM_B_DRUG,
          entityId: participantId,
          participantId,
          version: before.version,
          data: current,
          by: { actorId: before.recordedBy, actorRole: null, at: before.recordedAt },
        });
      }
      await this.repo.saveArmB(
        participantId,
        result.after.drug,
        result.after.startDate,
        this.clock.now(),
        actor.id,
        uow.em,
      );
      uow.version({
        entity: ARM_B_DRUG,
        entityId: participantId,
        participantId,
        version: before.version + 1,
        data: result.after,
        changes: result.changes,
        reason: dto.reason,
      });
      uow.audit({
        action: 'randomization.arm_b_drug_changed',
        entity: 'participant',
        entityId: participantId,
        ...auditOf(result.changes),
        reason: dto.reason,
      });
    });
    return this.get(participantId, actor);
  }

  /** Every kept version of the arm-B choice, newest first. */
  async armBHistory(participantId: string, actor: Actor): Promise<RecordVersionDto[]> {
    await this.get(participantId, actor);
    return this.history.list(ARM_B_DRUG, participantId);
  }

  async setIntervention(
    participantId: string,
    r: { received: boolean; reasonCode: string | null; note: string | null },
    reason: string | undefined,
    actor: Actor,
  ): Promise<AllocationRow> {
    await this.get(participantId, actor);
    await this.tx.run((uow) => this.receipts.record(uow, participantId, r, reason));
    return this.get(participantId, actor);
  }

  private async repeat(
    earlier: AllocationRow,
    participantId: string,
    scope: readonly string[] | null,
  ): Promise<RandomiseResult> {
    if (earlier.participantId !== participantId) {
      throw RandomizationErrors.idempotencyMismatch();
    }
    if (scope && !scope.includes(earlier.siteId)) {
      throw RandomizationErrors.notRandomised();
    }
    return { allocation: earlier, created: false };
  }
}

/** The arm-B choice as a correctable record in `record_versions`. */
export const ARM_B_DRUG = 'arm_b_drug';

const toReason = (e: DomainError): Reason => ({ code: e.code, message: e.message });
