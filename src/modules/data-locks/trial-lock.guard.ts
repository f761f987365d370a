import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  NOT_CLINICAL_WRITE_KEY,
  SAFETY_REPORTING_KEY,
} from 'src/common/context/write-lock.decorators';
import { RequestContext } from 'src/common/context/request-context';
import type { AuditEntry } from 'src/kernel/unit-of-work';
import { DataLockErrors } from './data-locks.errors';
import { DataLocksRepository } from './data-locks.repository';
import { lockSummary } from './trial-lock.service';

const READS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * Global guard of the final trial lock, deny by default (registered after the AuthGuard, so a
 * refusal for the token or the role comes first): while a lock is in force every write route
 * answers 409 DATABASE_LOCKED naming the lock, unless it is marked @NotClinicalWrite(). A
 * @SafetyReporting() route still passes, and each such write is recorded as an audited exception
 * (`data-lock.safety_exception`, with the lock and the route), written in the report's own
 * transaction (RequestContext.attachAudit): a refused or failed report leaves none.
 */
@Injectable()
export class TrialLockGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly repo: DataLocksRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    if (READS.includes(req.method)) {
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(NOT_CLINICAL_WRITE_KEY, targets)) {
      return true;
    }
    const lock = await this.repo.activeLock();
    if (!lock) {
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(SAFETY_REPORTING_KEY, targets)) {
      const route = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
      // Written with the report's own write, in its transaction: only a report that is stored.
      RequestContext.attachAudit({
        action: 'data-lock.safety_exception',
        entity: 'trial_lock',
        entityId: lock.id,
        after: { route, path: req.path },
        reason: 'safety reporting continues after the final lock',
      } satisfies AuditEntry);
      return true;
    }
    throw DataLockErrors.databaseLocked(lockSummary(lock));
  }
}
