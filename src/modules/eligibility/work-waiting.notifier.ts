import { Injectable } from '@nestjs/common';
import { OnDomainEvent, type PayloadOf } from 'src/kernel/events/domain-event';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { StaffApi } from 'src/modules/access/staff.api';
import { InboxApi } from 'src/modules/notifications/inbox.api';
import { ParticipantRegistered } from 'src/modules/participants/participants.events';

/** Who a notice names: the study id, or for a candidate without one the record's short id. Never a name. */
const who = (p: { participantId: string; studyId: string | null }) =>
  p.studyId ?? `candidate ${p.participantId.slice(0, 8)}`;

/**
 * Work waiting reaches people (issue 18): a site's coordinators hear of a new pre-screening
 * registration, its investigators of an eligibility assessment waiting for their signature. The
 * inbox rows commit with the change that made the work (no queue in between), once per piece of
 * work; the notices carry study ids and links, never identity data.
 */
@Injectable()
export class WorkWaitingNotifier {
  constructor(
    private readonly staff: StaffApi,
    private readonly inbox: InboxApi,
  ) {}

  @OnDomainEvent(ParticipantRegistered)
  async registered(
    uow: UnitOfWork,
    {
      participantId,
      siteId,
      siteLabel: site,
      stage,
      byActorId,
    }: PayloadOf<typeof ParticipantRegistered>,
  ): Promise<void> {
    if (stage !== 'pre_screened') {
      return;
    }
    const recipients = (await this.staff.withRoleAt(siteId, ['coordinator'], uow.em)).filter(
      (id) => id !== byActorId,
    );
    const source = byActorId === null ? 'through the public pre-screening page' : 'by a colleague';
    await this.inbox.deliverIn(
      uow,
      recipients.map((userId) => ({
        userId,
        kind: 'eligibility.prescreening_registered',
        subject: `New pre-screening registration at ${site}`,
        body: [
          `A candidate registered ${source} at ${site} (${who({ participantId, studyId: null })}).`,
          'Review the answers and contact the candidate from the worklist.',
        ].join('\n'),
        data: { participantId, siteId },
        dedupeKey: `eligibility.prescreening_registered:${participantId}`,
      })),
    );
  }

  /** An assessment that can be signed (eligible or not eligible) waits for the site's investigators. */
  async assessmentAwaitingSignature(
    uow: UnitOfWork,
    a: {
      participantId: string;
      studyId: string | null;
      siteId: string;
      siteLabel: string;
      assessmentId: string;
      result: string;
      criteriaSetLabel: string;
    },
  ): Promise<void> {
    const site = a.siteLabel;
    const recipients = await this.staff.withRoleAt(a.siteId, ['investigator'], uow.em);
    const result = a.result === 'eligible' ? 'eligible' : 'not eligible';
    await this.inbox.deliverIn(
      uow,
      recipients.map((userId) => ({
        userId,
        kind: 'eligibility.awaiting_signature',
        subject: `${who(a)}: eligibility assessment waits for your signature`,
        body: [
          `The eligibility assessment of ${who(a)} at ${site} (${a.criteriaSetLabel}) found the participant ${result}.`,
          'Review it and sign it, or ask the coordinator to correct the screening record.',
        ].join('\n'),
        data: { participantId: a.participantId, assessmentId: a.assessmentId },
        dedupeKey: `eligibility.awaiting_signature:${a.assessmentId}`,
      })),
    );
  }
}
