import { performance } from 'node:perf_hooks';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type DataSourceOptions, EntityManager } from 'typeorm';
import { RequestContext } from 'src/common/context/request-context';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';
import { REPLICA_CHECK_APPLICATION_NAME, replicaDataSourceOptions } from 'src/database/data-source';
import { RecentWrites } from './recent-writes';

/** What a process last measured of one replica; `lagMs` null while unknown or down. */
export type ReplicaStatus = {
  /** `replica-1`, `replica-2`, … in the order of DATABASE_REPLICA_URLS (no host or credentials). */
  name: string;
  state: 'unknown' | 'ok' | 'lagging' | 'down';
  /** At least this far behind the primary (0: it had replayed everything the primary had written). */
  lagMs: number | null;
};

type Replica = ReplicaStatus & {
  dataSource: DataSource;
  /** One connection of its own for the measurements, never queued behind (or mixed with) reads. */
  probe: DataSource;
  /** performance.now() of the last finished measurement. */
  checkedAt: number;
  probing: boolean;
};

/** One reading of the primary's WAL position. */
type Sample = { at: number; lsn: bigint };

const parseLsn = (text: string): bigint => {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
};

/**
 * Errors that say "this replica cannot answer now" (connection refused or lost, shutting down,
 * starting up, out of connections, a query cancelled by a conflict with recovery): the read is
 * run again on the primary. Any other error (a SQL error) is the read's own and is thrown.
 */
export const replicaProblem = (error: unknown): 'down' | 'conflict' | null => {
  const cause = (error as { driverError?: unknown }).driverError ?? error;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '40001') {
      return 'conflict';
    }
    return /^(08|53|57P|58)/.test(code) ? 'down' : null;
  }
  // Socket errors (ECONNREFUSED, ECONNRESET, …), "Connection terminated", connect timeouts.
  return 'down';
};

/**
 * Streaming replicas (DATABASE_REPLICA_URLS) for stale-tolerant reads: the one place that decides
 * whether a read may go to a replica.
 *
 * - Every REPLICA_CHECK_MS each process reads the primary's WAL position and each replica's
 *   replay position. A replica is `ok` while it has replayed at least what the primary had
 *   written REPLICA_MAX_LAG_MS ago (positions, not timestamps: an idle primary never makes a
 *   replica look late, a paused or stuck one always does); otherwise `lagging`; unreachable or
 *   not a standby: `down`. A measurement older than three intervals counts as unknown.
 * - `staleTolerant(work)` runs `work` on an `ok` replica (in turn), or on the primary when there is
 *   none, when the acting user wrote within the read-your-writes window (RecentWrites), or when
 *   the replica fails to answer (the replica is then `down` until measured again).
 *
 * Writes, exports, and every read that is not wrapped here use the primary (the app's
 * DataSource); migrations and the CLIs never see a replica.
 */
