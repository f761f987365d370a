import { Injectable } from '@nestjs/common';
import { NotificationsService } from 'src/modules/notifications/notifications.service';
import { UsersService } from 'src/modules/access/users.service';
import type { BookingRow } from './booking.entity';
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
    const notice = await this.plan(data);
    if (!notice) {
      return 0;
    }
    const { b, recipients, dedupeKey } = notice;
    const message = noticeText(b, data.kind);
    return this.notifications.deliver(
      recipients.map((userId) => ({
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
        dedupeKey,
      })),
    );
  }

  /**
   * Has `scheduling.notify` had its effect: the notice is in its recipients' inboxes (delivered to
   * all of them in one transaction), or it would deliver nothing now (the booking is gone, the
   * review is no longer pending, nobody to tell)? Asked by the outbox reconciliation.
   */
  async noticeSettled(data: NotifyJobData): Promise<boolean> {
    const notice = await this.plan(data);
    return (
      !notice ||
      notice.recipients.length === 0 ||
      this.notifications.deliveredToAny(notice.recipients, notice.dedupeKey)
    );
  }

  /** The booking, recipients and inbox dedupe key of a notice; null when it is no longer due. */
  private async plan(
    data: NotifyJobData,
  ): Promise<{ b: BookingRow; recipients: string[]; dedupeKey: string } | null> {
    const b = await this.repo.findBooking(data.bookingId, null);
    if (!b) {
      return null;
    }
    if (data.kind === 'wait_review' && b.reviewStatus !== 'pending') {
      return null;
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
    return {
      b,
      recipients: [...recipients],
      dedupeKey: `scheduling.${data.kind}:${b.id}:${data.ref}`,
    };
  }
}
