import { Module } from '@nestjs/common';
import { OutboxModule } from 'src/kernel/outbox/outbox.module';
import { AuditModule } from 'src/modules/audit/audit.module';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';

/** Prometheus metrics of the API process (GET /metrics with METRICS_TOKEN). */
@Module({
  imports: [AuditModule, OutboxModule],
  controllers: [MetricsController],
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class MetricsModule {}

export { MetricsRegistry };
