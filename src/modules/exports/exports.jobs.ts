import { QueueName } from 'src/common/queue/queues';
import { defineJob } from 'src/kernel/jobs/job-contract';

/** Job contracts of the exports module (handled by ExportsProcessor; registered in src/job-contracts.ts). */

/** The export's id only: what to export, for whom and how is in its row. */
export type RunExportJobData = { exportId: string };

const RUN_EXPORT = 'exports.run-export';
/** Written with the export row, in its transaction; one per export. */
export const RunExportJob = defineJob<RunExportJobData>({
  queue: QueueName.Exports,
  name: RUN_EXPORT,
  key: ({ exportId }) => `${RUN_EXPORT}:${exportId}`,
});
