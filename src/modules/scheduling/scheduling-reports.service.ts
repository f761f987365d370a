import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { buildPlan } from './calendar/arm-a-plan';
import { addDays, dateInZone } from 'src/common/time/calendar-date';
import { nextQuarter, parseQuarter, quarterOfDate, quarterRange } from './calendar/quarters';
import type {
  QuarterReportDto,
  QuarterReportQueryDto,
  WaitlistDto,
  WaitlistQueryDto,
} from './dto/booking.dto';
import { renderIcal } from 'src/common/calendar/ical';
import { SchedulingErrors } from './scheduling.errors';
import { toWaitlistEntry } from './scheduling.mapper';
import { SchedulingRepository } from './scheduling.repository';
import { BookingEngineService } from './booking-engine.service';
import { TransplantFacts } from './transplant-facts.api';
import { dayAfter, describeWait } from './slot-rules';

const MAX_REPORT_QUARTERS = 40;
/** The calendar feed shows admissions from this many days back. */
const CALENDAR_HISTORY_DAYS = 365;

const quarterIndex = (q: string) => {
  const { year, quarter } = parseQuarter(q);
  return year * 4 + quarter - 1;
};

/** Per-centre views: quarters with capacity and use, the queue of waiting participants, iCal feed. */
@Injectable()
export class SchedulingReportsService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly engine: BookingEngineService,
    private readonly facts: TransplantFacts,
    private readonly clock: Clock,
  ) {}

  async quarters(
    centreId: string,
    query: QuarterReportQueryDto,
    actor: Actor,
  ): Promise<QuarterReportDto> {
    const centre = await this.repo.visibleCentre(centreId, siteScope(actor));
    if (!centre) {
      throw SchedulingErrors.centreNotFound();
    }
    const settings = await this.engine.settings();
    const now = this.clock.now();
    const from = query.from ?? quarterOfDate(dateInZone(now, centre.timeZone));
    const to = query.to ?? nextQuarter(from, 7);
    const count = quarterIndex(to) - quarterIndex(from) + 1;
    if (count < 1) {
      throw SchedulingErrors.badInput('to must not be before from');
    }
    if (count > MAX_REPORT_QUARTERS) {
      throw SchedulingErrors.badInput(`from..to must span at most ${MAX_REPORT_QUARTERS} quarters`);
    }
    const [rows, projected] = await Promise.all([
      this.repo.quarterCounts(centre.id, quarterRange(from, count)),
      this.facts.projectSlot(centre, settings, now),
    ]);
    const wait = projected.assessment.wait;
    return {
      centreId: centre.id,
      centreLabel: centre.label,
      timeZone: centre.timeZone,
      leadTimeDays: settings.leadTimeDays,
      waitLimitMonths: settings.waitLimitMonths,
      horizonQuarters: settings.horizonQuarters,
      projectedWait: {
        quarter: projected.slot?.quarter ?? null,
        earliestAdmission: projected.slot?.earliestAdmission ?? null,
        waitDays: wait?.days ?? null,
        waitText: wait ? describeWait(wait) : null,
        exceedsWaitLimit: projected.assessment.exceedsLimit,
        waitlisted: projected.slot === null,
      },
      quarters: rows.map((r) => ({ ...r, free: Math.max(0, r.capacity - r.booked - r.done) })),
    };
  }

  async waitlist(centreId: string, query: WaitlistQueryDto, actor: Actor): Promise<WaitlistDto> {
    const scope = siteScope(actor);
    const centre = await this.repo.visibleCentre(centreId, scope);
    if (!centre) {
      throw SchedulingErrors.centreNotFound();
    }
    const today = dateInZone(this.clock.now(), centre.timeZone);
    const rows = await this.repo.waitingQueue(centre.id, scope, query.status);
    return {
      centreId: centre.id,
      centreLabel: centre.label,
      items: rows.map((r) => toWaitlistEntry(r, today)),
    };
  }

  /** A transplant centre the actor may see. */
  async centre(centreId: string, actor: Actor) {
    const centre = await this.repo.visibleCentre(centreId, siteScope(actor));
    if (!centre) {
      throw SchedulingErrors.centreNotFound();
    }
    return centre;
  }

  /** The centre's planned admissions as an iCal feed: study ids only, never names. */
  async calendar(centreId: string, actor: Actor): Promise<string> {
    const scope = siteScope(actor);
    const centre = await this.centre(centreId, actor);
    const now = this.clock.now();
    const from = addDays(dateInZone(now, centre.timeZone), -CALENDAR_HISTORY_DAYS);
    const rows = await this.repo.calendarBookings(centre.id, scope, from);
    return renderIcal({
      name: `RAM-MS aHSCT admissions ${centre.label}`,
      product: 'Transplant slots',
      timeZone: centre.timeZone,
      generatedAt: now,
      events: rows.map((b) => {
        const plan = buildPlan(b.plannedAdmissionDate as string, b.planConfig);
        const who = b.studyId ?? b.participantId;
        const day0 = b.transplantDay0
          ? `Transplant day 0 (reinfusion) recorded: ${b.transplantDay0}.`
          : `Planned transplant day 0 (reinfusion): ${plan.transplantDay0}.`;
        // An ended booking stays in the feed as cancelled, so subscribed calendars drop the event.
        const ended = b.status === 'cancelled' || b.status === 'not_done';
        return {
          uid: `${b.id}-admission@ram-ms`,
          start: plan.admissionDate,
          endExclusive: dayAfter(plan.dischargeDate),
          summary: `${ended ? 'Cancelled: ' : ''}aHSCT admission ${who}`,
          description: ended
            ? `${who} (${b.siteLabel}). The admission will not take place. Quarter ${b.quarter}.`
            : `${who} (${b.siteLabel}). ${day0} Planned discharge: ${plan.dischargeDate}. Quarter ${b.quarter}.`,
          sequence: b.version,
          status: ended ? ('CANCELLED' as const) : ('CONFIRMED' as const),
          lastModified: new Date(b.updatedAt),
          busy: true,
        };
      }),
    });
  }
}
