import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import { type Page, pageOf } from 'src/common/validation/page';
import { TransactionRunner, UnitOfWork } from 'src/kernel/unit-of-work';
import { siteScope } from 'src/common/context/site-scope';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { SitesService } from 'src/modules/sites/sites.service';
import { TrialsService } from 'src/modules/trials/trials.service';
import { UsersService } from 'src/modules/users/users.service';
import { compareDates, dateInZone, type IsoDate, maxDate } from 'src/common/time/calendar-date';
import {
  earliestAdmissionDate,
  quarterEnd,
  quarterOfDate,
  quarterRange,
  type QuarterSlot,
} from './calendar/quarters';
import type { AllocationRow, BookingRow, CentreRow, QuarterUsage } from './booking.entity';
import type {
  BookingResponseDto,
  CancelBookingDto,
  ListBookingsQueryDto,
  MoveAdmissionDto,
  ReviewBookingDto,
} from './dto/booking.dto';
import { readSchedulingSettings, type SchedulingSettings } from './scheduling-settings';
import { SchedulingErrors } from './scheduling.errors';
import {
  type NotifyJobData,
  SchedulingNoticeJob,
  type SchedulingNoticeKind,
} from './scheduling.jobs';
import { auditedBooking, toBookingResponse } from './scheduling.mapper';
import {
  type AllocationState,
  type BookingChanges,
  type LatestBooking,
  NOT_BOOKABLE_PARTICIPANT_STATUSES,
  SchedulingRepository,
  type Scope,
} from './scheduling.repository';
import {
  assessWait,
  chooseSlot,
  firstFree,
  type SlotOption,
  slotOptions,
  waitDays,
  describeWait,
  moveUpAdmission,
  quarterLabel,
  type WaitAssessment,
} from './slot-rules';
import { InterventionReceipts } from 'src/modules/randomization/intervention-receipts.api';
import { BOOKING_ENTITY, TreatmentPlanService } from './treatment-plan.service';

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

export type TransplantDay0 = {
  /** 'YYYY-MM-DD' in the centre's zone. */
  date: IsoDate;
  /** true: the reinfusion was recorded; false: planned (admission + conditioning days). */
  recorded: boolean;
  bookingId: string;
};

export type ProjectedSlot = {
  slot: QuarterSlot | null;
  today: IsoDate;
  assessment: WaitAssessment;
};

const isPgError = (e: unknown, code: string, constraint?: string): boolean => {
  const err = e as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const c = err.driverError?.code ?? err.code;
  const name = err.driverError?.constraint ?? err.constraint;
  return c === code && (constraint === undefined || name === constraint);
};

/**
 * Transplant slots: booking arm-A participants into the earliest quarter with a free place at
 * their centre, the waiting-time rule and its review, cancellations and moves with automatic
 * move-up, and the read API other modules use (readiness warning, day 0).
 *
 * Every write to a centre's places runs under the centre's booking lock (its row of
 * `transplant_centre_locks`), which capacity changes take too; the database trigger on
 * transplant_bookings re-checks capacity.
 */
