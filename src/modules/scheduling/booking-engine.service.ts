import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { compareDates, dateInZone, type IsoDate, maxDate } from 'src/common/time/calendar-date';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { TrialsService } from 'src/modules/trials/trials.service';
import {
  earliestAdmissionDate,
  quarterEnd,
  quarterOfDate,
  quarterRange,
} from './calendar/quarters';
import type { AllocationRow, CentreRow, QuarterUsage } from './booking.entity';
import { isPgError, runBookingTransaction } from './booking-transaction';
import { enqueueNotice, flagForReview } from './scheduling-notices';
import { readSchedulingSettings, type SchedulingSettings } from './scheduling-settings';
import { SchedulingErrors } from './scheduling.errors';
import {
  type AllocationState,
  type BookingChanges,
  type LatestBooking,
  NOT_BOOKABLE_PARTICIPANT_STATUSES,
  SchedulingRepository,
} from './scheduling.repository';
import {
  assessWait,
  firstFree,
  moveUpAdmission,
  type SlotOption,
  slotOptions,
  waitDays,
} from './slot-rules';
import { BOOKING_ENTITY } from './treatment-plan.service';

/** How many earlier, not yet booked arm-A participants one booking transaction books first. */
const CATCH_UP_LIMIT = 50;
/** A freed place can ripple through at most this many moves (one per later quarter). */
const MAX_CASCADE = 60;

type Placeable = Pick<AllocationRow, 'participantId' | 'trialId' | 'siteId' | 'randomisedAt'>;

/** A booking's dates in the centre's zone and the quarters it could take, computed before the lock. */
type PreparedPlacement = {
  zone: string;
  randomisationDate: IsoDate;
  earliest: IsoDate;
  options: SlotOption[];
};

/**
 * The booking engine: places arm-A participants in the earliest quarter with a free place at their
 * centre (earlier participants first, in randomisation order), and moves the longest-waiting ones
 * up when a place is given back. Every write to a centre's places runs under the centre's booking
 * lock (its row of `transplant_centre_locks`), which capacity changes take too; the database
 * trigger on transplant_bookings re-checks capacity.
 */
