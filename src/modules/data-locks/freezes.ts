import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { RecordHistory } from 'src/kernel/record-history';
import {
  type RecordChange,
  type RecordChangeHook,
  RecordChangeHooks,
  type UnitOfWork,
} from 'src/kernel/unit-of-work';
import { DataLockErrors } from './data-locks.errors';
import { DataLocksRepository } from './data-locks.repository';

/** A frozen record's freeze: the data cut that froze it, or its participant's end of follow-up. */
export type Freeze = {
  cutId: string | null;
  cutName: string | null;
  /** The cut's cut-off, or when the participant's follow-up ended. */
  frozenAt: string;
  reason: string;
};

/**
 * Records the end of follow-up does not freeze: adverse events are followed up to their
 * resolution (an SAE's outcome after a death, a late causality assessment), as safety reporting
 * continues after the participant's follow-up. A data cut freezes them like any record.
 */
const FOLLOWED_PAST_THE_END: readonly string[] = ['adverse_event'];

export type RecordKey = { entity: string; entityId: string };

export const recordKey = (r: RecordKey): string => `${r.entity}:${r.entityId}`;

/**
 * Which records are frozen (issue 18). A record (a `record_versions` entity and id) is frozen
 * - by a confirmed data cut when it was first recorded (its earliest kept version) on or before
 *   the cut's cut-off instant (the end of the cut-off date at the trial's last site to end that
 *   day); the earliest such cut names the freeze;
 * - by its participant's end of follow-up when it was first recorded on or before that moment
 *   (adverse events excepted: they are followed up to their resolution).
 * A record recorded after both (a visit logged after the cut, a late adverse event) is not
 * frozen: data after the cut keeps flowing. A frozen record changes only through a monitor's
 * unfreeze (with a reason, audited), which covers its next change.
 */
@Injectable()
export class FreezeRules {
  constructor(
    private readonly repo: DataLocksRepository,
    private readonly history: RecordHistory,
  ) {}

  async frozen(
    records: readonly RecordKey[],
    em: EntityManager,
  ): Promise<Map<string, Freeze & { participantId: string | null }>> {
    const out = new Map<string, Freeze & { participantId: string | null }>();
    if (records.length === 0) {
      return out;
    }
    const first = await this.history.firstRecorded(records, em);
    if (first.size === 0) {
      return out;
    }
    const cuts = await this.repo.confirmedCuts(em);
    const participants = [
      ...new Set([...first.values()].flatMap((f) => (f.participantId ? [f.participantId] : []))),
    ];
    const ends = await this.repo.participantFreezes(participants, em);
    for (const [key, { at, participantId }] of first) {
      const cut = cuts.find((c) => new Date(c.cutoffAt).getTime() >= at.getTime());
      if (cut) {
        out.set(key, {
          cutId: cut.id,
          cutName: cut.name,
          frozenAt: new Date(cut.cutoffAt).toISOString(),
          reason: `data cut ${cut.name}`,
          participantId,
        });
        continue;
      }
      const end =
        participantId && !FOLLOWED_PAST_THE_END.includes(key.split(':')[0])
          ? ends.get(participantId)
          : undefined;
      if (end && new Date(end.frozenAt).getTime() >= at.getTime()) {
        out.set(key, {
          cutId: null,
          cutName: null,
          frozenAt: new Date(end.frozenAt).toISOString(),
          reason: end.reason,
          participantId,
        });
      }
    }
    return out;
  }
}

/**
 * The record-change hook of the freezes: a change of a frozen record is refused (409
 * RECORD_FROZEN naming the cut) unless a monitor unfroze it; the unfreeze is then used up by
 * this change (audited with the change, in its transaction).
 */
@Injectable()
export class FreezeHook implements RecordChangeHook, OnModuleInit {
  constructor(
    private readonly hooks: RecordChangeHooks,
    private readonly rules: FreezeRules,
    private readonly repo: DataLocksRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onRecordChanges(uow: UnitOfWork, changes: readonly RecordChange[]): Promise<void> {
    const records = [
      ...new Map(
        changes.map((c) => [recordKey(c), { entity: c.entity, entityId: c.entityId }]),
      ).values(),
    ];
    const frozen = await this.rules.frozen(records, uow.em);
    if (frozen.size === 0) {
      return;
    }
    const keys = records.filter((r) => frozen.has(recordKey(r)));
    const open = await this.repo.openUnfreezes(keys, uow.em);
    const refused = keys.find((r) => !open.has(recordKey(r)));
    if (refused) {
      const { participantId: _, ...freeze } = frozen.get(recordKey(refused)) as Freeze & {
        participantId: string | null;
      };
      throw DataLockErrors.recordFrozen(refused, freeze);
    }
    await this.repo.useUnfreezes([...open.values()], this.clock.now(), uow.em);
    for (const r of keys) {
      uow.audit({
        action: 'data-lock.unfreeze_used',
        entity: 'record_unfreeze',
        entityId: open.get(recordKey(r)),
        after: { entity: r.entity, entityId: r.entityId },
      });
    }
  }
}
