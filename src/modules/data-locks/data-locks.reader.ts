import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LockSummary } from './data-locks.errors';
import { DataLocksRepository } from './data-locks.repository';
import { lockSummary } from './trial-lock.service';

/**
 * What other modules may read of the locks: whether the trial is locked (the system's own writes,
 * the sweep and the reminders, stop then) and which participants' records are frozen at the end
 * of their follow-up.
 */
@Injectable()
export class DataLocksReader {
  constructor(private readonly repo: DataLocksRepository) {}

  /** The final lock in force, or null. */
  async trialLock(em?: EntityManager): Promise<LockSummary | null> {
    const lock = await this.repo.activeLock(em);
    return lock ? lockSummary(lock) : null;
  }

  /** Of these participants, those whose records are frozen at the end of their follow-up. */
  async frozenParticipants(ids: readonly string[], em?: EntityManager): Promise<Set<string>> {
    return new Set((await this.repo.participantFreezes(ids, em)).keys());
  }
}
