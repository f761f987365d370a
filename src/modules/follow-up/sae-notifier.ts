import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from 'src/kernel/unit-of-work';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { UsersService } from 'src/modules/access/users.service';
import type { AdverseEventContext } from './follow-up-records';
import { saeNotice } from './notices';
import { VisitsRepository } from './visits.repository';

/** Tells a site's staff of a serious adverse event as it is recorded (the SAE clock starts). */
@Injectable()
export class SaeNotifier {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
  ) {}

  /**
   * An SAE notifies the site's investigators at once: the inbox rows commit with the event itself
   * (no queue in between), and their e-mails go through the outbox. Coordinators are told when the
   * site has no investigator account. Blinded assessors are never told.
   */
  async notify(
    uow: UnitOfWork,
    sae: {
      id: string;
      context: AdverseEventContext;
      onsetDate: string;
      criteria: readonly string[];
      awareAt: Date;
      reportDueAt: Date;
    },
  ): Promise<void> {
    const staff = (await this.users.staffOfSite(sae.context.siteId, null)).filter(
      (u) => !u.roles.includes('blinded_assessor'),
    );
    const investigators = staff.filter((u) => u.roles.includes('investigator'));
    const recipients =
      investigators.length > 0
        ? investigators
        : staff.filter((u) => u.roles.includes('coordinator'));
    const site = await this.visits.findSite(sae.context.siteId, null);
    const notice = saeNotice({
      adverseEventId: sae.id,
      participantId: sae.context.participantId,
      studyId: sae.context.studyId,
      siteLabel: site?.label ?? 'site',
      visitCode: sae.context.visitCode,
      onsetDate: sae.onsetDate,
      criteria: sae.criteria,
      awareAt: sae.awareAt,
      reportDueAt: sae.reportDueAt,
    });
    await this.notifications.deliverIn(
      uow,
      recipients.map((u) => ({
        userId: u.id,
        kind: 'follow-up.sae',
        subject: notice.subject,
        body: notice.body,
        data: notice.data,
        dedupeKey: `follow-up.sae:${sae.id}`,
      })),
    );
  }
}
