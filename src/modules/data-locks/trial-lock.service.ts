import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { DataLockErrors, type LockSummary } from './data-locks.errors';
import {
  DataLocksRepository,
  type LockRequestRow,
  type TrialLockRow,
} from './data-locks.repository';

export const lockSummary = (lock: TrialLockRow): LockSummary => ({
  id: lock.id,
  lockedAt: new Date(lock.lockedAt).toISOString(),
  reason: lock.reason,
  requestedBy: lock.requestedByName,
  approvedBy: lock.approvedByName,
});

/**
 * The final trial lock (issue 18), two people: a statistician or an admin asks (with a reason),
 * a different person acting in the other of the two roles approves; the lock (or the unlock)
 * takes effect on approval. A new request replaces one still waiting.
 */
@Injectable()
export class TrialLockService {
  constructor(
    private readonly repo: DataLocksRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async state(): Promise<{ lock: TrialLockRow | null; requests: LockRequestRow[] }> {
    return { lock: await this.repo.activeLock(), requests: await this.repo.lockRequests(50) };
  }

  async request(
    dto: { action: 'lock' | 'unlock'; reason: string },
    actor: Actor,
  ): Promise<LockRequestRow> {
    const id = await this.tx.run(async (uow) => {
      await this.repo.lockLatch(uow.em);
      const lock = await this.repo.activeLock(uow.em);
      if (dto.action === 'lock' && lock) {
        throw DataLockErrors.alreadyLocked();
      }
      if (dto.action === 'unlock' && !lock) {
        throw DataLockErrors.notLocked();
      }
      const pending = (await this.repo.lockRequests(1, uow.em)).find((r) => r.status === 'pending');
      if (pending) {
        await this.repo.supersede(pending.id, uow.em);
        uow.audit({
          action: 'data-lock.request_superseded',
          entity: 'trial_lock_request',
          entityId: pending.id,
          before: { status: 'pending' },
          after: { status: 'superseded' },
        });
      }
      const requestId = (await this.repo.insertLockRequest(
        {
          action: dto.action,
          reason: dto.reason,
          by: actor.id as string,
          role: actor.role,
          at: this.clock.now(),
        },
        uow.em,
      )) as string;
      uow.audit({
        action: `data-lock.${dto.action}_requested`,
        entity: 'trial_lock_request',
        entityId: requestId,
        after: { action: dto.action, role: actor.role },
        reason: dto.reason,
      });
      return requestId;
    });
    return (await this.repo.lockRequests(50)).find((r) => r.id === id) as LockRequestRow;
  }

  async approve(id: string, actor: Actor): Promise<LockRequestRow> {
    await this.tx.run(async (uow) => {
      await this.repo.lockLatch(uow.em);
      const request = await this.repo.lockRequest(id, uow.em);
      if (!request) {
        throw DataLockErrors.lockRequestNotFound();
      }
      if (request.status !== 'pending') {
        throw DataLockErrors.lockRequestNotPending();
      }
      if (request.requestedBy === actor.id) {
        throw DataLockErrors.samePerson();
      }
      if (request.requestedRole === actor.role) {
        throw DataLockErrors.sameRole(actor.role);
      }
      const now = this.clock.now();
      const lock = await this.repo.activeLock(uow.em);
      await this.repo.approveLockRequest(id, actor.id as string, actor.role, now, uow.em);
      if (request.action === 'lock') {
        if (lock) {
          throw DataLockErrors.alreadyLocked();
        }
        const lockId = await this.repo.insertLock(id, now, uow.em);
        uow.audit({
          action: 'data-lock.trial_locked',
          entity: 'trial_lock',
          entityId: lockId,
          after: {
            lockedAt: now.toISOString(),
            requestId: id,
            requestedBy: request.requestedBy,
            approvedBy: actor.id,
          },
          reason: request.reason,
        });
      } else {
        if (!lock) {
          throw DataLockErrors.notLocked();
        }
        await this.repo.endLock(lock.id, id, now, uow.em);
        uow.audit({
          action: 'data-lock.trial_unlocked',
          entity: 'trial_lock',
          entityId: lock.id,
          before: { lockedAt: new Date(lock.lockedAt).toISOString() },
          after: {
            unlockedAt: now.toISOString(),
            requestId: id,
            requestedBy: request.requestedBy,
            approvedBy: actor.id,
          },
          reason: request.reason,
        });
      }
    });
    return (await this.repo.lockRequests(50)).find((r) => r.id === id) as LockRequestRow;
  }
}
