import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { ReadReplicas } from 'src/kernel/read-replicas';
import type { Actor } from 'src/common/context/request-context';
import { DomainError } from 'src/common/errors/domain-error';
import { siteScope } from 'src/common/context/site-scope';
import { buildConsortFlow, type ConsortFlow } from './consort';
import { renderConsortSvg } from './consort-svg';
import {
  ReportsRepository,
  type SiteFollowUpCounts,
  type SiteVisitItem,
} from './reports.repository';

export type ConsortReport = ConsortFlow & { generatedAt: string; scope: 'trial' | 'sites' };

export type SiteFollowUpSummary = SiteFollowUpCounts & {
  /** Logged ÷ (logged + missed) over scheduled visits whose outcome is known; null before any. */
  completionRate: number | null;
};

export type SiteFollowUpReport = SiteFollowUpSummary & {
  overdueVisits: SiteVisitItem[];
  missedVisits: SiteVisitItem[];
};

const summarise = (c: SiteFollowUpCounts): SiteFollowUpSummary => ({
  ...c,
  completionRate:
    c.logged + c.missed === 0
      ? null
      : Math.round((c.logged / (c.logged + c.missed)) * 10_000) / 10_000,
});

/**
 * CONSORT flow and per-site follow-up reports from live data, within the caller's site scope.
 * Stale-tolerant: read from a streaming replica when one is fit (ReadReplicas).
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
  ) {}

  async consort(actor: Actor): Promise<ConsortReport> {
    const sites = siteScope(actor);
    const [statuses, received, primary, discontinuedIntervention] =
      await this.replicas.staleTolerant((db) =>
        Promise.all([
          this.repo.statusCounts(db, sites),
          this.repo.receivedCounts(db, sites),
          this.repo.primaryCounts(db, sites),
          this.repo.discontinuedInterventionCounts(db, sites),
        ]),
      );
    return {
      generatedAt: this.clock.now().toISOString(),
      scope: sites === null ? 'trial' : 'sites',
      ...buildConsortFlow({ statuses, received, primary, discontinuedIntervention }),
    };
  }

  async consortSvg(actor: Actor): Promise<string> {
    const report = await this.consort(actor);
    const title = `RAM-MS CONSORT 2025 flow diagram (${report.scope === 'trial' ? 'all sites' : 'own sites'}, ${report.generatedAt.slice(0, 10)})`;
    return renderConsortSvg(report, title);
  }

  async followUpOverview(actor: Actor, month: string | null): Promise<SiteFollowUpSummary[]> {
    const counts = await this.replicas.staleTolerant((db) =>
      this.repo.siteCounts(db, this.clock.now(), month, siteScope(actor), null),
    );
    return counts.map(summarise);
  }

  async siteFollowUp(
    siteId: string,
    actor: Actor,
    month: string | null,
  ): Promise<SiteFollowUpReport> {
    const now = this.clock.now();
    const report = await this.replicas.staleTolerant(async (db) => {
      const [counts] = await this.repo.siteCounts(db, now, month, siteScope(actor), siteId);
      if (!counts) {
        return null;
      }
      const [overdueVisits, missedVisits] = await Promise.all([
        this.repo.siteVisits(db, siteId, counts.today, 'overdue'),
        this.repo.siteVisits(db, siteId, counts.today, 'missed'),
      ]);
      return { ...summarise(counts), overdueVisits, missedVisits };
    });
    if (!report) {
      throw new DomainError('SITE_NOT_FOUND', 'not_found', 'Site not found');
    }
    return report;
  }
}
