import { Module } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import { LoggingModule } from './common/logging/logging.module';
import { QueueModule } from './common/queue/queue.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DomainEventsModule } from 'src/kernel/events/domain-events.module';
import { OutboxModule } from 'src/kernel/outbox/outbox.module';

/** What both the API and the worker need: config, logging, clock, database, queues, outbox, domain events. */
@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    CommonModule,
    DatabaseModule,
    QueueModule,
    OutboxModule,
    DomainEventsModule,
  ],
  exports: [OutboxModule],
})
export class CoreModule {}
