import { Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { DomainError } from 'src/common/errors/domain-error';
import { QueueName } from 'src/common/queue/queues';
import { JobHandler } from 'src/kernel/jobs/job-handler';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import {
  BookSlotJob,
  type BookSlotJobData,
  FillCentreJob,
  type FillCentreJobData,
  type NotifyJobData,
  SCHEDULING_NOTICE_KINDS,
  SchedulingNoticeJob,
} from './scheduling.jobs';
import { BookingEngineService } from './booking-engine.service';
import { SchedulingNoticesService } from './scheduling-notices.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (message: string) => new DomainError('JOB_PAYLOAD_INVALID', 'bad_request', message);

/**
 * Registered only in the worker. Thin: the services do the work and is idempotent (a job run twice
 * finds the booking of the first run; notices are deduplicated per recipient). Failures follow the
 * one job policy (src/common/queue/job-policy.ts): a bad payload fails at once.
 */
@Processor(QueueName.Scheduling)
export class SchedulingProcessor {
  constructor(
    private readonly engine: BookingEngineService,
    private readonly notices: SchedulingNoticesService,
    effects: JobEffectChecks,
  ) {
    // For the outbox reconciliation (Redis lost the job): the participant has a booking, live or
    // ended (an ended one settles the job too), or is not a production arm-A allocation.
    effects.register(BookSlotJob, ({ participantId }) => this.engine.bookingSettled(participantId));
    // The centre has no free place a waiting participant could move into (the fill ran, or a later
    // change filled it).
    effects.register(FillCentreJob, ({ centreId }) => this.engine.fillSettled(centreId));
    // The notice is in the recipients' inboxes (its dedupe key), or no longer due.
    effects.register(SchedulingNoticeJob, async (data) =>
      typeof data?.bookingId === 'string' && UUID.test(data.bookingId)
        ? this.notices.noticeSettled(data)
        : true,
    );
  }

  @JobHandler(BookSlotJob)
  async bookSlot(job: Job<BookSlotJobData>): Promise<void> {
    const { participantId } = job.data ?? {};
    if (typeof participantId !== 'string' || !UUID.test(participantId)) {
      throw invalid('participantId must be a UUID');
    }
    await this.engine.bookForParticipant(participantId);
  }

  @JobHandler(FillCentreJob)
  async fillCentre(job: Job<FillCentreJobData>): Promise<void> {
    const { centreId } = job.data ?? {};
    if (typeof centreId !== 'string' || !UUID.test(centreId)) {
      throw invalid('centreId must be a UUID');
    }
    await this.engine.fillCentreById(centreId);
  }

  @JobHandler(SchedulingNoticeJob)
  async notify(job: Job<NotifyJobData>): Promise<void> {
    const { bookingId, kind, ref } = job.data ?? {};
    if (
      typeof bookingId !== 'string' ||
      !UUID.test(bookingId) ||
      !SCHEDULING_NOTICE_KINDS.includes(kind) ||
      typeof ref !== 'string'
    ) {
      throw invalid('bookingId, kind and ref are required');
    }
    await this.notices.deliverNotice({ bookingId, kind, ref });
  }
}
