import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { isIsoDate } from 'src/common/time/calendar-date';
import {
  buildSchedule,
  type PlannedVisit,
  randomisationAnchorDate,
  reanchorArmA,
  type VisitMove,
} from './calendar/visit-calendar';
import type { VisitTemplate } from './calendar/visit-template';
import { TransplantFacts } from 'src/modules/scheduling/transplant-facts.api';
import type { VisitEntity } from './entities/visit.entity';
import { FollowUpErrors } from './follow-up.errors';
import { FollowUpSettings } from './follow-up.settings';
import { type NewVisit, VisitsRepository } from './visits.repository';

/** Participant states in which follow-up has ended (participants module, issue 4). */
const OFF_STUDY_STATUSES: readonly string[] = ['withdrawn', 'lost_to_follow_up', 'died'];

/** Cancel reason of arm-A visits whose transplant day 0 was withdrawn; they reopen when a day 0 is set again. */
export const DAY0_CLEARED = 'transplant day 0 cleared';

export type ScheduleResult = {
  participantId: string;
  /** 'cancelled': follow-up has ended, nothing was generated or moved. */
  status: 'active' | 'cancelled';
  created: string[];
  moved: { code: string; from: string; to: string }[];
  keptLogged: string[];
  /** Arm-A visits cancelled because day 0 was cleared. */
  withdrawn: string[];
  transplantDay0: string | null;
};

export type CancelResult = { participantId: string; cancelled: number; codes: string[] };

function toPlanned(v: VisitEntity): PlannedVisit {
  return {
    code: v.code,
    kind: v.kind === 'arm_a_weekly' ? 'arm_a_weekly' : 'scheduled',
    anchor: v.anchor === 'transplant' ? 'transplant' : 'randomisation',
    offsetDays: v.offsetDays ?? 0,
    targetDate: v.targetDate,
    windowStart: v.windowStart,
    windowEnd: v.windowEnd,
    assessments: v.assessments as PlannedVisit['assessments'],
  };
}

function labelled(visit: PlannedVisit, template: VisitTemplate): NewVisit {
  const def = template.scheduled.find((d) => d.code === visit.code);
  const label = def?.label ?? `Post-transplant visit, day +${visit.offsetDays}`;
  return { ...visit, label, templateId: template.id };
}

/**
 * The visit schedule of a participant: generated when randomised, arm-A visits re-anchored when
 * transplant day 0 is set or moves, the rest cancelled when follow-up ends. Generation and
 * re-anchoring are one idempotent operation ("make the rows match the plan"): run twice, the
 * second run changes nothing and writes nothing.
 */
