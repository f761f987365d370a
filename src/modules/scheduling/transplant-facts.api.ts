import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { dateInZone, type IsoDate } from 'src/common/time/calendar-date';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import {
  earliestAdmissionDate,
  quarterOfDate,
  quarterRange,
  type QuarterSlot,
} from './calendar/quarters';
import type { CentreRow } from './booking.entity';
import { BookingEngineService } from './booking-engine.service';
import { NO_CENTRE_WARNING, readinessWarningText } from './scheduling-notices';
import type { SchedulingSettings } from './scheduling-settings';
import { SchedulingErrors } from './scheduling.errors';
import { SchedulingRepository } from './scheduling.repository';
import { assessWait, chooseSlot, type WaitAssessment } from './slot-rules';
import { TreatmentPlanService } from './treatment-plan.service';

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

/**
 * Public API of the scheduling module: the transplant facts other modules read (transplant day 0,
 * the arm-agnostic readiness warning) and the centre's booking lock they take in their own unit of
 * work (a capacity change).
 */
@Injectable()
export class TransplantFacts {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly clock: Clock,
    private readonly engine: BookingEngineService,
    private readonly plans: TreatmentPlanService,
  ) {}

  /** Takes the centre's booking lock in the caller's transaction (see SchedulingRepository.lockCentre). */
  async lockCentre(uow: UnitOfWork, centreId: string): Promise<void> {
    await this.repo.lockCentre(centreId, uow.em);
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
    const settings = await this.engine.settings();
    const centreId =
      site.centreId ??
      (await this.engine
        .centreIdByCountry(site.trialId, site.countryCode, settings)
        .catch(() => null));
    const centre = centreId ? await this.repo.findCentre(centreId) : null;
    if (!centre?.isCentre) {
      return NO_CENTRE_WARNING;
    }
    const { slot, assessment } = await this.projectSlot(centre, settings, this.clock.now());
    if (!assessment.exceedsLimit) {
      return null;
    }
    return readinessWarningText(centre.name, settings, slot, assessment);
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
}
