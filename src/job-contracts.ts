import type { AnyJobContract } from 'src/kernel/jobs/job-contract';
import { PasswordResetMailJob } from 'src/modules/access/access.jobs';
import { RunExportJob } from 'src/modules/exports/exports.jobs';
import {
  GenerateScheduleJob,
  NotifyFindingJob,
  ReanchorJob,
  SweepJob,
} from 'src/modules/follow-up/follow-up.jobs';
import { EmailJob, WelcomeJob } from 'src/modules/notifications/notifications.jobs';
import {
  BookSlotJob,
  FillCentreJob,
  SchedulingNoticeJob,
} from 'src/modules/scheduling/scheduling.jobs';

/**
 * Every job of the system, one contract each (declared in the owning module's `*.jobs.ts`). The
 * worker refuses to start unless each has exactly one `@JobHandler` (src/kernel/jobs); a unit test
 * fails when a module declares a contract that is not listed here.
 */
export const ALL_JOB_CONTRACTS: readonly AnyJobContract[] = [
  WelcomeJob,
  EmailJob,
  BookSlotJob,
  SchedulingNoticeJob,
  FillCentreJob,
  GenerateScheduleJob,
  ReanchorJob,
  SweepJob,
  NotifyFindingJob,
  PasswordResetMailJob,
  RunExportJob,
];
