import Bull, { type Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { stopTakingJobs } from 'src/common/queue/stop-taking-jobs';
import { waitFor } from '../harness/processes';
import { deleteRedisPrefix, redisUrl } from '../harness/redis';

const JOBS = 10;

/**
 * How a worker stops taking jobs (src/common/queue/stop-taking-jobs.ts), on real Bull queues and
 * Redis: the pause begins while a processing loop completes a job, so Bull's completion script
 * also fetches the next job (moveToFinished "fetch next") and the loop, now paused, never starts
 * it. Bull's local pause alone leaves that job `active`, locked by this worker, until its lock
 * lapses and the stalled-job check runs it again; `stopTakingJobs` hands it back to `wait` as
 * if never taken, and another worker runs it once.
 */
describe('stopping a worker taking jobs (int)', () => {
  const prefix = `stop-taking-${randomUUID()}`;
  const queues: Queue[] = [];
  const open = () => {
    const q = new Bull('jobs', redisUrl(), { prefix });
    queues.push(q);
    return q;
  };

  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await deleteRedisPrefix(prefix);
  });

  it('leaves no job it took active: the one fetched as the pause began goes back to wait, unstarted', async () => {
    const first = open();
    await first.addBulk(Array.from({ length: JOBS }, (_, k) => ({ name: 'step', data: { k } })));
    const runs: string[] = [];
    let stopping: Promise<string[]> | undefined;
    void first.process('step', 1, async (job: Bull.Job<{ k: number }>) => {
      runs.push(String(job.id));
      if (job.data.k === 3) {
        // Once this handler has returned and Bull has sent the completion (with "fetch next"),
        // before Redis' answer is read: the pause begins while the next job is on its way.
        setImmediate(() => {
          stopping = stopTakingJobs(first);
        });
      }
    });
    await waitFor('the stop to begin', () => Promise.resolve(stopping !== undefined));
    const handedBack = await stopping!;

    const ran = runs.length;
    expect(ran).toBe(4);
    expect(handedBack).toEqual(['5']);
    expect(runs).not.toContain('5');
    const counts = await first.getJobCounts();
    expect(counts).toMatchObject({ active: 0, completed: ran, waiting: JOBS - ran });
    const job5 = first.toKey('5');
    expect(await first.client.hmget(job5, 'stalledCounter', 'processedOn')).toEqual([null, null]);
    expect(await first.client.exists(`${job5}:lock`)).toBe(0);
    // Next out of wait (Bull takes from the right end of the list).
    expect(await first.client.lindex(first.toKey('wait'), -1)).toBe('5');

    // Another worker runs the rest, each job once, none stalled, none retried.
    const second = open();
    void second.process('step', 1, (job: Bull.Job) => {
      runs.push(String(job.id));
      return Promise.resolve();
    });
    await waitFor('every job to complete', async () => {
      return (await second.getJobCounts()).completed === JOBS;
    });
    expect([...runs].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: JOBS }, (_, k) => String(k + 1)),
    );
    expect(runs.slice(ran, ran + 1)).toEqual(['5']);
    for (const job of await second.getCompleted()) {
      expect(await second.client.hget(second.toKey(String(job.id)), 'stalledCounter')).toBeNull();
      expect(job.attemptsMade).toBe(0);
    }
  });
});
