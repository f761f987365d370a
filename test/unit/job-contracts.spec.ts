import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALL_JOB_CONTRACTS } from 'src/job-contracts';
import { isJobContract } from 'src/kernel/jobs/job-contract';

const root = join(__dirname, '..', '..');
const jobsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? jobsFiles(join(dir, e.name))
      : e.name.endsWith('.jobs.ts')
        ? [join(dir, e.name)]
        : [],
  );

/** The job-contract registry: every contract a module declares is registered, once, with its key. */
describe('job contracts', () => {
  it('registers every contract declared in a module *.jobs.ts, and nothing else', async () => {
    const declared: string[] = [];
    for (const file of jobsFiles(join(root, 'src', 'modules'))) {
      const exported = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exported)) {
        if (isJobContract(value)) {
          expect(ALL_JOB_CONTRACTS).toContain(value);
          declared.push(`${relative(root, file)}: ${name} = ${value.queue}/${value.name}`);
        }
      }
    }
    expect(declared.sort()).toEqual(EXPECTED);
    expect(declared).toHaveLength(ALL_JOB_CONTRACTS.length);
  });

  it('gives each job one name and each name its dedupe key', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(new Set(ALL_JOB_CONTRACTS.map((c) => c.name)).size).toBe(ALL_JOB_CONTRACTS.length);
    const keys = Object.fromEntries(
      ALL_JOB_CONTRACTS.map((c) => [
        c.name,
        c.key(
          {
            participantId: id,
            userId: id,
            notificationId: id,
            bookingId: id,
            kind: 'moved_up',
            ref: 'v2',
            visitId: id,
            findingId: `follow-up:overdue:${id}:2026-01-01`,
            centreId: id,
            resetId: id,
            exportId: id,
          },
          { day0: '2026-04-20', version: 3, at: '2026-04-20T10:00:00.000Z', capacity: 2 },
        ),
      ]),
    );
    expect(keys).toEqual({
      'notifications.welcome': `notifications.welcome:${id}`,
      'notifications.email': `notifications.email:${id}`,
      'scheduling.book-slot': `scheduling.book-slot:${id}`,
      'scheduling.notify': `scheduling.notify:moved_up:${id}:v2`,
      'scheduling.fill-centre': `scheduling.fill-centre:${id}:2:2026-04-20T10:00:00.000Z`,
      'follow-up.generate-schedule': `follow-up.generate-schedule:${id}`,
      'follow-up.reanchor': `follow-up.reanchor:${id}:2026-04-20:v3`,
      'follow-up.sweep': 'follow-up.sweep',
      'follow-up.notify-finding': `follow-up:overdue:${id}:2026-01-01`,
      'access.password-reset-mail': `access.password-reset-mail:${id}`,
      'exports.run-export': `exports.run-export:${id}`,
    });
  });
});

const EXPECTED = [
  'src/modules/access/access.jobs.ts: PasswordResetMailJob = notifications/access.password-reset-mail',
  'src/modules/exports/exports.jobs.ts: RunExportJob = exports/exports.run-export',
  'src/modules/follow-up/follow-up.jobs.ts: GenerateScheduleJob = follow-up/follow-up.generate-schedule',
  'src/modules/follow-up/follow-up.jobs.ts: NotifyFindingJob = notifications/follow-up.notify-finding',
  'src/modules/follow-up/follow-up.jobs.ts: ReanchorJob = follow-up/follow-up.reanchor',
  'src/modules/follow-up/follow-up.jobs.ts: SweepJob = follow-up/follow-up.sweep',
  'src/modules/notifications/notifications.jobs.ts: EmailJob = notifications/notifications.email',
  'src/modules/notifications/notifications.jobs.ts: WelcomeJob = notifications/notifications.welcome',
  'src/modules/scheduling/scheduling.jobs.ts: BookSlotJob = scheduling/scheduling.book-slot',
  'src/modules/scheduling/scheduling.jobs.ts: FillCentreJob = scheduling/scheduling.fill-centre',
  'src/modules/scheduling/scheduling.jobs.ts: SchedulingNoticeJob = scheduling/scheduling.notify',
];
