import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { RequestContext } from 'src/common/context/request-context';
import { DomainError, type DomainErrorKind } from 'src/common/errors/domain-error';
import { QueueName } from 'src/common/queue/queues';
import {
  type BookSlotJobData,
  type NotifyJobData,
  SCHEDULING_NOTICE_KINDS,
  SchedulingJob,
} from './scheduling.jobs';
import { SchedulingService } from './scheduling.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Failures a retry cannot fix: the job is discarded (kept as failed for review) instead of retried. */
const PERMANENT: ReadonlySet<DomainErrorKind> = new Set([
  'bad_request',
  'not_found',
  'invalid_state',
  'forbidden',
]);

/**
 * Registered only in the worker. Thin: the service does the work and is idempotent (a job run twice
 * finds the booking of the first run; notices are deduplicated per recipient).
 */
@Processor(QueueName.Scheduling)
export class SchedulingProcessor {
  private readonly logger = new Logger(SchedulingProcessor.name);

  constructor(private readonly scheduling: SchedulingService) {}

  @Process(SchedulingJob.BookSlot)
  async bookSlot(job: Job<BookSlotJobData>): Promise<void> {
    const { participantId } = job.data ?? {};
    if (typeof participantId !== 'string' || !UUID.test(participantId)) {
      return this.fail(
        job,
        new DomainError('JOB_PAYLOAD_INVALID', 'bad_request', 'participantId must be a UUID'),
      );
    }
    await this.run(job, () => this.scheduling.bookForParticipant(participantId));
  }

  @Process(SchedulingJob.Notify)
  async notify(job: Job<NotifyJobData>): Promise<void> {
    const { bookingId, kind, ref } = job.data ?? {};
    if (
      typeof bookingId !== 'string' ||
      !UUID.test(bookingId) ||
      !SCHEDULING_NOTICE_KINDS.includes(kind) ||
      typeof ref !== 'string'
    ) {
      return this.fail(
        job,
        new DomainError(
          'JOB_PAYLOAD_INVALID',
          'bad_request',
          'bookingId, kind and ref are required',
        ),
      );
    }
    await this.run(job, () => this.scheduling.deliverNotice({ bookingId, kind, ref }));
  }

  @OnQueueFailed()
  onFailed(job: Job, error: Error): void {
    this.logger.warn(
      `${job.name}#${String(job.id)} attempt ${job.attemptsMade} failed: ${error.message}`,
    );
  }

  private async run(job: Job, work: () => Promise<unknown>): Promise<void> {
    try {
      await RequestContext.run(`job:${QueueName.Scheduling}:${String(job.id)}`, work);
    } catch (error) {
      if (error instanceof DomainError && PERMANENT.has(error.kind)) {
        await this.fail(job, error);
      }
      throw error;
    }
  }

  private async fail(job: Job, error: Error): Promise<never> {
    await job.discard();
    throw error;
  }
}
