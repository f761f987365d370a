import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { OutboxSignal } from 'src/kernel/outbox/outbox-signal';
import { dataSourceOptions } from './data-source';
import { RecordHistory } from 'src/kernel/record-history';
import { TransactionRunner } from 'src/kernel/unit-of-work';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config),
    }),
  ],
  providers: [TransactionRunner, OutboxSignal, RecordHistory],
  exports: [TransactionRunner, OutboxSignal, RecordHistory],
})
export class DatabaseModule {}
