import { Injectable } from '@nestjs/common';
import { fieldItem } from 'src/common/fields/registry';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { StaffApi } from 'src/modules/access/staff.api';
import { InboxApi } from 'src/modules/notifications/inbox.api';
import type { QueryRow } from './queries.repository';
import { ASSESSOR_RECORD, recordLabel } from './query-targets';

const who = (q: QueryRow) => q.studyId ?? `participant ${q.participantId.slice(0, 8)}`;

/**
 * Work waiting reaches people (issue 18): a site hears of a new (or re-opened) query on its data
 * (a blinded assessor only of one on their assessment, the other site staff never of those);
 * the monitors of an answered one. Delivered in the query's transaction; study ids and item
 * labels only, never values or identity data.
 */
@Injectable()
export class QueriesNotifier {
  constructor(
    private readonly staff: StaffApi,
    private readonly inbox: InboxApi,
  ) {}

  async raised(uow: UnitOfWork, q: QueryRow, reopened = false): Promise<void> {
    const recipients =
      q.recordEntity === ASSESSOR_RECORD
        ? await this.staff.assessorsAt(q.siteId, uow.em)
        : await this.staff.withRoleAt(
            q.siteId,
            ['coordinator', 'investigator', 'site_staff'],
            uow.em,
          );
    const item = fieldItem(q.itemId).label;
    const what = reopened ? 're-opened' : 'new';
    await this.inbox.deliverIn(
      uow,
      recipients.map((userId) => ({
        userId,
        kind: 'queries.raised',
        subject: `${who(q)}: ${what} data query on ${item}`,
        body: [
          `A ${what} data query on "${item}" (${recordLabel(q.recordEntity)}) of ${who(q)} waits for your answer.`,
          'Answer it, or correct the value on its form with a reason.',
        ].join('\n'),
        data: {
          queryId: q.id,
          participantId: q.participantId,
          recordEntity: q.recordEntity,
          recordId: q.recordId,
        },
        dedupeKey: `queries.raised:${q.id}:${reopened ? new Date(q.statusChangedAt).getTime() : 0}`,
      })),
    );
  }

  async answered(uow: UnitOfWork, q: QueryRow): Promise<void> {
    const monitors = await this.staff.monitorsOf(q.siteId, uow.em);
    const recipients =
      q.raisedBy && !monitors.includes(q.raisedBy) ? [...monitors, q.raisedBy] : monitors;
    const item = fieldItem(q.itemId).label;
    await this.inbox.deliverIn(
      uow,
      recipients.map((userId) => ({
        userId,
        kind: 'queries.answered',
        subject: `${who(q)}: data query on ${item} answered`,
        body: [
          `The site answered the data query on "${item}" (${recordLabel(q.recordEntity)}) of ${who(q)}.`,
          'Review the answer: close the query, or re-open it.',
        ].join('\n'),
        data: {
          queryId: q.id,
          participantId: q.participantId,
          recordEntity: q.recordEntity,
          recordId: q.recordId,
        },
        dedupeKey: `queries.answered:${q.id}:${new Date(q.statusChangedAt).getTime()}`,
      })),
    );
  }
}
