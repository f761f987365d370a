import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { addDays } from 'src/common/time/calendar-date';
import {
  type RecordChange,
  type RecordChangeHook,
  RecordChangeHooks,
  TransactionRunner,
  type UnitOfWork,
} from 'src/kernel/unit-of-work';
import {
  type EditCheckFinding,
  type EditCheckOutcome,
  QueriesApi,
} from 'src/modules/queries/queries.api';
import {
  aeEndBeforeOnset,
  EDIT_CHECK_TARGETS,
  type EditCheckId,
  type EditChecks,
  edssRisesWithoutRelapse,
  mriMissingText,
  outOfWindowText,
} from './edit-checks';
import { ADVERSE_EVENT, VISIT_ASSESSMENT, VISIT_LOG } from './follow-up-records';
import { FollowUpSettings } from './follow-up.settings';
import { type CheckedVisit, SweepRepository } from './sweep.repository';
import { VisitsRepository } from './visits.repository';

/** What the sweep's edit checks did, per check that ran. */
export type SweepCheckOutcomes = Partial<Record<EditCheckId, EditCheckOutcome>>;

const add = (a: EditCheckOutcome, b: EditCheckOutcome): EditCheckOutcome => ({
  raised: a.raised + b.raised,
  reopened: a.reopened + b.reopened,
  resolved: a.resolved + b.resolved,
});

/**
 * Runs the edit checks (follow-up/edit-checks.ts, configured in the trial settings) and keeps
 * their queries in line through QueriesApi: the checks within one record when it is saved (a
 * record-change hook, in the save's transaction: an adverse event's dates; an EDSS rise without a
 * relapse, judged again whenever the participant's assessment or visit log changes), the
 * time-based ones in the follow-up sweep (a visit logged outside its window, an MRI missing).
 */
@Injectable()
export class EditChecksService implements RecordChangeHook, OnModuleInit {
  private readonly logger = new Logger(EditChecksService.name);

  constructor(
    private readonly hooks: RecordChangeHooks,
    private readonly settings: FollowUpSettings,
    private readonly visits: VisitsRepository,
    private readonly sweeps: SweepRepository,
    private readonly queries: QueriesApi,
    private readonly tx: TransactionRunner,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onRecordChanges(uow: UnitOfWork, changes: readonly RecordChange[]): Promise<void> {
    const adverseEvents = new Map<string, RecordChange>();
    const participants = new Set<string>();
    for (const c of changes) {
      if (c.entity === ADVERSE_EVENT) {
        adverseEvents.set(c.entityId, c); // the last version of the transaction counts
      } else if (c.entity === VISIT_ASSESSMENT || c.entity === VISIT_LOG) {
        participants.add(c.participantId);
      }
    }
    if (adverseEvents.size === 0 && participants.size === 0) {
      return;
    }
    let checks: EditChecks;
    try {
      checks = await this.settings.editChecks();
    } catch (error) {
      // A data-quality check never blocks data entry or a safety report: the save goes on
      // unchecked, and the sweep fails with the problem named, where operations see it.
      this.logger.warn(`edit checks skipped on save: ${(error as Error).message}`);
      return;
    }
    if (checks.ae_end_before_onset.enabled) {
      for (const ae of adverseEvents.values()) {
        await this.checkAdverseEvent(uow, ae);
      }
    }
    if (checks.edss_rise_without_relapse.enabled) {
      for (const participantId of participants) {
        await this.checkEdss(uow, participantId, checks.edss_rise_without_relapse.minRise);
      }
    }
  }

  private async checkAdverseEvent(uow: UnitOfWork, ae: RecordChange): Promise<void> {
    const problem = aeEndBeforeOnset(ae.data as { onsetDate?: string; endDate?: string });
    const participant = problem
      ? await this.visits.findParticipant(ae.participantId, null, uow.em)
      : null;
    const target = EDIT_CHECK_TARGETS.ae_end_before_onset;
    const record = { entity: target.record, id: ae.entityId };
    await this.queries.settle(
      uow,
      'ae_end_before_onset',
      { record },
      problem && participant
        ? [
            {
              participantId: ae.participantId,
              siteId: participant.siteId,
              record,
              itemId: target.itemId,
              text: problem,
            },
          ]
        : [],
    );
  }

  private async checkEdss(uow: UnitOfWork, participantId: string, minRise: number) {
    const visits = await this.visits.visitsOf(participantId, uow.em);
    const target = EDIT_CHECK_TARGETS.edss_rise_without_relapse;
    await this.queries.settle(
      uow,
      'edss_rise_without_relapse',
      { participantId },
      edssRisesWithoutRelapse(visits, minRise).map(({ visit, text }) => ({
        participantId,
        siteId: visit.siteId,
        record: { entity: target.record, id: visit.id },
        itemId: target.itemId,
        text,
      })),
    );
  }

  /**
   * The sweep's checks over the swept sites, `sitesByDate` grouping them by their local today:
   * one transaction per check and site, which raises the new findings and resolves the queries
   * whose finding is gone.
   */
  async sweep(sitesByDate: ReadonlyMap<string, readonly string[]>): Promise<SweepCheckOutcomes> {
    const checks = await this.settings.editChecks();
    const outcomes: SweepCheckOutcomes = {};
    const sites = [...sitesByDate.values()].flat();
    if (checks.visit_out_of_window.enabled) {
      const visits = await this.sweeps.loggedOutsideWindow(sites);
      outcomes.visit_out_of_window = await this.settleSites(
        'visit_out_of_window',
        sites,
        visits,
        outOfWindowText,
      );
    }
    if (checks.mri_missing.enabled) {
      const visits: CheckedVisit[] = [];
      for (const [today, siteIds] of sitesByDate) {
        const closedBefore = addDays(today, -checks.mri_missing.daysAfterWindow);
        visits.push(...(await this.sweeps.mriMissing(siteIds, closedBefore)));
      }
      outcomes.mri_missing = await this.settleSites('mri_missing', sites, visits, mriMissingText);
    }
    return outcomes;
  }

  private async settleSites(
    checkId: EditCheckId,
    sites: readonly string[],
    visits: readonly CheckedVisit[],
    text: (v: CheckedVisit) => string,
  ): Promise<EditCheckOutcome> {
    const target = EDIT_CHECK_TARGETS[checkId];
    let outcome: EditCheckOutcome = { raised: 0, reopened: 0, resolved: 0 };
    for (const siteId of sites) {
      const findings: EditCheckFinding[] = visits
        .filter((v) => v.siteId === siteId)
        .map((v) => ({
          participantId: v.participantId,
          siteId,
          record: { entity: target.record, id: v.id },
          itemId: target.itemId,
          text: text(v),
        }));
      const done = await this.tx.run((uow) =>
        this.queries.settle(uow, checkId, { sites: [siteId] }, findings),
      );
      outcome = add(outcome, done);
    }
    return outcome;
  }
}
