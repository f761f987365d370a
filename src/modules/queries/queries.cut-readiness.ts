import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RecordHistory } from 'src/kernel/record-history';
import {
  type CutReadinessCheck,
  CutReadinessChecks,
  type CutReadinessProblem,
} from 'src/modules/data-locks/cut-readiness.api';
import { QueriesRepository } from './queries.repository';
import { recordLabel } from './query-targets';

/**
 * A data cut is confirmed only when no query is left open or answered (not yet closed by the
 * monitor) on a record it contains: one first recorded on or before its cut-off (issue 18).
 */
@Injectable()
export class OpenQueriesCutCheck implements CutReadinessCheck, OnModuleInit {
  readonly name = 'open-queries';

  constructor(
    private readonly checks: CutReadinessChecks,
    private readonly repo: QueriesRepository,
    private readonly history: RecordHistory,
  ) {}

  onModuleInit(): void {
    this.checks.register(this);
  }

  async problems(em: EntityManager, cutoffAt: Date): Promise<CutReadinessProblem[]> {
    const queries = await this.repo.unresolved(em);
    const first = await this.history.firstRecorded(
      queries.map((q) => ({ entity: q.recordEntity, entityId: q.recordId })),
      em,
    );
    return queries
      .filter((q) => {
        const recorded = first.get(`${q.recordEntity}:${q.recordId}`);
        return recorded !== undefined && recorded.at.getTime() <= cutoffAt.getTime();
      })
      .map((q) => ({
        participantId: q.participantId,
        record: { entity: q.recordEntity, entityId: q.recordId },
        problem: `${q.studyId ?? 'A participant'}: an ${q.status} query on ${recordLabel(q.recordEntity)} item ${q.path}`,
      }));
  }
}
