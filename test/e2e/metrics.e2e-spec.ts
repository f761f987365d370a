import { randomUUID } from 'node:crypto';
import { QueueName } from 'src/common/queue/queues';
import { ReanchorJob, SweepJob } from 'src/modules/follow-up/follow-up.jobs';
import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';
import { freePort } from '../harness/processes';

const TOKEN = 'metrics-token-for-the-tests-0123456789abcdef';

type Sample = { name: string; labels: Record<string, string>; value: number };

/**
 * Parses Prometheus text exposition (format 0.0.4) strictly: every line is a HELP or TYPE
 * comment or a sample `name{label="value",…} number`; anything else fails the test. NaN in any
 * case (prom-client writes `Nan`): Prometheus reads values with Go's ParseFloat, which takes it.
 */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) {
      continue;
    }
    const m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|\+Inf|-Inf)$/.exec(line);
    if (!m) {
      throw new Error(`not Prometheus text: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

describe('Prometheus metrics (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No worker: relayed jobs wait in their queues, where the metrics can see them.
    t = await createTestApp({ now: PATHWAY_NOW, worker: false, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return parse(res.text);
  };

  it('is not public: 401 without the token or with a wrong one, and off (404) without METRICS_TOKEN', async () => {
    expect((await t.http().get('/metrics')).status).toBe(401);
    const wrong = await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_TOKEN');
    // A user's access token is not the metrics token.
    const admin = await t.factory.user('admin');
    expect((await t.http().get('/metrics').set(bearer(admin))).status).toBe(401);

    const off = await createTestApp({ worker: false });
    try {
      const res = await off.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('METRICS_DISABLED');
    } finally {
      await off.close();
    }
  });

  it('parses as Prometheus text and moves: a randomisation counts on its route, the relay fills the queues', async () => {
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const siteId = await t.factory.site('NL-AMS');
    const id = await consentedParticipant(t, { coordinator, investigator, siteId });

    const before = await scrape();
    for (const name of [
      'http_request_duration_seconds_count',
      'outbox_backlog',
      'outbox_oldest_unsent_age_seconds',
      'bull_queue_jobs',
      'db_pool_connections',
      'process_cpu_seconds_total',
    ]) {
      expect(before.some((s) => s.name === name)).toBe(true);
    }
    const route = { method: 'POST', route: '/participants/:id/randomization', status: '201' };
    const queued = (samples: Sample[]) =>
      value(samples, 'bull_queue_jobs', { state: 'waiting' }) +
      value(samples, 'bull_queue_jobs', { state: 'delayed' });

    await t.http().post(`/participants/${id}/randomization`).set(bearer(investigator)).expect(201);

    let after = await scrape();
    expect(value(after, 'http_request_duration_seconds_count', route)).toBe(
      value(before, 'http_request_duration_seconds_count', route) + 1,
    );
    // The route's label is the template, never the participant's id.
    expect(after.some((s) => s.labels.route?.includes(id))).toBe(false);
    // The relay moves the randomisation's outbox rows into the queues.
    const deadline = Date.now() + 15_000;
    while (queued(after) <= queued(before) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await scrape();
    }
    expect(queued(after)).toBeGreaterThan(queued(before));
  });

  it('labels an unknown path as unmatched, and reports the last audit-chain verification', async () => {
    await t.http().get('/no/such/path/12345').expect(404);
    const monitor = await t.factory.user('monitor', { trialWide: true });
    await t.http().get('/audit/verify').set(bearer(monitor)).expect(200);
    const samples = await scrape();
    expect(
      value(samples, 'http_request_duration_seconds_count', { route: 'unmatched' }),
    ).toBeGreaterThan(0);
    expect(samples.some((s) => s.labels.route?.includes('12345'))).toBe(false);
    expect(value(samples, 'audit_chain_verified')).toBe(1);
    expect(value(samples, 'audit_chain_verified_timestamp_seconds')).toBeGreaterThan(0);
  });
});

describe("the worker's metrics on METRICS_PORT (e2e)", () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    t = await createTestApp({
      now: PATHWAY_NOW,
      env: { METRICS_TOKEN: TOKEN, METRICS_PORT: String(port) },
    });
  });
  afterAll(() => t.close());

  const get = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  const scrape = async () => {
    const res = await get('/metrics', TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return parse(await res.text());
  };
  const followUp = () => t.queues.find((q) => q.name === QueueName.FollowUp)!;

  it('serves /health openly and /metrics only with the token', async () => {
    expect((await get('/health')).status).toBe(200);
    const none = await get('/metrics');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('INVALID_TOKEN');
    expect((await get('/metrics', `${TOKEN}x`)).status).toBe(401);
    expect((await get('/other', TOKEN)).status).toBe(404);
    const samples = await scrape();
    expect(value(samples, 'db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'bull_queue_jobs')).toBe(true);
  });

  it('times the jobs a randomisation causes, per queue and job, once the relay has moved them', async () => {
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const siteId = await t.factory.site('NL-AMS');
    const id = await consentedParticipant(t, { coordinator, investigator, siteId });
    await t.drainJobs();
    const generated = {
      queue: 'follow-up',
      name: 'follow-up.generate-schedule',
      status: 'completed',
    };
    const before = await scrape();

    await t.http().post(`/participants/${id}/randomization`).set(bearer(investigator)).expect(201);
    await t.drainJobs();

    const after = await scrape();
    expect(value(after, 'bull_job_duration_seconds_count', generated)).toBe(
      value(before, 'bull_job_duration_seconds_count', generated) + 1,
    );
    expect(value(after, 'bull_job_duration_seconds_sum', generated)).toBeGreaterThan(
      value(before, 'bull_job_duration_seconds_sum', generated),
    );
    const finished = (samples: Sample[]) =>
      value(samples, 'bull_job_duration_seconds_count', { status: 'completed' });
    expect(finished(after)).toBeGreaterThan(finished(before));
    // The job's labels are its queue and name, never its payload.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(id)))).toBe(false);
  });

  it('counts a failing job by queue, name and kind', async () => {
    const failed = { queue: 'follow-up', name: ReanchorJob.name, kind: 'permanent' };
    const before = await scrape();
    // A day 0 that is no date: a domain error no retry can fix, so it fails at once.
    await followUp().add(ReanchorJob.name, {
      participantId: randomUUID(),
      transplantDay0: 'not-a-date',
    });
    await t.drainJobs();
    const after = await scrape();
    expect(value(after, 'bull_job_failures_total', failed)).toBe(
      value(before, 'bull_job_failures_total', failed) + 1,
    );
    expect(
      value(after, 'bull_job_duration_seconds_count', {
        queue: 'follow-up',
        name: ReanchorJob.name,
        status: 'failed',
      }),
    ).toBe(1);
  });

  it('reports the follow-up sweep: its duration, its findings per kind and when it last succeeded', async () => {
    const before = await scrape();
    expect(value(before, 'followup_sweep_duration_seconds_count')).toBe(0);
    // Ten weeks on, the randomised participant's early visits are due, overdue or missed.
    t.clock!.set('2026-05-10T10:00:00Z');
    await followUp().add(SweepJob.name, {}, { jobId: `sweep-${randomUUID()}` });
    await t.drainJobs();

    const after = await scrape();
    expect(value(after, 'followup_sweep_duration_seconds_count')).toBe(1);
    expect(value(after, 'followup_sweep_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value(after, 'followup_sweep_last_success_timestamp_seconds')).toBeGreaterThan(0);
    const [run]: { counts: Record<string, number> }[] = await t.dataSource.query(
      `SELECT counts FROM follow_up_sweep_runs ORDER BY finished_at DESC LIMIT 1`,
    );
    expect(Object.values(run.counts).some((n) => n > 0)).toBe(true);
    for (const [kind, n] of Object.entries(run.counts)) {
      expect(value(after, 'followup_sweep_findings_total', { kind })).toBe(n);
    }
  });
});
