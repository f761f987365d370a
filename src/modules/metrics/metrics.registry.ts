import { getQueueToken } from '@nestjs/bull';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ALL_QUEUES } from 'src/common/queue/queues';
import { OutboxStats } from 'src/kernel/outbox/outbox.stats';
import { ReadReplicas } from 'src/kernel/read-replicas';
import { AuditChainStatus } from 'src/modules/audit/audit.api';
import { DataSource } from 'typeorm';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** The pg pool behind TypeORM (its counters); undefined on another driver. */
type PgPool = { totalCount: number; idleCount: number; waitingCount: number };

/**
 * The API process's Prometheus metrics, in a registry of its own (several apps in one test
 * process do not share counters): request latency per route, the outbox backlog and the age of
 * its oldest row, Bull queue depths per state, the database pool, and the last audit-chain
 * verification, and the streaming replicas' lag. Gauges of other parts are read when Prometheus scrapes, never kept in step.
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
