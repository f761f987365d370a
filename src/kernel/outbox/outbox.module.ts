import { Module } from '@nestjs/common';
import { JobEffectChecks } from './job-effect-checks';
import { OutboxReconciler } from './outbox.reconciler';
import { OutboxRelay } from './outbox.relay';

@Module({
  providers: [OutboxRelay, OutboxReconciler, JobEffectChecks],
  exports: [OutboxRelay, OutboxReconciler, JobEffectChecks],
})
export class OutboxModule {}
