import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';
import { RecordHistory } from 'src/kernel/record-history';
import {
  type CutReadinessCheck,
  CutReadinessChecks,
  type CutReadinessProblem,
} from 'src/modules/data-locks/cut-readiness.api';
import { VerificationRepository } from './verification.repository';

/**
 * A data cut is confirmed only when source-data verification is done for the records it
 * contains (first recorded on or before its cut-off): each verified at its current version. One
 * problem per participant with records left, naming how many. `DATA_CUT_REQUIRES_SDV=false`
 * (risk-based monitoring that verifies a sample) leaves the check out.
 */
@Injectable()
export class SdvCutCheck implements CutReadinessCheck, OnModuleInit {
  readonly name = 'source-data-verification';

  constructor(
    private readonly checks: CutReadinessChecks,
    private readonly repo: VerificationRepository,
    private readonly history: RecordHistory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.DATA_CUT_REQUIRES_SDV) {
      this.checks.register(this);
    }
  }

  async problems(em: EntityManager, cutoffAt: Date): Promise<CutReadinessProblem[]> {
    const records = await this.history.recordedByCutoff(cutoffAt, em);
    const verified = await this.repo.verifiedAmong(records, em);
    const left = new Map<string, { total: number; unverified: number }>();
    for (const r of records) {
      const counts = left.get(r.participantId) ?? { total: 0, unverified: 0 };
      counts.total++;
      if (!verified.has(`${r.entity}:${r.entityId}`)) {
        counts.unverified++;
      }
      left.set(r.participantId, counts);
    }
    return [...left]
      .filter(([, c]) => c.unverified > 0)
      .map(([participantId, c]) => ({
        participantId,
        problem: `SDV not done: ${c.unverified} of ${c.total} records not verified at their current version`,
      }));
  }
}
