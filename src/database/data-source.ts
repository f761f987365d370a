import type { ClientBase } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import type { AppConfig } from 'src/config/app-config';
import { SnakeNamingStrategy } from './naming.strategy';

/**
 * The one set of TypeORM options, for the app, the CLI scripts and the test harness: always the
 * primary (DATABASE_URL), where migrations run. Streaming replicas get `replicaDataSourceOptions`.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: config.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: 5000,
      // A permanent 'error' listener on every pooled connection. pg-pool drops its own listener
      // when it hands a connection out, and TypeORM adds one only a tick later, so a connection
      // terminated at that instant (e.g. pg_terminate_backend, a failover: the FATAL message
      // arrives in the same packet as ReadyForQuery) emitted 'error' to nobody and crashed the
      // process. The pool and TypeORM still see the error and discard the connection.
      onConnect: (client: ClientBase) => {
        client.on('error', () => undefined);
      },
    },
    logging: false,
  };
}

/** Name of the connections to replicas (in `pg_stat_activity.application_name`). */
export const REPLICA_APPLICATION_NAME = 'ram-ms-replica-read';
/** Name of the one connection per replica that measures its lag. */
export const REPLICA_CHECK_APPLICATION_NAME = 'ram-ms-replica-check';

/**
 * The options of one read replica (a hot standby of the primary): the same naming and pool
 * settings, no migrations (they run on the primary and arrive by replication).
 */
export function replicaDataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  const { migrations: _migrations, ...primary } = dataSourceOptions({
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: poolSize,
  }) as DataSourceOptions & { type: 'postgres' };
  return { ...primary, applicationName: REPLICA_APPLICATION_NAME };
}

export function createDataSource(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>,
): DataSource {
  return new DataSource(dataSourceOptions(config));
}
