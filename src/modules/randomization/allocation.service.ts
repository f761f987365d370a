import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { Actor, RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { QueueName } from '../../common/queue/queues';
import type { Page } from '../../common/validation/page';
import { TransactionRunner, UnitOfWork } from '../../database/transaction';
import { siteScope } from '../auth/site-scope';
import { EligibilityService } from '../eligibility/eligibility.service';
import { ParticipantsService } from '../participants/participants.service';
import { TrialsService } from '../trials/trials.service';
import { RandomizationConfigService } from './randomization-config.service';
import { RandomizationErrors } from './randomization.errors';
import { FollowUpJobs, SchedulingJobs } from './randomization.jobs';
import { AllocationFilter, AllocationRow, RandomizationRepository } from './randomization.repository';
import { DEFAULT_FORMULARY, formularyFor } from './randomization-settings';
import { RandomizationReadiness } from './readiness';
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
    private readonly warningSources: RandomizationReadiness,
    private readonly trials: TrialsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async randomise(participantId: string, actor: Actor, idempotencyKey?: string): Promise<RandomiseResult> {
    const scope = siteScope(actor);
    if (idempotencyKey) {
      const earlier = await this.repo.allocationByIdempotencyKey(idempotencyKey);
      if (earlier) return this.repeat(earlier, participantId, scope);
    }
    const live = await this.configs.live('production');
    try {
      return await this.tx.run(async (uow) => {
        await this.participants.lock(uow, participantId, scope);
        const existing = await this.repo.allocationOf(participantId, null, uow.em);
        if (existing) return { allocation: existing, created: false };
        const { blockers, candidate } = await this.eligibility.randomisationCheck(uow, participantId, scope);
        if (blockers.length > 0 || !candidate) throw RandomizationErrors.preconditions(blockers.map(toReason));
        await this.participants.transition(uow, participantId, 'randomised', { kind: 'randomisation' });
        const stratum = { country: candidate.countryCode, site: `${candidate.countryCode}-${candidate.siteCode}` };
        const key = stratumKey(live.config.strataFactors, stratum);
        const sequenceNumber = await this.repo.nextSequenceNumber(live.trialId, 'production', key, uow.em);
        const slot = live.slot(key, sequenceNumber);
        const now = this.clock.now();
        await this.repo.insertAllocation(
          {
            participantId,
            trialId: live.trialId,
            siteId: candidate.siteId,
            environment: 'production',
            stratumKey: key,
            stratum: Object.fromEntries(live.config.strataFactors.map((f) => [f, stratum[f as keyof typeof stratum]])),
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
          after: { studyId: candidate.studyId, stratumKey: key, sequenceNumber, arm: slot.arm, criteriaSetId: candidate.criteriaSetId },
        });
        uow.enqueue({
          queue: QueueName.FollowUp,
          name: FollowUpJobs.GenerateSchedule,
          payload: { participantId },
          dedupeKey: `${FollowUpJobs.GenerateSchedule}:${participantId}`,
        });
        if (slot.arm === 'A') {
          uow.enqueue({
            queue: QueueName.Scheduling,
            name: SchedulingJobs.BookSlot,
            payload: { participantId },
            dedupeKey: `${SchedulingJobs.BookSlot}:${participantId}`,
          });
        }
        const allocation = await this.repo.allocationOf(participantId, null, uow.em);
        return { allocation: allocation as AllocationRow, created: true };
      });
    } catch (error) {
      // Two requests with one Idempotency-Key for different participants: the unique index decides.
      if ((error as { code?: string }).code === '23505' && idempotencyKey) {
        const earlier = await this.repo.allocationByIdempotencyKey(idempotencyKey);
        if (earlier) return this.repeat(earlier, participantId, scope);
      }
      throw error;
    }
  }

  /** What stands between a participant and randomisation, and arm-agnostic warnings. */
  async readiness(participantId: string, actor: Actor): Promise<{ ready: boolean; alreadyRandomised: boolean; reasons: Reason[]; warnings: string[] }> {
    const scope = siteScope(actor);
    const p = await this.participants.get(participantId, scope);
    const existing = await this.repo.allocationOf(participantId, scope);
    const reasons = existing
      ? []
      : await this.tx.run(async (uow) => {
          const found = (await this.eligibility.randomisationBlockers(uow, participantId, scope)).map(toReason);
          await this.configs.live('production').catch((e: DomainError) => found.push({ code: e.code, message: e.message }));
          return found;
        });
    const warnings = existing ? [] : await this.warningSources.warnings({ participantId, siteId: p.siteId });
    return { ready: !existing && reasons.length === 0, alreadyRandomised: existing !== null, reasons, warnings };
  }

  async get(participantId: string, actor: Actor): Promise<AllocationRow> {
    const scope = siteScope(actor);
    await this.participants.get(participantId, scope);
    const allocation = await this.repo.allocationOf(participantId, scope);
    if (!allocation) throw RandomizationErrors.notRandomised();
    return allocation;
  }

  async list(filter: Omit<AllocationFilter, 'scope'>, actor: Actor, page: number, pageSize: number): Promise<Page<AllocationRow>> {
    const { items, total } = await this.repo.list({ ...filter, scope: siteScope(actor) }, page, pageSize);
    return { items, total, page, pageSize };
  }

  /** The arm-B drug, from the formulary of the participant's country and criteria set. */
  async chooseArmBDrug(participantId: string, drug: string, startDate: string, reason: string | undefined, actor: Actor): Promise<AllocationRow> {
    const allocation = await this.get(participantId, actor);
    if (allocation.arm !== 'B') throw RandomizationErrors.notArmB();
    const trial = await this.trials.current();
    const formulary = (trial.settings.randomization as { formulary?: typeof DEFAULT_FORMULARY } | undefined)?.formulary ?? DEFAULT_FORMULARY;
    const allowed = formularyFor(formulary, allocation.criteriaSetId, allocation.countryCode);
    if (!allowed.includes(drug)) throw RandomizationErrors.drugNotInFormulary(drug, allowed);
    await this.tx.run(async (uow) => {
      const before = await this.repo.lockArmB(participantId, uow.em);
      if (before && !reason) throw RandomizationErrors.reasonRequired();
      await this.repo.saveArmB(participantId, drug, startDate, this.clock.now(), actor.id, uow.em);
      uow.audit({ action: before ? 'randomization.arm_b_drug_changed' : 'randomization.arm_b_drug_chosen', entity: 'participant', entityId: participantId, before, after: { drug, startDate }, reason });
    });
    return this.get(participantId, actor);
  }

  /** Records whether the allocated intervention was received (CONSORT), with a coded reason if not. */
  async recordIntervention(
    uow: UnitOfWork,
    participantId: string,
    r: { received: boolean; reasonCode: string | null; note: string | null },
    reason?: string,
  ): Promise<void> {
    const allocation = await this.repo.allocationOf(participantId, null, uow.em);
    if (!allocation) throw RandomizationErrors.notRandomised();
    if (!r.received && !r.reasonCode) throw new DomainError('REASON_CODE_REQUIRED', 'bad_request', 'reasonCode is required when the intervention was not received');
    const before = await this.repo.lockReceipt(participantId, uow.em);
    if (before && !reason) throw RandomizationErrors.reasonRequired();
    await this.repo.saveReceipt(participantId, r, this.clock.now(), RequestContext.actor().id, uow.em);
    uow.audit({ action: 'randomization.intervention_recorded', entity: 'participant', entityId: participantId, before, after: r, reason });
  }

  async setIntervention(participantId: string, r: { received: boolean; reasonCode: string | null; note: string | null }, reason: string | undefined, actor: Actor): Promise<AllocationRow> {
    await this.get(participantId, actor);
    await this.tx.run((uow) => this.recordIntervention(uow, participantId, r, reason));
    return this.get(participantId, actor);
  }

  private async repeat(earlier: AllocationRow, participantId: string, scope: readonly string[] | null): Promise<RandomiseResult> {
    if (earlier.participantId !== participantId) throw RandomizationErrors.idempotencyMismatch();
    if (scope && !scope.includes(earlier.siteId)) throw RandomizationErrors.notRandomised();
    return { allocation: earlier, created: false };
  }
}

const toReason = (e: DomainError): Reason => ({ code: e.code, message: e.message });
