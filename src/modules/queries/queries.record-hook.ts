import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import {
  type RecordChange,
  type RecordChangeHook,
  RecordChangeHooks,
  type UnitOfWork,
} from 'src/kernel/unit-of-work';
import { QueriesRepository } from './queries.repository';
import { changeAnswers } from './query-targets';

/**
 * Links a correction to the queries it answers (issue 18): when a record changes, every query
 * not closed on a changed field gets a `corrected` event with the version, the value before and
 * after and the reason, in the correction's transaction (audited `query.correction_linked`).
 */
@Injectable()
export class QueriesRecordHook implements RecordChangeHook, OnModuleInit {
  constructor(
    private readonly hooks: RecordChangeHooks,
    private readonly queries: QueriesRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onRecordChanges(uow: UnitOfWork, changes: readonly RecordChange[]): Promise<void> {
    const actor = RequestContext.actor();
    for (const change of changes) {
      if (!change.changes?.length) {
        continue;
      }
      const unresolved = await this.queries.unresolvedOn(change.entity, change.entityId, uow.em);
      for (const q of unresolved) {
        const answering = change.changes.filter((c) => changeAnswers(q.path, c.path));
        for (const c of answering) {
          await this.queries.addEvent(
            q.id,
            {
              kind: 'corrected',
              text: change.reason ?? null,
              recordVersion: change.version,
              before: { path: c.path, value: c.before },
              after: { path: c.path, value: c.after },
              actorId: actor.id,
              actorRole: actor.role,
              at: this.clock.now(),
            },
            uow.em,
          );
        }
        if (answering.length > 0) {
          uow.audit({
            action: 'query.correction_linked',
            entity: 'data_query',
            entityId: q.id,
            after: {
              record: { entity: change.entity, id: change.entityId, version: change.version },
              fields: answering.map((c) => c.path),
            },
            reason: change.reason ?? null,
          });
        }
      }
    }
  }
}
