import { Injectable } from '@nestjs/common';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { UsersService } from 'src/modules/access/users.service';
import { noticeText } from './scheduling-notices';
import type { NotifyJobData } from './scheduling.jobs';
import { SchedulingRepository } from './scheduling.repository';

/** Delivers booking notices to the in-app inboxes of the site's (and centre's) staff. */
@Injectable()
export class SchedulingNoticesService {
  constructor(
    private readonly repo: SchedulingRepository,
    private readonly users: UsersService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Delivers a booking notice to the in-app inboxes (the `scheduling.notify` job); idempotent. */
  async deliverNotice(data: NotifyJobData): Promise<number> {
    const b = await this.repo.findBooking(data.bookingId, null);
    if (!b) {
      return 0;
    }
    if (data.kind === 'wait_review' && b.reviewStatus !== 'pending') {
      return 0;
    }
    const wanted = (roles: readonly string[]) =>
      roles.includes('investigator') || roles.includes('coordinator');
    const recipients = new Set(
      (await this.users.staffOfSite(b.siteId, null))
        .filter((u) => wanted(u.roles))
        .map((u) => u.id),
    );
    if (data.kind === 'moved_up' && b.centreId !== b.siteId) {
      for (const u of await this.users.staffOfSite(b.centreId, null)) {
        if (wanted(u.roles)) {
          recipients.add(u.id);
        }
      }
    }
    const message = noticeText(b, data.kind);
    return this.notifications.deliver(
      [...recipients].map((userId) => ({
        userId,
        kind: `scheduling.${data.kind}`,
        subject: message.subject,
        body: message.body,
        data: {
          bookingId: b.id,
          participantId: b.participantId,
          studyId: b.studyId,
          quarter: b.quarter,
          plannedAdmissionDate: b.plannedAdmissionDate,
        },
        dedupeKey: `scheduling.${data.kind}:${b.id}:${data.ref}`,
      })),
    );
  }
}
