import { Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { DomainError } from 'src/common/errors/domain-error';
import { QueueName } from 'src/common/queue/queues';
import { JobHandler } from 'src/kernel/jobs/job-handler';
import { JobEffectChecks } from 'src/kernel/outbox/job-effect-checks';
import { ExportRunner } from './export-runner.service';
import { RunExportJob, type RunExportJobData } from './exports.jobs';
import { ExportsRepository } from './exports.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Registered only in the worker: runs exports (idempotent: a finished export is not redone). */
@Processor(QueueName.Exports)
export class ExportsProcessor {
  constructor(
    private readonly runner: ExportRunner,
    repo: ExportsRepository,
    effects: JobEffectChecks,
  ) {
    // Outbox reconciliation: the export ran (done or failed) when Redis lost the job.
    effects.register(RunExportJob, async ({ exportId }) => {
      const e = await repo.find(exportId);
      return !e || e.status === 'done' || e.status === 'failed';
    });
  }

  @JobHandler(RunExportJob)
  async run(job: Job<RunExportJobData>): Promise<void> {
    const { exportId } = job.data ?? {};
    if (typeof exportId !== 'string' || !UUID.test(exportId)) {
      throw new DomainError('JOB_PAYLOAD_INVALID', 'bad_request', 'exportId must be a UUID');
    }
    await this.runner.run(exportId);
  }
}