@Injectable()
export class SchedulingService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly trials: TrialsService,
    private readonly sites: SitesService,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
    private readonly plans: TreatmentPlanService,
    private readonly receipts: InterventionReceipts,
  ) {}

  /** Takes the centre's booking lock in the caller's transaction (see SchedulingRepository.lockCentre). */
  async lockCentre(uow: UnitOfWork, centreId: string): Promise<void> {
    await this.repo.lockCentre(centreId, uow.em);
  }

  // ---- API for other modules ----------------------------------------------------------------

  /**
   * Books the arm-A participant's transplant slot (the `scheduling.book-slot` job). Idempotent:
   * an existing booking is returned as it is. With `rebook` (a person asking), a participant whose
   * earlier bookings all ended gets a new one; the job never re-books. Returns the booking id, or
   * null for arm B (and test-environment allocations).
   */
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
      const target = await this.centreFor(alloc, settings);
      // All date arithmetic before the lock: under it, booking is a lookup and an insert.
      const now = this.clock.now();
      const prepared = this.prepare(alloc, target.timeZone, settings, now);
      const window = this.usageWindow(target.timeZone, settings, now);
      try {
        id = await this.run(async (uow) => {
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
   * The arm-agnostic readiness warning for randomisation at a site: what an arm-A allocation made
   * now would wait, from the centre's current free places. Null when within the limit. It reads
   * capacity only, so it reveals nothing about the next allocation.
   */
  async armAReadinessWarning(siteId: string): Promise<string | null> {
    const site = await this.repo.siteWithCentre(siteId, null);
    if (!site) {
      throw SchedulingErrors.siteNotFound();
    }
    const settings = await this.settings();
    const centreId =
      site.centreId ??
      (await this.centreIdByCountry(site.trialId, site.countryCode, settings).catch(() => null));
    const centre = centreId ? await this.repo.findCentre(centreId) : null;
    if (!centre?.isCentre) {
      return 'No transplant centre serves this site: if allocated to aHSCT, no transplant slot could be booked.';
    }
    const { slot, assessment } = await this.projectSlot(centre, settings, this.clock.now());
    if (!assessment.exceedsLimit) {
      return null;
    }
    const limit = `${settings.waitLimitMonths} month${settings.waitLimitMonths === 1 ? '' : 's'}`;
    if (!slot || !assessment.wait) {
      return `If allocated to aHSCT, no transplant slot at ${centre.name} is free within the next ${settings.horizonQuarters} quarters: the participant would be waitlisted, beyond the waiting-time limit of ${limit}.`;
    }
    return `If allocated to aHSCT, the earliest slot at ${centre.name} is in ${quarterLabel(slot.quarter)} (admission from ${slot.earliestAdmission}, ${describeWait(assessment.wait)} after randomisation today), beyond the waiting-time limit of ${limit}.`;
  }

  /** Transplant day 0 of the participant's live booking: recorded if the reinfusion is, else planned. */
  async transplantDay0(participantId: string): Promise<TransplantDay0 | null> {
    const b = await this.repo.activeBookingOf(participantId);
    if (!b) {
      return null;
    }
    if (b.transplantDay0) {
      return { date: b.transplantDay0, recorded: true, bookingId: b.id };
    }
    const plan = (await this.plans.plansFor([b])).get(b.id);
    return plan ? { date: plan.plannedTransplantDay0, recorded: false, bookingId: b.id } : null;
  }

  /** When an arm-A allocation made at `now` would be admitted at the centre (no lock, read only). */
  async projectSlot(
    centre: CentreRow,
    settings: SchedulingSettings,
    now: Date,
  ): Promise<ProjectedSlot> {
    const today = dateInZone(now, centre.timeZone);
    const earliest = earliestAdmissionDate(now, settings.leadTimeDays, centre.timeZone);
    const usage = await this.repo.quarterUsage(
      centre.id,
      quarterRange(quarterOfDate(earliest), settings.horizonQuarters),
    );
    const slot = chooseSlot(earliest, usage, settings.horizonQuarters);
    return {
      slot,
      today,
      assessment: assessWait(today, slot?.earliestAdmission ?? null, settings.waitLimitMonths),
    };
  }

  // ---- HTTP use cases -----------------------------------------------------------------------

  async readinessForActor(siteId: string, actor: Actor): Promise<string | null> {
    if (!(await this.repo.siteWithCentre(siteId, siteScope(actor)))) {
      throw SchedulingErrors.siteNotFound();
    }
    return this.armAReadinessWarning(siteId);
  }

  async book(participantId: string, actor: Actor): Promise<BookingResponseDto> {
    if (!(await this.repo.participantInScope(participantId, siteScope(actor)))) {
      throw SchedulingErrors.participantNotFound();
    }
    const alloc = await this.repo.allocationOf(participantId);
    if (!alloc) {
      throw SchedulingErrors.notAllocated();
    }
    if (alloc.arm !== 'A') {
      throw SchedulingErrors.notArmA();
    }
    const id = await this.bookForParticipant(participantId, { rebook: true });
    const booking = id ? await this.repo.findBooking(id, null) : null;
    if (!booking) {
      throw SchedulingErrors.notArmA();
    }
    return this.withPlan(booking);
  }

  async get(id: string, actor: Actor): Promise<BookingResponseDto> {
    const b = await this.repo.findBooking(id, siteScope(actor));
    if (!b) {
      throw SchedulingErrors.bookingNotFound();
    }
    return this.withPlan(b);
  }

  async ofParticipant(participantId: string, actor: Actor): Promise<BookingResponseDto[]> {
    const scope = siteScope(actor);
    if (!(await this.repo.participantInScope(participantId, scope))) {
      throw SchedulingErrors.participantNotFound();
    }
    const rows = await this.repo.bookingsOfParticipant(participantId, scope);
    const plans = await this.plans.plansFor(rows);
    return rows.map((b) => toBookingResponse(b, plans.get(b.id) ?? null));
  }

  async list(query: ListBookingsQueryDto, actor: Actor): Promise<Page<BookingResponseDto>> {
    const { page, pageSize } = pageOf(query);
    const { items, total } = await this.repo.listBookings(
      {
        centreId: query.centreId,
        siteId: query.siteId,
        status: query.status,
        quarter: query.quarter,
        reviewStatus: query.reviewStatus,
      },
      siteScope(actor),
      page,
      pageSize,
    );
    return { items: items.map((b) => toBookingResponse(b)), total, page, pageSize };
  }

  /** The centre sets or moves the planned admission date; another quarter needs a free place there. */
  async moveAdmission(
    id: string,
    dto: MoveAdmissionDto,
    actor: Actor,
  ): Promise<{ booking: BookingResponseDto; movedUp: string[] }> {
    const scope = siteScope(actor);
    const found = await this.repo.findBooking(id, scope);
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    this.assertCentreStaff(found, scope);
    const movedUp = await this.run(async (uow) => {
      const { centre, booking: b } = await this.lockBooking(uow, found);
      if (b.status !== 'booked' && b.status !== 'waitlisted') {
        throw SchedulingErrors.notActive(b.status);
      }
      const now = this.clock.now();
      const today = dateInZone(now, centre.timeZone);
      const date = dto.plannedAdmissionDate;
      if (compareDates(date, b.earliestAdmissionDate) < 0) {
        throw SchedulingErrors.badInput(
          `plannedAdmissionDate must not be before the earliest admission ${b.earliestAdmissionDate} (randomisation + lead time)`,
        );
      }
      if (compareDates(date, today) < 0) {
        throw SchedulingErrors.badInput(
          `plannedAdmissionDate must not be in the past (today is ${today} at the centre)`,
        );
      }
      const target = quarterOfDate(date);
      const sameQuarter = b.status === 'booked' && b.quarter === target;
      if (!sameQuarter) {
        const [usage] = await this.repo.quarterUsage(centre.id, [target], uow.em);
        if (usage.used >= usage.capacity) {
          throw SchedulingErrors.quarterFull(target);
        }
      }
      const changes: BookingChanges = {
        status: 'booked',
        quarter: target,
        plannedAdmissionDate: date,
      };
      const { exceedsLimit } = assessWait(b.randomisationDate, date, b.waitLimitMonths);
      const flag =
        exceedsLimit && (b.reviewStatus === 'not_required' || b.reviewStatus === 'resolved');
      if (flag) {
        Object.assign(changes, { reviewStatus: 'pending', flaggedAt: now });
      }
      if (!exceedsLimit && b.reviewStatus === 'pending') {
        changes.reviewStatus = 'resolved';
      }
      await this.repo.updateBooking(b.id, changes, now, uow.em);
      uow.audit({
        action: 'scheduling.admission_moved',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: {
          status: b.status,
          quarter: b.quarter,
          plannedAdmissionDate: b.plannedAdmissionDate,
          reviewStatus: b.reviewStatus,
        },
        after: {
          status: 'booked',
          quarter: target,
          plannedAdmissionDate: date,
          reviewStatus: changes.reviewStatus ?? b.reviewStatus,
        },
        reason: dto.reason,
      });
      if (flag) {
        this.flagForReview(uow, b.id, b.version + 1, {
          quarter: target,
          plannedAdmissionDate: date,
        });
      }
      const freed =
        b.status === 'booked' && b.quarter !== null && b.quarter !== target ? b.quarter : null;
      return freed ? this.freeAndMoveUp(uow, centre, freed, now, b.id) : [];
    });
    return { booking: await this.get(id, actor), movedUp };
  }

  /** Cancels a booking (postponed, withdrawn…) or ends it for good (`final`: transplant not done). */
  async cancel(
    id: string,
    dto: CancelBookingDto,
    actor: Actor,
  ): Promise<{ booking: BookingResponseDto; movedUp: string[] }> {
    const found = await this.repo.findBooking(id, siteScope(actor));
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    const movedUp = await this.run(async (uow) => {
      const { centre, booking: b } = await this.lockBooking(uow, found);
      if (b.status !== 'booked' && b.status !== 'waitlisted') {
        throw SchedulingErrors.notActive(b.status);
      }
      const now = this.clock.now();
      const final = dto.final === true;
      const changes: BookingChanges = {
        status: final ? 'not_done' : 'cancelled',
        endedReason: dto.reason,
        endedAt: now,
        ...(final
          ? { notReceivedCode: 'transplant_not_done' as const, notReceivedReason: dto.reason }
          : {}),
        ...(b.reviewStatus === 'pending' ? { reviewStatus: 'resolved' as const } : {}),
      };
      await this.repo.updateBooking(b.id, changes, now, uow.em);
      uow.audit({
        action: final ? 'scheduling.booking_not_done' : 'scheduling.booking_cancelled',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: auditedBooking(b),
        after: { status: changes.status, notReceivedCode: changes.notReceivedCode ?? null },
        reason: dto.reason,
      });
      if (final) {
        await this.receipts.record(
          uow,
          b.participantId,
          { received: false, reasonCode: 'transplant_not_done', note: dto.reason },
          'transplant recorded as not done',
        );
      }
      return b.status === 'booked' && b.quarter
        ? this.freeAndMoveUp(uow, centre, b.quarter, now, null)
        : [];
    });
    return { booking: await this.get(id, actor), movedUp };
  }

  /** Records the one outcome of a waiting-time review. */
  async review(
    id: string,
    dto: ReviewBookingDto,
    actor: Actor,
  ): Promise<{
    booking: BookingResponseDto;
    referral: BookingResponseDto | null;
    movedUp: string[];
  }> {
    if (dto.outcome === 'refer' && !dto.centreId) {
      throw SchedulingErrors.badInput('centreId is required when outcome is refer');
    }
    if (dto.outcome !== 'refer' && dto.centreId) {
      throw SchedulingErrors.badInput('centreId is only allowed when outcome is refer');
    }
    const found = await this.repo.findBooking(id, siteScope(actor));
    if (!found) {
      throw SchedulingErrors.bookingNotFound();
    }
    const settings = await this.settings();
    let target: CentreRow | null = null;
    if (dto.outcome === 'refer') {
      target = await this.repo.findCentre(dto.centreId as string);
      if (!target?.isCentre) {
        throw SchedulingErrors.notACentre('centreId');
      }
      if (target.id === found.centreId) {
        throw SchedulingErrors.sameCentre();
      }
    }
    const result = await this.run(async (uow) => {
      // Lock both centres in a fixed order so two referrals in opposite directions cannot deadlock.
      const lockIds = [found.centreId, ...(target ? [target.id] : [])].sort();
      const locked = new Map<string, CentreRow>();
      for (const cid of lockIds) {
        const c = await this.repo.lockCentre(cid, uow.em);
        if (c) {
          locked.set(cid, c);
        }
      }
      const centre = locked.get(found.centreId);
      const b = await this.repo.findBooking(id, null, uow.em, true);
      if (!b || !centre) {
        throw SchedulingErrors.bookingNotFound();
      }
      if (b.reviewStatus !== 'pending') {
        throw SchedulingErrors.reviewNotPending(b.reviewStatus);
      }
      if (b.status !== 'booked' && b.status !== 'waitlisted') {
        throw SchedulingErrors.notActive(b.status);
      }
      const now = this.clock.now();
      const reviewed = { reviewReason: dto.reason, reviewedBy: actor.id, reviewedAt: now };
      const held = b.status === 'booked' && b.quarter !== null ? b.quarter : null;
      uow.audit({
        action: 'scheduling.review_recorded',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: {
          reviewStatus: b.reviewStatus,
          status: b.status,
          quarter: b.quarter,
          plannedAdmissionDate: b.plannedAdmissionDate,
        },
        after: { outcome: dto.outcome, referredToCentreId: target?.id ?? null },
        reason: dto.reason,
      });
      if (dto.outcome === 'accept_wait') {
        await this.repo.updateBooking(b.id, { ...reviewed, reviewStatus: 'accepted' }, now, uow.em);
        return { referralId: null, movedUp: [] as string[] };
      }
      if (dto.outcome === 'second_line') {
        await this.repo.updateBooking(
          b.id,
          {
            ...reviewed,
            reviewStatus: 'second_line',
            status: 'not_done',
            notReceivedCode: 'second_line_started',
            notReceivedReason: dto.reason,
            endedReason: `Second-line drug started instead of aHSCT: ${dto.reason}`,
            endedAt: now,
          },
          now,
          uow.em,
        );
        uow.audit({
          action: 'scheduling.intervention_not_received',
          entity: BOOKING_ENTITY,
          entityId: b.id,
          before: { status: b.status },
          after: {
            status: 'not_done',
            notReceivedCode: 'second_line_started',
            participantId: b.participantId,
          },
          reason: dto.reason,
        });
        await this.receipts.record(
          uow,
          b.participantId,
          { received: false, reasonCode: 'started_second_line_instead', note: dto.reason },
          'transplant booking review: second-line drug started instead',
        );
        return {
          referralId: null,
          movedUp: held ? await this.freeAndMoveUp(uow, centre, held, now, null) : [],
        };
      }
      const to = locked.get((target as CentreRow).id) as CentreRow;
      await this.repo.updateBooking(
        b.id,
        {
          ...reviewed,
          reviewStatus: 'referred',
          status: 'cancelled',
          endedReason: `Referred to ${to.label}: ${dto.reason}`,
          endedAt: now,
        },
        now,
        uow.em,
      );
      const referralId = await this.place(uow, b, to, settings, now, b.id);
      await this.repo.updateBooking(b.id, { referredToId: referralId }, now, uow.em);
      uow.audit({
        action: 'scheduling.booking_referred',
        entity: BOOKING_ENTITY,
        entityId: b.id,
        before: { centreId: b.centreId, status: b.status, quarter: b.quarter },
        after: { centreId: to.id, referralBookingId: referralId },
        reason: dto.reason,
      });
      return {
        referralId,
        movedUp: held ? await this.freeAndMoveUp(uow, centre, held, now, null) : [],
      };
    });
    return {
      booking: await this.get(id, actor),
      referral: result.referralId
        ? toBookingResponse((await this.repo.findBooking(result.referralId, null)) as BookingRow)
        : null,
      movedUp: result.movedUp,
    };
  }

  /** Offers every free place of the centre's horizon to the longest-waiting participants. */
  async fill(centreId: string, actor: Actor): Promise<string[]> {
    const scope = siteScope(actor);
    const visible = await this.repo.visibleCentre(centreId, scope);
    if (!visible) {
      throw SchedulingErrors.centreNotFound();
    }
    if (scope !== null && !scope.includes(centreId)) {
      throw SchedulingErrors.centreOnly();
    }
    const settings = await this.settings();
    return this.run(async (uow) => {
      const centre = await this.repo.lockCentre(centreId, uow.em);
      if (!centre) {
        throw SchedulingErrors.centreNotFound();
      }
      const now = this.clock.now();
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
    });
  }

  /** Delivers a booking notice to the in-app inboxes (the `scheduling.notify` job); idempotent. */
  async deliverNotice(data: NotifyJobData): Promise<number> {
    const b = await this.repo.findBooking(data.bookingId, null);
    if (!b) {
      return 0;
    }
    if (data.kind === 'wait_review' && b.reviewStatus !== 'pending') {
      return 0;
    }
    const wanted = (roles: readonly string[]) =>
      roles.includes('investigator') || roles.includes('coordinator');
    const recipients = new Set(
      (await this.users.staffOfSite(b.siteId, null))
        .filter((u) => wanted(u.roles))
        .map((u) => u.id),
    );
    if (data.kind === 'moved_up' && b.centreId !== b.siteId) {
      for (const u of await this.users.staffOfSite(b.centreId, null)) {
        if (wanted(u.roles)) {
          recipients.add(u.id);
        }
      }
    }
    const message = this.noticeText(b, data.kind);
    return this.notifications.deliver(
      [...recipients].map((userId) => ({
        userId,
        kind: `scheduling.${data.kind}`,
        subject: message.subject,
        body: message.body,
        data: {
          bookingId: b.id,
          participantId: b.participantId,
          studyId: b.studyId,
          quarter: b.quarter,
          plannedAdmissionDate: b.plannedAdmissionDate,
        },
        dedupeKey: `scheduling.${data.kind}:${b.id}:${data.ref}`,
      })),
    );
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Inserts a booking in the earliest quarter with a free place (or on the waitlist). Centre locked. */
  private async place(
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
      this.flagForReview(uow, id, 0, {
        quarter: slot?.quarter ?? null,
        plannedAdmissionDate: slot?.earliestAdmission ?? null,
      });
    }
    return id;
  }

  private flagForReview(
    uow: UnitOfWork,
    bookingId: string,
    version: number,
    where: Record<string, unknown>,
  ): void {
    uow.audit({
      action: 'scheduling.wait_flagged',
      entity: BOOKING_ENTITY,
      entityId: bookingId,
      after: { reviewStatus: 'pending', ...where },
    });
    this.notice(uow, bookingId, 'wait_review', `v${version}`);
  }

  private notice(
    uow: UnitOfWork,
    bookingId: string,
    kind: SchedulingNoticeKind,
    ref: string,
  ): void {
    uow.enqueue(SchedulingNoticeJob, { bookingId, kind, ref });
  }

  /**
   * A place in `quarter` was given back: the longest-waiting participant who would be admitted
   * earlier with it moves in, which frees their own later place for the next one, and so on.
   * Each participant moves at most once per freed place. The centre must be locked.
   */
  private async freeAndMoveUp(
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
      this.notice(uow, c.id, 'moved_up', `${q}:v${c.version + 1}`);
      moved.push(c.id);
      if (c.status === 'booked' && c.quarter !== null) {
        freed = c.quarter;
      }
    }
    return moved;
  }

  /** Locks the booking's centre, then the booking itself (always in this order). */
  private async lockBooking(
    uow: UnitOfWork,
    found: BookingRow,
  ): Promise<{ centre: CentreRow; booking: BookingRow }> {
    const centre = await this.repo.lockCentre(found.centreId, uow.em);
    const booking = await this.repo.findBooking(found.id, null, uow.em, true);
    if (!centre || !booking) {
      throw SchedulingErrors.bookingNotFound();
    }
    return { centre, booking };
  }

  private assertCentreStaff(b: BookingRow, scope: Scope): void {
    if (scope !== null && !scope.includes(b.centreId)) {
      throw SchedulingErrors.centreOnly();
    }
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

  private async centreIdByCountry(
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

  private async withPlan(b: BookingRow): Promise<BookingResponseDto> {
    const plans = await this.plans.plansFor([b]);
    return toBookingResponse(b, plans.get(b.id) ?? null);
  }

  async settings(): Promise<SchedulingSettings> {
    const trial = await this.trials.current();
    const s = readSchedulingSettings(trial.settings);
    if ('problems' in s) {
      throw SchedulingErrors.badConfig(s.problems);
    }
    return s;
  }

  /** Runs a transaction; a capacity-trigger refusal (a race no lock prevented) becomes a 409. */
  private async run<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(work);
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      if (isPgError(error, '23514', 'transplant_capacity')) {
        throw SchedulingErrors.capacityRace();
      }
      throw error;
    }
  }

  private noticeText(b: BookingRow, kind: SchedulingNoticeKind): { subject: string; body: string } {
    const who = b.studyId ?? 'A participant';
    if (kind === 'moved_up') {
      const when = b.quarter
        ? `${b.plannedAdmissionDate} (${quarterLabel(b.quarter)})`
        : 'not yet planned';
      return {
        subject: `${who}: transplant admission moved up`,
        body: `A place became free at ${b.centreName}. The planned aHSCT admission of ${who} is now ${when}.`,
      };
    }
    const limit = `${b.waitLimitMonths} month${b.waitLimitMonths === 1 ? '' : 's'}`;
    const { wait } = assessWait(b.randomisationDate, b.plannedAdmissionDate, b.waitLimitMonths);
    const where =
      b.plannedAdmissionDate && b.quarter && wait
        ? `The earliest aHSCT admission for ${who} at ${b.centreName} is ${b.plannedAdmissionDate} (${quarterLabel(b.quarter)}), ${describeWait(wait)} after randomisation on ${b.randomisationDate}`
        : `No aHSCT place at ${b.centreName} is free within the booking horizon; ${who} is on the waitlist since randomisation on ${b.randomisationDate}`;
    return {
      subject: `${who}: transplant wait beyond ${limit}, review needed`,
      body: `${where}, beyond the waiting-time limit of ${limit}. Record the review: accept the wait, refer to another transplant centre, or start a second-line drug instead.`,
    };
  }
}
