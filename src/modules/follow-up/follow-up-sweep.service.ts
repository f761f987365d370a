import { Injectable, Logger } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import type { Role } from 'src/common/context/roles';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { UsersService } from 'src/modules/access/users.service';
import { DataLocksReader } from 'src/modules/data-locks/data-locks.reader';
import {
  dueDates,
  findingJobId,
  SWEEP_FINDING_KINDS,
  type SweepFindingKind,
  todayInZone,
} from './calendar/sweep-rules';
import type { FindingRow } from './entities/visit.entity';
import { NotifyFindingJob, type NotifyFindingJobData } from './follow-up.jobs';
import { EditChecksService, type SweepCheckOutcomes } from './edit-checks.service';
import { FollowUpSettings } from './follow-up.settings';
import { FINDING_ABOUT } from './finding-dates';
import { findingNotice } from './notices';
import { type DueVisit, SweepRepository, type VisitNotice } from './sweep.repository';

/** Findings handled per transaction (one outbox row, and for `missed` one audit row, each). */
const BATCH = 500;

/** Who is reminded of a visit: the site's staff. Blinded assessors never hear of arm-A visits. */
const REMINDED_ROLES: readonly Role[] = [
  'coordinator',
  'investigator',
  'site_staff',
  'blinded_assessor',
];

export type SweepCounts = Record<SweepFindingKind, number> & {
  enqueued: number;
  markedMissed: number;
};

export type SweepResult = {
  sweptAt: string;
  /** Site-local "today" per time zone. */
  siteDates: Record<string, string>;
  /** New findings per kind (visits already found for the same date are skipped); `enqueued` = notices written. */
  counts: SweepCounts;
  /** What the time-based edit checks did to their queries, per check that ran. */
  editChecks: SweepCheckOutcomes;
};

export type NoticeOutcome = 'delivered' | 'stale' | 'gone';

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) {
    out.push(list.slice(i, i + size));
  }
  return out;
}

/**
 * The reminder / overdue / missed sweep. It reads open visits by index, per site time zone, with
 * the pure rules of calendar/sweep-rules.ts, records each finding once (follow_up_findings, keyed
 * by the deterministic job id) and writes one notification job per new finding to the outbox in
 * the same transaction. Visits whose window has closed are marked missed in that transaction too.
 * Running it twice, or on two workers at once, notifies once. Then it runs the time-based edit
 * checks (EditChecksService), whose queries are raised once and resolved when the data are fixed.
 */
@Injectable()
export class FollowUpSweepService {
  private readonly logger = new Logger(FollowUpSweepService.name);

  constructor(
    private readonly repo: SweepRepository,
    private readonly settings: FollowUpSettings,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly locks: DataLocksReader,
    private readonly editChecks: EditChecksService,
  ) {}

  async sweep(now: Date = this.clock.now(), jobId: string | null = null): Promise<SweepResult> {
    const startedAt = this.clock.now();
    const rules = await this.settings.sweepRules();
    const counts: SweepCounts = {
      window_opens_14d: 0,
      window_opens_3d: 0,
      window_closes_3d: 0,
      overdue: 0,
      missed: 0,
      enqueued: 0,
      markedMissed: 0,
    };
    const siteDates: Record<string, string> = {};
    // The final lock stops the system's own writes too: no visit is marked missed, no reminder sent.
    if (await this.locks.trialLock()) {
      this.logger.log('follow-up sweep skipped: the trial is locked');
      return { sweptAt: now.toISOString(), siteDates, counts, editChecks: {} };
    }
    const badZones: string[] = [];
    // Zones that share a local date are swept together: at any instant there are only one or two
    // distinct site-local dates, so each finding is one indexed query per date, not per zone.
    const sitesByDate = new Map<string, string[]>();
    for (const zone of await this.repo.sitesByZone()) {
      let today: string;
      try {
        today = todayInZone(now, zone.timeZone);
      } catch {
        badZones.push(zone.timeZone);
        continue;
      }
      siteDates[zone.timeZone] = today;
      sitesByDate.set(today, [...(sitesByDate.get(today) ?? []), ...zone.siteIds]);
    }
    for (const [today, siteIds] of [...sitesByDate.entries()].sort()) {
      const due = dueDates(today, rules);
      for (const kind of SWEEP_FINDING_KINDS) {
        const visits = await this.repo.findDue(siteIds, due[kind], {
          kind,
          about: FINDING_ABOUT[kind],
        });
        counts[kind] += visits.length;
        for (const batch of chunks(visits, BATCH)) {
          const done = await this.processBatch(kind, batch, today, now);
          counts.enqueued += done.enqueued;
          counts.markedMissed += done.markedMissed;
        }
      }
    }
    // The time-based edit checks (a visit outside its window, an MRI missing) over the swept sites;
    // a failure (e.g. invalid configuration) fails the job once the run is recorded.
    let editChecks: SweepCheckOutcomes = {};
    let editCheckFailure: unknown = null;
    try {
      editChecks = await this.editChecks.sweep(sitesByDate);
    } catch (error) {
      editCheckFailure = error;
    }
    await this.repo.recordRun({
      jobId,
      sweptAt: now,
      startedAt,
      finishedAt: this.clock.now(),
      siteDates,
      counts,
    });
    if (editCheckFailure) {
      throw editCheckFailure;
    }
    if (badZones.length > 0) {
      // The other zones were swept; fail the job so the bad configuration is seen and retried.
      throw new Error(
        `follow-up sweep skipped sites with an invalid time zone: ${badZones.join(', ')}`,
      );
    }
    return { sweptAt: now.toISOString(), siteDates, counts, editChecks };
  }

