import { Module } from '@nestjs/common';
import { JobEffectChecks } from './job-effect-checks';
import { OutboxReconciler } from './outbox.reconciler';
import { OutboxRelay } from './outbox.relay';
import { OutboxStats } from './outbox.stats';

@Module({
  providers: [OutboxRelay, OutboxReconciler, JobEffectChecks, OutboxStats],
  exports: [OutboxRelay, OutboxReconciler, JobEffectChecks, OutboxStats],
})
export class OutboxModule {}
