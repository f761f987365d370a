import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { addDays, dateInZone, startOfDateInZone } from 'src/common/time/calendar-date';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { CutReadinessChecks } from './cut-readiness.api';
import { DataLockErrors } from './data-locks.errors';
import { type DataCutRow, DataLocksRepository, type UnfreezeRow } from './data-locks.repository';
import { FreezeRules, recordKey } from './freezes';

/** The zone of the trial's sites when none is configured (never empty in practice). */
const FALLBACK_ZONE = 'Europe/Amsterdam';

/**
 * Data cuts (issue 18): the statistician declares a cut-off date; a monitor confirms that the data
 * up to it is clean (every registered CutReadinessCheck passes), which freezes it; a monitor
 * unfreezes one frozen record with a reason for one change.
 */
@Injectable()
export class DataCutsService {
  constructor(
    private readonly repo: DataLocksRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly checks: CutReadinessChecks,
    private readonly rules: FreezeRules,
    private readonly dataSource: DataSource,
  ) {}

  list(): Promise<DataCutRow[]> {
    return this.repo.cuts();
  }

  unfreezes(): Promise<UnfreezeRow[]> {
    return this.repo.unfreezes(100);
  }

  async one(id: string): Promise<DataCutRow> {
    const cut = await this.repo.cut(id);
    if (!cut) {
      throw DataLockErrors.cutNotFound();
    }
    return cut;
  }

  /**
   * The cut-off instant of a date: the end of that date at the trial's site whose day ends last
   * (so every site's whole cut-off day is in), with that site's zone.
   */
  private async cutoffOf(date: string): Promise<{ cutoffAt: string; timeZone: string }> {
    const zones: { zone: string }[] = await this.dataSource.query(
      `SELECT DISTINCT time_zone AS zone FROM site_directory`,
    );
    let best = {
      cutoffAt: startOfDateInZone(addDays(date, 1), FALLBACK_ZONE),
      timeZone: FALLBACK_ZONE,
    };
    for (const { zone } of zones) {
      try {
        const at = startOfDateInZone(addDays(date, 1), zone);
        if (zones.length > 0 && (best.timeZone === FALLBACK_ZONE || at > best.cutoffAt)) {
          best = { cutoffAt: at, timeZone: zone };
        }
      } catch {
        // A site with a bad zone is reported by the sweep; the others decide.
      }
    }
    return best;
  }

  async declare(dto: { name: string; cutoffDate: string }, actor: Actor): Promise<DataCutRow> {
    const { cutoffAt, timeZone } = await this.cutoffOf(dto.cutoffDate);
    const now = this.clock.now();
    const today = dateInZone(now, timeZone);
    if (dto.cutoffDate > today) {
      throw DataLockErrors.cutoffInFuture(today);
    }
    const id = await this.tx.run(async (uow) => {
      const cutId = await this.repo.insertCut(
        {
          name: dto.name,
          cutoffDate: dto.cutoffDate,
          cutoffAt,
          timeZone,
          by: actor.id as string,
          at: now,
        },
        uow.em,
      );
      if (!cutId) {
        throw DataLockErrors.cutNameTaken();
      }
      uow.audit({
        action: 'data-cut.declared',
        entity: 'data_cut',
        entityId: cutId,
        after: { name: dto.name, cutoffDate: dto.cutoffDate, cutoffAt, timeZone },
      });
      return cutId;
    });
    return this.one(id);
  }

  /**
   * The monitor's confirmation: every readiness check must pass for the data up to the cut-off
   * (409 DATA_CUT_NOT_READY listing the problems otherwise); then the data as of the cut is
   * frozen (FreezeRules reads the confirmed cuts).
   */
  async confirm(id: string, actor: Actor): Promise<DataCutRow> {
    await this.tx.run(async (uow) => {
      const cut = await this.repo.cut(id, uow.em, true);
      if (!cut) {
        throw DataLockErrors.cutNotFound();
      }
      if (cut.status === 'confirmed') {
        throw DataLockErrors.cutAlreadyConfirmed();
      }
      const problems = await this.checks.problems(uow.em, new Date(cut.cutoffAt));
      if (problems.length > 0) {
        throw DataLockErrors.cutNotReady(problems);
      }
      const now = this.clock.now();
      await this.repo.confirmCut(id, actor.id as string, now, uow.em);
      uow.audit({
        action: 'data-cut.confirmed',
        entity: 'data_cut',
        entityId: id,
        before: { status: 'declared' },
        after: {
          status: 'confirmed',
          name: cut.name,
          cutoffDate: cut.cutoffDate,
          cutoffAt: new Date(cut.cutoffAt).toISOString(),
        },
      });
    });
    return this.one(id);
  }

  /**
   * A monitor's unfreeze of one frozen record, with a reason (audited): it covers the record's
   * next change, after which the record is frozen again.
   */
  async unfreeze(
    dto: { entity: string; entityId: string; reason: string },
    actor: Actor,
  ): Promise<UnfreezeRow> {
    const id = await this.tx.run(async (uow) => {
      const record = { entity: dto.entity, entityId: dto.entityId };
      const freeze = (await this.rules.frozen([record], uow.em)).get(recordKey(record));
      if (!freeze || !freeze.participantId) {
        throw DataLockErrors.notFrozen();
      }
      const unfreezeId = await this.repo.insertUnfreeze(
        {
          ...record,
          participantId: freeze.participantId,
          reason: dto.reason,
          by: actor.id as string,
          at: this.clock.now(),
        },
        uow.em,
      );
      if (!unfreezeId) {
        throw DataLockErrors.notFrozen();
      }
      uow.audit({
        action: 'data-lock.unfrozen',
        entity: 'record_unfreeze',
        entityId: unfreezeId,
        after: {
          ...record,
          participantId: freeze.participantId,
          frozenBy: freeze.cutName ?? freeze.reason,
          cutId: freeze.cutId,
        },
        reason: dto.reason,
      });
      return unfreezeId;
    });
    return (await this.repo.unfreezes(100)).find((u) => u.id === id) as UnfreezeRow;
  }
}
