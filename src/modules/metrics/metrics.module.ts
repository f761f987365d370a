import { Module } from '@nestjs/common';
import { OutboxModule } from 'src/kernel/outbox/outbox.module';
import { AuditModule } from 'src/modules/audit/audit.module';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';
import { WorkerMetricsServer } from './metrics.server';

/**
 * Prometheus metrics of a process: the API serves them at GET /metrics (METRICS_TOKEN); the worker
 * lists WorkerMetricsServer among its providers to serve them (and /health) on METRICS_PORT.
 */
@Module({
  imports: [AuditModule, OutboxModule],
  controllers: [MetricsController],
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class MetricsModule {}

export { MetricsRegistry, WorkerMetricsServer };