  private processBatch(
    kind: SweepFindingKind,
    visits: DueVisit[],
    today: string,
    now: Date,
  ): Promise<{ enqueued: number; markedMissed: number }> {
    return this.tx.run(async (uow) => {
      let targets = visits;
      let markedMissed = 0;
      if (kind === 'missed') {
        const changed = await this.repo.markMissed(
          visits.map((v) => v.id),
          today,
          now,
          uow.em,
        );
        const ids = new Set(changed.map((c) => c.id));
        targets = visits.filter((v) => ids.has(v.id));
        markedMissed = changed.length;
        for (const c of changed) {
          uow.audit({
            action: 'follow-up.visit_missed',
            entity: 'visit',
            entityId: c.id,
            before: { status: 'scheduled' },
            after: {
              status: 'missed',
              missedOn: today,
              code: c.code,
              participantId: c.participantId,
            },
          });
        }
      }
      const rows: FindingRow[] = targets.map((v) => ({
        jobId: findingJobId(v.id, kind, v),
        visitId: v.id,
        kind,
        aboutDate: v[FINDING_ABOUT[kind]],
        siteDate: today,
      }));
      const fresh = await this.repo.insertFindings(rows, now, uow.em);
      for (const row of rows) {
        if (!fresh.has(row.jobId)) {
          continue;
        }
        uow.enqueue(NotifyFindingJob, { visitId: row.visitId, kind, findingId: row.jobId });
      }
      return { enqueued: fresh.size, markedMissed };
    });
  }

  /**
   * Job `follow-up.notify-finding`: delivers one finding to the inboxes (and e-mail) of the staff
   * of the visit's site. A finding that no longer holds (the visit was logged, cancelled or moved
   * since the sweep) is dropped: withdrawal stops reminders already queued.
   */
  async notifyFinding(job: NotifyFindingJobData): Promise<NoticeOutcome> {
    const plan = await this.findingNotice(job);
    if (typeof plan === 'string') {
      return plan;
    }
    const { visit, recipients } = plan;
    const notice = findingNotice(job.kind, visit);
    await this.notifications.deliver(
      recipients.map((userId) => ({
        userId,
        kind: `follow-up.${job.kind}`,
        subject: notice.subject,
        body: notice.body,
        data: notice.data,
        dedupeKey: job.findingId,
      })),
    );
    return 'delivered';
  }

  /**
   * Has `follow-up.notify-finding` had its effect: the notice is in its recipients' inboxes (keyed
   * by the finding's id, delivered to all of them in one transaction), or it would deliver nothing
   * now (the finding no longer holds, the data are locked, nobody to tell)? Asked by the outbox
   * reconciliation before re-sending a lost job.
   */
  async findingSettled(job: NotifyFindingJobData): Promise<boolean> {
    const plan = await this.findingNotice(job);
    return (
      typeof plan === 'string' ||
      plan.recipients.length === 0 ||
      this.notifications.deliveredToAny(plan.recipients, job.findingId)
    );
  }

  /** Whom a finding's notice goes to, or why it is no longer due. */
  private async findingNotice(
    job: NotifyFindingJobData,
  ): Promise<Exclude<NoticeOutcome, 'delivered'> | { visit: VisitNotice; recipients: string[] }> {
    const visit = await this.repo.visitNotice(job.visitId);
    if (!visit) {
      return 'gone';
    }
    // Locked data gets no reminders: the whole trial locked, or the participant's records frozen.
    if (
      (await this.locks.trialLock()) ||
      (await this.locks.frozenParticipants([visit.participantId])).size > 0
    ) {
      return 'stale';
    }
    const expected = job.kind === 'missed' ? 'missed' : 'scheduled';
    if (visit.status !== expected || findingJobId(visit.id, job.kind, visit) !== job.findingId) {
      this.logger.debug(`finding ${job.findingId} no longer holds (visit ${visit.status})`);
      return 'stale';
    }
    const staff = await this.users.staffOfSite(visit.siteId, null);
    const recipients = staff
      .filter(
        (u) =>
          u.roles.some((r) => REMINDED_ROLES.includes(r)) &&
          !(visit.kind === 'arm_a_weekly' && u.roles.includes('blinded_assessor')),
      )
      .map((u) => u.id);
    return { visit, recipients };
  }
}
