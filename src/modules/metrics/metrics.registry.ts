import { getQueueToken } from '@nestjs/bull';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Job, Queue } from 'bull';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { classifyJobError } from 'src/common/queue/job-policy';
import { ALL_QUEUES } from 'src/common/queue/queues';
import { OutboxStats } from 'src/kernel/outbox/outbox.stats';
import { ReadReplicas } from 'src/kernel/read-replicas';
import { AuditChainStatus } from 'src/modules/audit/audit.api';
import { SweepJob, type SweepJobResult } from 'src/modules/follow-up/follow-up.jobs';
import { DataSource } from 'typeorm';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** The pg pool behind TypeORM (its counters); undefined on another driver. */
type PgPool = { totalCount: number; idleCount: number; waitingCount: number };

/** Job durations: from a few milliseconds (a notice) to minutes (a sweep of every site). */
const JOB_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * A process's Prometheus metrics, in a registry of its own (several apps in one test process do
 * not share counters): request latency per route, the outbox backlog and the age of its oldest
 * row, Bull queue depths per state, the database pool, the streaming replicas' lag and the last
 * audit-chain verification; in the process that runs the processors (the worker) also job
 * durations and failures per queue and job, and the follow-up sweep's duration and findings. Gauges of other parts are read when
 * Prometheus scrapes, never kept in step. The API serves them at GET /metrics, the worker on
 * METRICS_PORT (./metrics.server.ts).
 */
@Injectable()
export class MetricsRegistry implements OnModuleInit {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly jobs = new Histogram({
    name: 'bull_job_duration_seconds',
    help: 'Run time of the jobs this process processed, by queue, job name and outcome (every attempt)',
    labelNames: ['queue', 'name', 'status'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly jobFailures = new Counter({
    name: 'bull_job_failures_total',
    help: 'Failed job attempts in this process, by queue, job name and kind (transient, permanent, unknown: src/common/queue/job-policy.ts)',
    labelNames: ['queue', 'name', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly sweeps = new Histogram({
    name: 'followup_sweep_duration_seconds',
    help: 'Run time of the follow-up sweeps this process completed',
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly sweepFindings = new Counter({
    name: 'followup_sweep_findings_total',
    help: 'New findings of the follow-up sweeps this process completed, by kind (and notices enqueued, visits marked missed)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly sweepLast = new Gauge({
    name: 'followup_sweep_last_success_timestamp_seconds',
    help: 'When the last follow-up sweep this process ran completed (Unix time)',
    registers: [this.registry],
  });

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStats,
    private readonly audit: AuditChainStatus,
    private readonly replicas: ReadReplicas,
  ) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    const outbox = this.outbox;
    new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows not yet relayed to the queues',
      registers: [this.registry],
      async collect() {
        this.set((await outbox.backlog()).rows);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest outbox row not yet relayed (0 when none)',
      registers: [this.registry],
      async collect() {
        this.set((await outbox.backlog()).oldestAgeSeconds);
      },
    });
    const queues = ALL_QUEUES.map((name) => ({
      name,
      queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    }));
    new Gauge({
      name: 'bull_queue_jobs',
      help: 'Jobs per Bull queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const { name, queue } of queues) {
          const counts = await queue.getJobCounts();
          for (const state of JOB_STATES) {
            this.set({ queue: name, state }, counts[state] ?? 0);
          }
        }
      },
    });
    for (const { queue } of queues) {
      this.observeJobs(queue);
    }
    const pool = () => (this.dataSource.driver as unknown as { master?: PgPool }).master;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting clients)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        if (p) {
          this.set({ state: 'total' }, p.totalCount);
          this.set({ state: 'idle' }, p.idleCount);
          this.set({ state: 'waiting' }, p.waitingCount);
        }
      },
    });
    const replicas = this.replicas;
    new Gauge({
      name: 'db_replica_lag_seconds',
      help: 'How far each streaming replica is behind the primary, at least (absent while down or unknown)',
      labelNames: ['replica'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const r of replicas.status()) {
          if (r.lagMs !== null) {
            this.set({ replica: r.name }, r.lagMs / 1000);
          }
        }
      },
    });
    new Gauge({
      name: 'db_replica_serving',
      help: 'Whether each streaming replica serves stale-tolerant reads (1) or they go to the primary (0)',
      labelNames: ['replica'] as const,
      registers: [this.registry],
      collect() {
        for (const r of replicas.status()) {
          this.set({ replica: r.name }, r.state === 'ok' ? 1 : 0);
        }
      },
    });
    const audit = this.audit;
    new Gauge({
      name: 'audit_chain_verified',
      help: 'Result of the last audit-chain verification in this process (1 intact, 0 broken)',
      registers: [this.registry],
      collect() {
        const last = audit.lastVerification();
        if (last) {
          this.set(last.valid ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'audit_chain_verified_timestamp_seconds',
      help: 'When the last audit-chain verification in this process ran (Unix time)',
      registers: [this.registry],
      collect() {
        const last = audit.lastVerification();
        if (last) {
          this.set(last.at.getTime() / 1000);
        }
      },
    });
  }

  /**
   * Times each job this process runs, from Bull's local events: they fire only where a processor
   * runs the job (the worker), never for jobs merely added or seen elsewhere. A failed attempt
   * counts once, whether Bull retries it or not.
   */
  private observeJobs(queue: Queue): void {
    const running = new WeakMap<Job, (labels: { status: string }) => number>();
    queue.on('active', (job: Job) => {
      running.set(job, this.jobs.startTimer({ queue: queue.name, name: job.name }));
    });
    queue.on('completed', (job: Job, result: unknown) => {
      const seconds = running.get(job)?.({ status: 'completed' });
      running.delete(job);
      if (job.name === SweepJob.name) {
        this.sweepCompleted(job, seconds, result as SweepJobResult | undefined);
      }
    });
    queue.on('failed', (job: Job, error: unknown) => {
      running.get(job)?.({ status: 'failed' });
      running.delete(job);
      const { kind } = classifyJobError(error);
      this.jobFailures.inc({ queue: queue.name, name: job.name, kind });
    });
  }

  private sweepCompleted(job: Job, seconds: number | undefined, result?: SweepJobResult): void {
    if (seconds !== undefined) {
      this.sweeps.observe(seconds);
    }
    for (const [kind, n] of Object.entries(result?.counts ?? {})) {
      this.sweepFindings.inc({ kind }, n);
    }
    if (job.finishedOn) {
      this.sweepLast.set(job.finishedOn / 1000);
    }
  }

  /**
   * Times every request, labelled by its route template (`/participants/:id`), never the raw
   * path: unmatched paths share one label, so probes cannot grow the series without bound.
   */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = this.requests.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        // Nest answers unknown paths through a catch-all route (`/{*path}`): no template either.
        route: route && !route.includes('*') ? `${req.baseUrl}${route}` : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  };
}