@Injectable()
export class BookingEngineService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly trials: TrialsService,
  ) {}

  /**
   * Books the arm-A participant's transplant slot (the `scheduling.book-slot` job). Idempotent:
   * an existing booking is returned as it is. With `rebook` (a person asking), a participant whose
   * earlier bookings all ended gets a new one; the job never re-books. Returns the booking id, or
   * null for arm B (and test-environment allocations, and for the job when the intervention was
   * discontinued).
   */
  /**
   * Has `scheduling.book-slot` nothing (more) to do for this participant: a booking exists, live
   * or ended, or the allocation is not a production arm-A one? Asked by the outbox reconciliation.
   */
  async bookingSettled(participantId: string): Promise<boolean> {
    const alloc = await this.repo.allocationOf(participantId);
    return (
      !alloc || alloc.arm !== 'A' || alloc.environment !== 'production' || alloc.latest !== null
    );
  }

  async bookForParticipant(
    participantId: string,
    opts: { rebook?: boolean } = {},
  ): Promise<string | null> {
    const settings = await this.settings();
    const alloc = await this.repo.allocationOf(participantId);
    if (!alloc) {
      throw SchedulingErrors.notAllocated();
    }
    if (alloc.arm !== 'A' || alloc.environment !== 'production') {
      return null;
    }
    // The live booking settles the request; without `rebook` so does an ended one.
    const settled = (latest: LatestBooking | null) =>
      latest && (latest.active || opts.rebook !== true) ? latest.id : null;
    let id = settled(alloc.latest);
    if (!id) {
      if (NOT_BOOKABLE_PARTICIPANT_STATUSES.includes(alloc.participantStatus)) {
        throw SchedulingErrors.notBookable(alloc.participantStatus);
      }
      if (alloc.discontinued) {
        // The job of an allocation whose intervention was stopped before it ran has nothing to do.
        if (opts.rebook !== true) {
          return null;
        }
        throw SchedulingErrors.discontinued();
      }
      const target = await this.centreFor(alloc, settings);
      // All date arithmetic before the lock: under it, booking is a lookup and an insert.
      const now = this.clock.now();
      const prepared = this.prepare(alloc, target.timeZone, settings, now);
      const window = this.usageWindow(target.timeZone, settings, now);
      try {
        id = await runBookingTransaction(this.tx, async (uow) => {
          const centre = await this.repo.lockCentre(target.id, uow.em);
          if (!centre?.isCentre) {
            throw SchedulingErrors.noCentre();
          }
          const context = await this.repo.bookingContext(
            centre.id,
            alloc,
            window,
            CATCH_UP_LIMIT,
            uow.em,
          );
          // Under the lock: another transaction may have booked this participant meanwhile.
          const again = settled(context.latest);
          if (again) {
            return again;
          }
          const usage = new Map(context.usage.map((u) => [u.quarter, u]));
          // Keep places in randomisation order whatever order the jobs run in.
          for (const other of context.earlier) {
            await this.place(uow, other, centre, settings, now, null, usage);
          }
          return this.place(uow, alloc, centre, settings, now, null, usage, prepared);
        });
      } catch (error) {
        // A concurrent transaction at another centre booked the same participant first.
        if (!isPgError(error, '23505', 'transplant_bookings_one_active')) {
          throw error;
        }
        const existing = await this.repo.activeBookingId(participantId);
        if (!existing) {
          throw error;
        }
        id = existing;
      }
    }
    return id;
  }

  /**
   * Ends the participant's live booking in the caller's transaction (withdrawal, death, loss to
   * follow-up, discontinuation of the intervention): `cancelled`, or `not_done` when the transplant
   * will not happen for a clinical reason. The place frees and the longest-waiting participant
   * moves up. A booking whose day 0 is recorded stays as it is (the transplant was given). Returns
   * the ended booking's id (null when there was nothing to end) and who moved up.
   */
  async endForParticipant(
    uow: UnitOfWork,
    participantId: string,
    end: { status: 'cancelled' | 'not_done'; reason: string; action: string },
  ): Promise<{ bookingId: string | null; movedUp: string[] }> {
    const found = await this.repo.activeBookingOf(participantId, uow.em);
    if (!found || found.transplantDay0 || found.status === 'done') {
      return { bookingId: null, movedUp: [] };
    }
    const centre = await this.repo.lockCentre(found.centreId, uow.em);
    const b = await this.repo.findBooking(found.id, null, uow.em, true);
    if (!centre || !b || (b.status !== 'booked' && b.status !== 'waitlisted') || b.transplantDay0) {
      return { bookingId: null, movedUp: [] };
    }
    const now = this.clock.now();
    const changes: BookingChanges = {
      status: end.status,
      endedReason: end.reason,
      endedAt: now,
      ...(end.status === 'not_done'
        ? { notReceivedCode: 'transplant_not_done' as const, notReceivedReason: end.reason }
        : {}),
      ...(b.reviewStatus === 'pending' ? { reviewStatus: 'resolved' as const } : {}),
    };
    await this.repo.updateBooking(b.id, changes, now, uow.em);
    uow.audit({
      action: end.action,
      entity: BOOKING_ENTITY,
      entityId: b.id,
      before: {
        status: b.status,
        quarter: b.quarter,
        plannedAdmissionDate: b.plannedAdmissionDate,
      },
      after: { status: end.status, participantId },
      reason: end.reason,
    });
    const movedUp =
      b.status === 'booked' && b.quarter
        ? await this.freeAndMoveUp(uow, centre, b.quarter, now, null)
        : [];
    return { bookingId: b.id, movedUp };
  }

  /**
   * Books an arm-A participant again in the caller's transaction (a discontinuation undone): the
   * earliest free quarter at the centre, as a first booking would. Nothing when the participant is
   * not arm A, already has a live booking, or can no longer be booked.
   */
  async rebookInTransaction(uow: UnitOfWork, participantId: string): Promise<string | null> {
    const alloc = await this.repo.allocationOf(participantId, uow.em);
    if (
      !alloc ||
      alloc.arm !== 'A' ||
      alloc.environment !== 'production' ||
      alloc.latest?.active ||
      alloc.discontinued ||
      NOT_BOOKABLE_PARTICIPANT_STATUSES.includes(alloc.participantStatus)
    ) {
      return null;
    }
    const settings = await this.settings();
    const target = await this.centreFor(alloc, settings);
    const centre = await this.repo.lockCentre(target.id, uow.em);
    if (!centre?.isCentre) {
      throw SchedulingErrors.noCentre();
    }
    return this.place(uow, alloc, centre, settings, this.clock.now(), null);
  }

  /**
   * Gives every free place of the centre's horizon to the longest-waiting participants, in
   * randomisation order (after capacity was raised, or on request). The centre must be locked.
   */
  async fillCentre(uow: UnitOfWork, centre: CentreRow, now: Date): Promise<string[]> {
    const settings = await this.settings();
    const moved: string[] = [];
    for (const quarter of quarterRange(
      quarterOfDate(dateInZone(now, centre.timeZone)),
      settings.horizonQuarters,
    )) {
      for (let guard = 0; guard < 100; guard++) {
        const step = await this.freeAndMoveUp(uow, centre, quarter, now, null);
        if (step.length === 0) {
          break;
        }
        moved.push(...step);
      }
    }
    return moved;
  }

  /**
   * Has `scheduling.fill-centre` nothing (more) to do for this centre: no free place in its horizon
   * that a waiting (or later-booked) participant could move into, as `fillCentre` would find it
   * now (its first step per quarter, read without locks)? Also true for an unknown or former centre.
   * Asked by the outbox reconciliation before re-sending a lost job.
   */
  async fillSettled(centreId: string): Promise<boolean> {
    const centre = await this.repo.findCentre(centreId);
    if (!centre?.isCentre) {
      return true;
    }
    const settings = await this.settings();
    const today = dateInZone(this.clock.now(), centre.timeZone);
    for (const quarter of quarterRange(quarterOfDate(today), settings.horizonQuarters)) {
      const end = quarterEnd(quarter);
      const [usage] = await this.repo.quarterUsage(centre.id, [quarter]);
      if (compareDates(end, today) < 0 || !usage || usage.used >= usage.capacity) {
        continue;
      }
      const c = await this.repo.moveUpCandidate(centre.id, quarter, end, null, undefined, false);
      if (c && moveUpAdmission(quarter, c.earliestAdmissionDate, today)) {
        return false;
      }
    }
    return true;
  }

  /** `fillCentre` in a transaction of its own (the `scheduling.fill-centre` job); idempotent. */
  async fillCentreById(centreId: string): Promise<string[]> {
    await this.settings();
    return runBookingTransaction(this.tx, async (uow) => {
      const centre = await this.repo.lockCentre(centreId, uow.em);
      return centre?.isCentre ? this.fillCentre(uow, centre, this.clock.now()) : [];
    });
  }

  /** Inserts a booking in the earliest quarter with a free place (or on the waitlist). Centre locked. */
  async place(
    uow: UnitOfWork,
    who: Placeable,
    centre: CentreRow,
    s: SchedulingSettings,
    now: Date,
    referredFromId: string | null,
    known?: Map<string, QuarterUsage>,
    prepared?: PreparedPlacement,
  ): Promise<string> {
    const p =
      prepared?.zone === centre.timeZone ? prepared : this.prepare(who, centre.timeZone, s, now);
    const { randomisationDate, earliest } = p;
    // Usage read under the centre lock stays true while we hold it; we count our own inserts.
    const usage = known ?? new Map<string, QuarterUsage>();
    const missing = p.options.map((o) => o.quarter).filter((q) => !usage.has(q));
    if (missing.length > 0) {
      for (const u of await this.repo.quarterUsage(centre.id, missing, uow.em)) {
        usage.set(u.quarter, u);
      }
    }
    const choice = firstFree(p.options, usage);
    const slot = choice ? { quarter: choice.quarter, earliestAdmission: choice.admission } : null;
    const exceedsLimit = choice ? choice.exceedsLimit : true;
    const wait = choice ? { days: waitDays(randomisationDate, choice.admission) } : null;
    const id = await this.repo.insertBooking(
      {
        trialId: who.trialId,
        participantId: who.participantId,
        siteId: who.siteId,
        centreId: centre.id,
        status: slot ? 'booked' : 'waitlisted',
        quarter: slot?.quarter ?? null,
        plannedAdmissionDate: slot?.earliestAdmission ?? null,
        randomisedAt: who.randomisedAt,
        randomisationDate,
        earliestAdmissionDate: earliest,
        waitLimitMonths: s.waitLimitMonths,
        reviewStatus: exceedsLimit ? 'pending' : 'not_required',
        flaggedAt: exceedsLimit ? now : null,
        referredFromId,
        planConfig: s.plan,
        now,
      },
      uow.em,
    );
    if (slot) {
      const u = usage.get(slot.quarter) as QuarterUsage;
      usage.set(slot.quarter, { ...u, used: u.used + 1 });
    }
    uow.audit({
      action: slot ? 'scheduling.slot_booked' : 'scheduling.waitlisted',
      entity: BOOKING_ENTITY,
      entityId: id,
      after: {
        participantId: who.participantId,
        centreId: centre.id,
        status: slot ? 'booked' : 'waitlisted',
        quarter: slot?.quarter ?? null,
        plannedAdmissionDate: slot?.earliestAdmission ?? null,
        earliestAdmissionDate: earliest,
        waitDays: wait?.days ?? null,
        referredFromId,
      },
    });
    if (exceedsLimit) {
      flagForReview(uow, id, 0, {
        quarter: slot?.quarter ?? null,
        plannedAdmissionDate: slot?.earliestAdmission ?? null,
      });
    }
    return id;
  }

  /**
   * A place in `quarter` was given back: the longest-waiting participant who would be admitted
   * earlier with it moves in, which frees their own later place for the next one, and so on.
   * Each participant moves at most once per freed place. The centre must be locked.
   */
  async freeAndMoveUp(
    uow: UnitOfWork,
    centre: CentreRow,
    quarter: string,
    now: Date,
    excludeId: string | null,
  ): Promise<string[]> {
    const moved: string[] = [];
    const today = dateInZone(now, centre.timeZone);
    let freed: string | null = quarter;
    for (let hop = 0; freed !== null && hop < MAX_CASCADE; hop++) {
      const q: string = freed;
      freed = null;
      const end = quarterEnd(q);
      if (compareDates(end, today) < 0) {
        break;
      }
      const [usage] = await this.repo.quarterUsage(centre.id, [q], uow.em);
      if (usage.used >= usage.capacity) {
        break;
      }
      const c = await this.repo.moveUpCandidate(centre.id, q, end, excludeId, uow.em);
      if (!c) {
        break;
      }
      const admission = moveUpAdmission(q, c.earliestAdmissionDate, today);
      if (!admission) {
        break;
      }
      const { exceedsLimit } = assessWait(c.randomisationDate, admission, c.waitLimitMonths);
      const changes: BookingChanges = {
        status: 'booked',
        quarter: q,
        plannedAdmissionDate: admission,
      };
      if (c.reviewStatus === 'pending' && !exceedsLimit) {
        changes.reviewStatus = 'resolved';
      }
      await this.repo.updateBooking(c.id, changes, now, uow.em);
      uow.audit({
        action: 'scheduling.booking_moved_up',
        entity: BOOKING_ENTITY,
        entityId: c.id,
        before: {
          status: c.status,
          quarter: c.quarter,
          plannedAdmissionDate: c.plannedAdmissionDate,
          reviewStatus: c.reviewStatus,
        },
        after: {
          status: 'booked',
          quarter: q,
          plannedAdmissionDate: admission,
          reviewStatus: changes.reviewStatus ?? c.reviewStatus,
        },
        reason: `A place became free in ${q}`,
      });
      enqueueNotice(uow, c.id, 'moved_up', `${q}:v${c.version + 1}`);
      moved.push(c.id);
      if (c.status === 'booked' && c.quarter !== null) {
        freed = c.quarter;
      }
    }
    return moved;
  }

  /** The trial's scheduling settings (a bad configuration is refused). */
  async settings(): Promise<SchedulingSettings> {
    const trial = await this.trials.current();
    const s = readSchedulingSettings(trial.settings);
    if ('problems' in s) {
      throw SchedulingErrors.badConfig(s.problems);
    }
    return s;
  }

  /** The centre serving the participant's site (or, failing that, the one configured for the country). */
  private async centreFor(
    alloc: AllocationState,
    s: SchedulingSettings,
  ): Promise<{ id: string; timeZone: string }> {
    if (alloc.siteCentreId && alloc.centreTimeZone) {
      return { id: alloc.siteCentreId, timeZone: alloc.centreTimeZone };
    }
    const id = await this.centreIdByCountry(alloc.trialId, alloc.siteCountry, s);
    const centre = await this.repo.findCentre(id);
    if (!centre) {
      throw SchedulingErrors.noCentre();
    }
    return { id, timeZone: centre.timeZone };
  }

  /** The centre the settings assign to the site's country. */
  async centreIdByCountry(
    trialId: string,
    country: string,
    s: SchedulingSettings,
  ): Promise<string> {
    const code = s.centreByCountry[country];
    const centre = code ? await this.repo.centreByCode(trialId, country, code) : null;
    if (!centre?.isCentre) {
      throw SchedulingErrors.noCentre();
    }
    return centre.id;
  }

  /** Quarters whose usage a booking may need: from the current one over the lead time and the horizon. */
  private usageWindow(zone: string, s: SchedulingSettings, now: Date): string[] {
    return quarterRange(
      quarterOfDate(dateInZone(now, zone)),
      s.horizonQuarters + Math.ceil(s.leadTimeDays / 90) + 1,
    );
  }

  /** The dates of a booking in the centre's zone and every quarter it could take (no I/O). */
  private prepare(
    who: Placeable,
    zone: string,
    s: SchedulingSettings,
    now: Date,
  ): PreparedPlacement {
    const randomisationDate = dateInZone(who.randomisedAt, zone);
    const earliest = maxDate(
      earliestAdmissionDate(who.randomisedAt, s.leadTimeDays, zone),
      dateInZone(now, zone),
    );
    return {
      zone,
      randomisationDate,
      earliest,
      options: slotOptions(randomisationDate, earliest, s.horizonQuarters, s.waitLimitMonths),
    };
  }
}