@Injectable()
export class ReadReplicas implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadReplicas');
  private readonly replicas: Replica[];
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private turn = 0;
  private closed = false;

  constructor(
    private readonly primary: DataSource,
    private readonly recentWrites: RecentWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.replicas = config.DATABASE_REPLICA_URLS.split(',')
      .filter((url) => url !== '')
      .map((url, i) => ({
        name: `replica-${i + 1}`,
        state: 'unknown',
        lagMs: null,
        dataSource: new DataSource(replicaDataSourceOptions(url, config.DATABASE_POOL_SIZE)),
        probe: new DataSource({
          ...replicaDataSourceOptions(url, 1),
          applicationName: REPLICA_CHECK_APPLICATION_NAME,
        } as DataSourceOptions),
        checkedAt: -Infinity,
        probing: false,
      }));
  }

  onApplicationBootstrap(): void {
    if (this.replicas.length > 0) {
      void this.measure();
      this.timer = setInterval(() => void this.measure(), this.config.REPLICA_CHECK_MS);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await Promise.all(
      this.replicas
        .flatMap((r) => [r.dataSource, r.probe])
        .map((ds) => (ds.isInitialized ? ds.destroy() : undefined)),
    );
  }

  /** The last measurement of every replica (for metrics and tests). */
  status(): ReplicaStatus[] {
    return this.replicas.map((r) => ({
      name: r.name,
      state: this.fresh(r) ? r.state : 'unknown',
      lagMs: this.fresh(r) ? r.lagMs : null,
    }));
  }

  /**
   * Runs a read that may see data up to REPLICA_MAX_LAG_MS old (a report, an aggregate) on a
   * replica when one is fit, else on the primary. `work` must only read: it may run twice (on the
   * replica, then on the primary after the replica failed).
   */
  async staleTolerant<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    const replica = await this.choose();
    if (!replica) {
      return work(this.primary.manager);
    }
    try {
      return await work(replica.dataSource.manager);
    } catch (error) {
      const problem = replicaProblem(error);
      if (!problem) {
        throw error;
      }
      if (problem === 'down' && replica.state !== 'down') {
        replica.state = 'down';
        replica.lagMs = null;
        this.logger.warn(`${replica.name} failed a read; reading from the primary`);
      }
      return work(this.primary.manager);
    }
  }

  private async choose(): Promise<Replica | null> {
    const fit = this.replicas.filter(
      (r) => r.state === 'ok' && r.dataSource.isInitialized && this.fresh(r),
    );
    if (fit.length === 0) {
      return null;
    }
    const userId = RequestContext.actor().id;
    if (userId && (await this.recentWrites.wroteRecently(userId))) {
      return null;
    }
    this.turn = (this.turn + 1) % fit.length;
    return fit[this.turn];
  }

  private fresh(r: Replica): boolean {
    return performance.now() - r.checkedAt <= 3 * this.config.REPLICA_CHECK_MS;
  }

  private async measure(): Promise<void> {
    let reference: bigint;
    try {
      reference = await this.primaryReference();
    } catch {
      return; // The primary itself is unreachable: replicas keep their state until it is back.
    }
    await Promise.all(this.replicas.map((r) => this.measureReplica(r, reference)));
  }

  /**
   * Reads the primary's WAL position now, keeps it, and returns the position a replica must have
   * replayed to be fit: the newest reading at least REPLICA_MAX_LAG_MS old (or the oldest kept).
   */
  private async primaryReference(): Promise<bigint> {
    const [row] = (await this.primary.query(`SELECT pg_current_wal_lsn()::text AS lsn`)) as {
      lsn: string;
    }[];
    const at = performance.now();
    this.samples.push({ at, lsn: parseLsn(row.lsn) });
    const cutoff = at - this.config.REPLICA_MAX_LAG_MS;
    // Keep the newest reading at or before the cutoff and everything after it.
    while (this.samples.length > 1 && this.samples[1].at <= cutoff) {
      this.samples.shift();
    }
    return this.samples[0].lsn;
  }

  private async measureReplica(r: Replica, reference: bigint): Promise<void> {
    if (r.probing || this.closed) {
      return;
    }
    r.probing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('timeout')),
          Math.max(1000, 2 * this.config.REPLICA_CHECK_MS),
        );
      });
      const read = async () => {
        for (const ds of [r.probe, r.dataSource]) {
          if (!ds.isInitialized) {
            await ds.initialize();
            if (this.closed) {
              await ds.destroy(); // shut down meanwhile
              throw new Error('closed');
            }
          }
        }
        const [row] = (await r.probe.query(
          `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replay`,
        )) as { standby: boolean; replay: string | null }[];
        return row;
      };
      const row = await Promise.race([read(), timeout]);
      const before = r.state;
      if (!row.standby || row.replay === null) {
        // Promoted (or not a standby at all): its data may have left the primary's history.
        this.set(r, 'down', null, before, 'is not a streaming standby');
        return;
      }
      const replay = parseLsn(row.replay);
      const behind = this.samples.find((s) => s.lsn > replay);
      const lagMs = behind ? Math.round(performance.now() - behind.at) : 0;
      this.set(r, replay >= reference ? 'ok' : 'lagging', lagMs, before);
    } catch {
      this.set(r, 'down', null, r.state, 'is unreachable');
    } finally {
      clearTimeout(timer);
      r.checkedAt = performance.now();
      r.probing = false;
    }
  }

  private set(
    r: Replica,
    state: Replica['state'],
    lagMs: number | null,
    before: Replica['state'],
    why?: string,
  ): void {
    r.state = state;
    r.lagMs = lagMs;
    if (state !== before) {
      const reason =
        why ?? (state === 'ok' ? 'is within the lag limit' : 'is beyond REPLICA_MAX_LAG_MS');
      const log = state === 'ok' ? 'log' : 'warn';
      this.logger[log](
        `${r.name} ${reason}: ${state === 'ok' ? 'reading from it' : 'reading from the primary'}`,
      );
    }
  }
}
