import type { Queue } from 'bull';

/** Bull 4 internals this relies on (node_modules/bull/lib/queue.js, checked against 4.16.5). */
type BullInternals = {
  /** The lock value of every job this queue instance takes (`<prefix>:<queue>:<jobId>:lock`). */
  token: string;
  /** One promise per processing loop: fetching a job, running it, completing it. */
  processing: Record<string, Promise<unknown>>;
};

/**
 * Returns to the head of `wait` (or `paused`) every job in `active` whose lock is `ARGV[2]` (this
 * queue instance's token): removes it from `active` and from `stalled`, deletes its lock and its
 * `processedOn`, in one step. Its `stalledCounter` and `attemptsMade` are untouched, so it is
 * taken again as if never taken. Returns their ids.
 */
const HAND_BACK_SCRIPT = `
local target = KEYS[2]
if redis.call("EXISTS", KEYS[4]) == 1 then target = KEYS[3] end
local handed = {}
for _, jobId in ipairs(redis.call("LRANGE", KEYS[1], 0, -1)) do
  local lockKey = ARGV[1] .. jobId .. ":lock"
  if redis.call("GET", lockKey) == ARGV[2] then
    redis.call("LREM", KEYS[1], 1, jobId)
    redis.call("DEL", lockKey)
    redis.call("SREM", KEYS[5], jobId)
    redis.call("HDEL", ARGV[1] .. jobId, "processedOn")
    redis.call("RPUSH", target, jobId)
    table.insert(handed, jobId)
  end
end
return handed
`;

/**
 * Stops this process taking jobs from `queue` and waits for the jobs it runs to finish; every
 * job it had taken but not started goes back to `wait`, for another worker. Resolves with those
 * jobs' ids. The queue stays locally paused (call it when closing: it is not meant to be resumed).
 *
 * Bull's local pause (`queue.pause(true)`) alone leaves such jobs behind. A processing loop that
 * completes a job asks Redis for the next one in the same script (moveToFinished "fetch next",
 * skipped only if `queue.paused` was already set when its arguments were built; a failed job
 * never fetches). When that round
 * trip is under way as the pause begins, the next job comes back moved to `active` and locked with
 * this queue's token; the loop then holds it until the pause ends, which it never does, and the
 * pause resolves once the loop's promise (which ended with the previous job) has settled. The job
 * stays `active` until its lock lapses, then another worker's stalled-job check runs it again
 * with `stalledCounter` 1 (with a 30 s lock, for half a minute or more after the worker is gone).
 * Measured with three loops and jobs of 1–4 ms: 20–40 % of the pauses left one to three such jobs.
 *
 * So after the pause: wait until every processing loop has settled, again and again until no loop
 * started a job while the pause was being set (a loop that checked `queue.paused` just before it
 * was set fetches and runs one more job; its promise is not among those the pause waited for).
 * From then on no job of this queue is running in this process, so any job still `active` with
 * this process' lock was fetched and never started: hand it back to the head of `wait` in one
 * Redis script, as if it had never been taken (no stalled count, no attempt).
 *
 * Not covered: a job whose BRPOPLPUSH reply is lost when the pause closes the blocking connection
 * at that very instant is `active` without any lock, indistinguishable from one another worker is
 * just taking; Bull's stalled-job check returns it to `wait` (stalledCounter 1).
 */
export async function stopTakingJobs(queue: Queue): Promise<string[]> {
  await queue.pause(true);
  const internals = queue as unknown as BullInternals;
  let loops: Promise<unknown>[] = [];
  while (!sameLoops(loops, Object.values(internals.processing))) {
    loops = Object.values(internals.processing);
    await Promise.allSettled(loops);
  }
  return (await queue.client.eval(
    HAND_BACK_SCRIPT,
    5,
    queue.toKey('active'),
    queue.toKey('wait'),
    queue.toKey('paused'),
    queue.toKey('meta-paused'),
    queue.toKey('stalled'),
    queue.toKey(''),
    internals.token,
  )) as string[];
}

function sameLoops(a: Promise<unknown>[], b: Promise<unknown>[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
