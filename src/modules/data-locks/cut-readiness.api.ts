import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A reason a participant's data is not yet clean enough for a data cut. */
export type CutReadinessProblem = {
  participantId: string;
  /** The record it is about (e.g. `{ entity: 'visit_log', entityId }`), when it is about one. */
  record?: { entity: string; entityId: string };
  /** What is wrong, in words (e.g. "an open query on visit W048", "SDV not done"). */
  problem: string;
};

/**
 * A check a data cut must pass before the monitor may confirm it (issue 18: "no open queries, SDV
 * done"). Another module registers its check once, at start (`onModuleInit`), into
 * `CutReadinessChecks`; the confirmation runs every check in its own transaction and refuses
 * (409 DATA_CUT_NOT_READY, every problem listed) when any reports a problem.
 */
export interface CutReadinessCheck {
  /** A short name for the check (e.g. `open-queries`), shown with its problems. */
  readonly name: string;
  /** The problems of the records first recorded on or before `cutoffAt`. */
  problems(em: EntityManager, cutoffAt: Date): Promise<CutReadinessProblem[]>;
}

/** The registry of readiness checks (provided and exported by DataLocksModule). */
@Injectable()
export class CutReadinessChecks {
  private readonly checks: CutReadinessCheck[] = [];

  register(check: CutReadinessCheck): void {
    this.checks.push(check);
  }

  /** Removes a check (tests that register their own). */
  unregister(check: CutReadinessCheck): void {
    const i = this.checks.indexOf(check);
    if (i >= 0) {
      this.checks.splice(i, 1);
    }
  }

  async problems(
    em: EntityManager,
    cutoffAt: Date,
  ): Promise<(CutReadinessProblem & { check: string })[]> {
    const out: (CutReadinessProblem & { check: string })[] = [];
    for (const check of this.checks) {
      for (const p of await check.problems(em, cutoffAt)) {
        out.push({ ...p, check: check.name });
      }
    }
    return out;
  }
}