@Injectable()
export class FollowUpService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly settings: FollowUpSettings,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly scheduling: TransplantFacts,
  ) {}

  /** A recorded (not merely planned) transplant day 0 from the transplant-slot module, if any. */
  private async recordedDay0(participantId: string): Promise<{ day0: string | null } | undefined> {
    const source = await this.scheduling.transplantDay0(participantId);
    return source?.recorded ? { day0: source.date } : undefined;
  }

  /** Job `follow-up.generate-schedule`: creates the visits of a randomised participant. */
  /**
   * Has `follow-up.generate-schedule` had its effect: the schedule generated, or ended (a late
   * job creates nothing then)? Asked by the outbox reconciliation before re-sending a lost job.
   */
  async scheduleSettled(participantId: string): Promise<boolean> {
    const schedule = await this.visits.findSchedule(participantId);
    return schedule !== null && (schedule.generatedAt !== null || schedule.cancelledAt !== null);
  }

  /**
   * Has `follow-up.reanchor` had its effect: the schedule is generated and follows the transplant
   * day 0 the job would apply now (the recorded day 0, none when cleared), or the schedule ended
   * (or the participant was never randomised: nothing the job could do)?
   * The job reads day 0 from the transplant-slot module when it runs, so every job of a participant
   * has the same effect: "the visits follow the current day 0"; a lost job whose change was
   * overtaken by a later one (processed) is settled. Asked by the outbox reconciliation.
   */
  async reanchorSettled(participantId: string, payloadDay0?: string | null): Promise<boolean> {
    const schedule = await this.visits.findSchedule(participantId);
    if (schedule?.cancelledAt) {
      return true;
    }
    if (!schedule?.generatedAt) {
      // Not randomised (or unknown): the job could only fail; otherwise it creates the schedule.
      return (await this.visits.allocationFacts(participantId)) === null;
    }
    const source = await this.scheduling.transplantDay0(participantId);
    const day0 = source ? (source.recorded ? source.date : null) : (payloadDay0 ?? null);
    return schedule.transplantDay0 === day0;
  }

  generateSchedule(participantId: string): Promise<ScheduleResult> {
    // An arm-A transplant may already be recorded (a late job): take its day 0 from the source.
    return this.ensureSchedule(participantId, () => this.recordedDay0(participantId), false);
  }

  /**
   * Job `follow-up.reanchor`: makes the arm-A visits follow the current transplant day 0 (creating
   * them the first time, moving the unlogged ones when it moves, cancelling the unlogged ones when
   * it is cleared). The transplant-slot module is the source of truth and is read at processing
   * time, so jobs arriving out of order still end on the latest day 0; `payloadDay0` is used only
   * for a participant the transplant-slot module has no booking for.
   */
  async reanchor(participantId: string, payloadDay0?: string | null): Promise<ScheduleResult> {
    if (payloadDay0 !== undefined && payloadDay0 !== null && !isIsoDate(payloadDay0)) {
      throw FollowUpErrors.badInput('transplantDay0', 'must be a calendar date YYYY-MM-DD');
    }
    const source = await this.scheduling.transplantDay0(participantId);
    const day0 = source ? (source.recorded ? source.date : null) : (payloadDay0 ?? null);
    return this.ensureSchedule(participantId, () => Promise.resolve({ day0 }), true);
  }

  /**
   * Cancels the participant's remaining (still open) visits inside the caller's transaction, when
   * the participant is withdrawn, dies or is lost to follow-up. Logged and missed visits, and all
   * data collected, stay. The schedule is marked ended, so a late generation or re-anchor job
   * creates nothing, and the sweep (which only sees open visits) sends no further reminders.
   */
  async cancelRemaining(
    uow: UnitOfWork,
    participantId: string,
    reason: string,
  ): Promise<CancelResult> {
    const schedule = await this.visits.lockSchedule(participantId, uow.em);
    const now = this.clock.now();
    const cancelled = await this.visits.cancelOpenVisits(participantId, reason, now, uow.em);
    if (schedule.status !== 'cancelled') {
      await this.visits.cancelSchedule(participantId, reason, now, uow.em);
    }
    const codes = cancelled.map((c) => c.code).sort();
    if (codes.length > 0 || schedule.status !== 'cancelled') {
      uow.audit({
        action: 'follow-up.visits_cancelled',
        entity: 'participant',
        entityId: participantId,
        before: { schedule: schedule.status },
        after: { schedule: 'cancelled', cancelledVisits: codes },
        reason,
      });
    }
    return { participantId, cancelled: codes.length, codes };
  }

  /**
   * Makes the participant's visit rows match the plan. For arm A, `day0Source` gives a transplant
   * day 0 from the source of truth (null = cleared), or undefined to keep the stored one.
   */
  private async ensureSchedule(
    participantId: string,
    day0Source: () => Promise<{ day0: string | null } | undefined>,
    reanchoring: boolean,
  ): Promise<ScheduleResult> {
    const template = await this.settings.template();
    return this.tx.run(async (uow) => {
      const facts = await this.visits.allocationFacts(participantId, uow.em);
      if (!facts) {
        throw FollowUpErrors.notRandomised();
      }
      const change = facts.arm === 'A' || reanchoring ? await day0Source() : undefined;
      if (change?.day0 && facts.arm !== 'A') {
        throw FollowUpErrors.armBHasNoDay0();
      }
      const schedule = await this.visits.lockSchedule(participantId, uow.em);
      const now = this.clock.now();
      const ended: ScheduleResult = {
        participantId,
        status: 'cancelled',
        created: [],
        moved: [],
        keptLogged: [],
        withdrawn: [],
        transplantDay0: schedule.transplantDay0,
      };
      if (schedule.status === 'cancelled') {
        return ended;
      }
      if (OFF_STUDY_STATUSES.includes(facts.participantStatus)) {
        // Follow-up ended before the schedule existed (cancelRemaining was not called): record it.
        await this.cancelRemaining(
          uow,
          participantId,
          `participant ${facts.participantStatus.replace(/_/g, ' ')}`,
        );
        return ended;
      }

      const transplantDay0 =
        facts.arm === 'A' ? (change ? change.day0 : schedule.transplantDay0) : null;
      const anchorDate = randomisationAnchorDate(facts.randomisedAt, facts.timeZone);
      const existing = await this.visits.visitsOf(participantId, uow.em);
      const present = new Set(existing.map((v) => v.code));

      const planned = buildSchedule({
        randomisedAt: facts.randomisedAt,
        siteTimeZone: facts.timeZone,
        arm: facts.arm,
        template,
      });
      const toCreate: PlannedVisit[] = planned.filter((v) => !present.has(v.code));

      const armA = existing.filter((v) => v.kind === 'arm_a_weekly');
      const parked = (v: VisitEntity) =>
        v.status === 'cancelled' && v.cancelReason === DAY0_CLEARED;
      let moved: VisitMove[] = [];
      let keptLogged: string[] = [];
      let reopened: VisitEntity[] = [];
      let withdrawn: { id: string; code: string }[] = [];
      if (transplantDay0 !== null) {
        const frozen = armA
          .filter((v) => v.status === 'logged' || (v.status === 'cancelled' && !parked(v)))
          .map((v) => v.code);
        const result = reanchorArmA(armA.map(toPlanned), transplantDay0, frozen, template);
        moved = result.moved;
        keptLogged = result.keptLogged.filter((code) =>
          armA.some((v) => v.code === code && v.status === 'logged'),
        );
        toCreate.push(...result.created);
        const movedCodes = new Set(moved.map((m) => m.code));
        reopened = armA.filter((v) => parked(v) && !movedCodes.has(v.code));
      } else if (armA.some((v) => v.status === 'scheduled' || v.status === 'missed')) {
        withdrawn = await this.visits.parkArmAVisits(participantId, DAY0_CLEARED, now, uow.em);
      }

      const created = await this.visits.insertVisits(
        participantId,
        facts.siteId,
        toCreate.map((v) => labelled(v, template)),
        uow.em,
      );
      const idOf = new Map(existing.map((v) => [v.code, v.id]));
      for (const move of moved) {
        const id = idOf.get(move.code);
        if (id) {
          await this.visits.moveVisit(id, move.to, now, uow.em);
        }
      }
      for (const v of reopened) {
        await this.visits.moveVisit(v.id, v, now, uow.em);
      }

      const scheduleChanged =
        schedule.generatedAt === null ||
        schedule.anchorDate !== anchorDate ||
        schedule.transplantDay0 !== transplantDay0 ||
        schedule.siteId !== facts.siteId ||
        schedule.templateId !== template.id;
      if (scheduleChanged) {
        await this.visits.saveSchedule(
          {
            participantId,
            siteId: facts.siteId,
            templateId: template.id,
            timeZone: facts.timeZone,
            anchorDate,
            transplantDay0,
          },
          now,
          uow.em,
        );
      }

      const movedSummary = moved.map((m) => ({
        code: m.code,
        from: m.from.targetDate,
        to: m.to.targetDate,
      }));
      const withdrawnCodes = withdrawn.map((w) => w.code).sort();
      if (
        created.length > 0 ||
        moved.length > 0 ||
        reopened.length > 0 ||
        withdrawn.length > 0 ||
        scheduleChanged
      ) {
        uow.audit({
          action: reanchoring ? 'follow-up.schedule_reanchored' : 'follow-up.schedule_generated',
          entity: 'participant',
          entityId: participantId,
          before: { anchorDate: schedule.anchorDate, transplantDay0: schedule.transplantDay0 },
          after: {
            anchorDate,
            transplantDay0,
            templateId: template.id,
            created,
            moved: movedSummary,
            reopened: reopened.map((v) => v.code),
            cancelled: withdrawnCodes,
            keptLogged,
          },
        });
      }
      return {
        participantId,
        status: 'active',
        created,
        moved: movedSummary,
        keptLogged,
        withdrawn: withdrawnCodes,
        transplantDay0,
      };
    });
  }
}
