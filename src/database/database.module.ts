import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { OutboxSignal } from 'src/kernel/outbox/outbox-signal';
import { dataSourceOptions } from './data-source';
import { ParticipantRecords, RecordHistory } from 'src/kernel/record-history';
import { RecordChangeHooks, TransactionRunner } from 'src/kernel/unit-of-work';
import { ReadReplicas } from 'src/kernel/read-replicas';
import { RecentWrites, RecentWritesInterceptor } from 'src/kernel/recent-writes';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config),
    }),
  ],
  providers: [
    TransactionRunner,
    RecordChangeHooks,
    OutboxSignal,
    RecordHistory,
    ParticipantRecords,
    RecentWrites,
    ReadReplicas,
    { provide: APP_INTERCEPTOR, useClass: RecentWritesInterceptor },
  ],
  exports: [
    TransactionRunner,
    RecordChangeHooks,
    OutboxSignal,
    RecordHistory,
    ParticipantRecords,
    ReadReplicas,
  ],
})
export class DatabaseModule {}
