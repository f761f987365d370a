import { Module } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import { LoggingModule } from './common/logging/logging.module';
import { QueueModule } from './common/queue/queue.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { OutboxModule } from 'src/kernel/outbox/outbox.module';

/** What both the API and the worker need: config, logging, clock, database, queues, outbox. */
@Module({
  imports: [ConfigModule, LoggingModule, CommonModule, DatabaseModule, QueueModule, OutboxModule],
  exports: [OutboxModule],
})
export class CoreModule {}
