import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from 'src/common/clock/clock';
import { RequestContext, SYSTEM_ACTOR } from 'src/common/context/request-context';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';
import type { JobPayload, QueueName } from 'src/common/queue/queues';
import { claimIdempotencyKey } from 'src/kernel/idempotency/idempotency-keys';
import { redact } from 'src/kernel/redact';
import type { JobContract } from 'src/kernel/jobs/job-contract';
import { OutboxSignal } from 'src/kernel/outbox/outbox-signal';

export type AuditEntry = {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /**
   * Recorded as the system's own act (an edit check run within a user's save), not the current
   * actor's: the row names no user and the role `system`.
   */
  bySystem?: boolean;
};

/** One version of a correctable record, kept in `record_versions` (see src/common/corrections). */
export type VersionEntry = {
  entity: string;
  entityId: string;
  /** The participant whose record this is (a monitor's work and the record hooks are per participant). */
  participantId: string;
  version: number;
  /** The record's values at this version. */
  data: unknown;
  /** Exactly the fields that differ from the previous version (empty for the first). */
  changes?: readonly { path: string; before: unknown; after: unknown }[];
  reason?: string | null;
  /** Who made this version and when, when not the current actor now (an original kept on its first correction). */
  by?: { actorId: string | null; actorRole: string | null; at: Date };
};

/** An outbox row to be: written by `enqueue` from a job contract. */
export type JobIntent = {
  queue: QueueName;
  name: string;
  payload: JobPayload;
  /** Becomes the Bull jobId: the same intent written twice is enqueued once. */
  dedupeKey: string;
};

/**
 * One business transaction. Use cases write through `em`, and declare what they did with
 * `audit()` and the jobs to follow with `enqueue()`; both are written by the runner in the same
 * transaction, the audit rows last, so the chain-head lock is held only for the commit.
 */
export class UnitOfWork {
  readonly audits: AuditEntry[] = [];
  readonly jobs: JobIntent[] = [];
  readonly versions: VersionEntry[] = [];
  constructor(readonly em: EntityManager) {}
  /** Keeps a version of a correctable record, written with the audit rows. */
  version(entry: VersionEntry): void {
    this.versions.push(entry);
  }
  audit(entry: AuditEntry): void {
    this.audits.push(entry);
  }
  /**
   * A job to follow the commit, through its contract (src/kernel/jobs): the contract's queue and
   * name, the typed payload, and the dedupe key the contract derives (with `ref` when its key
   * needs more than the payload).
   */
  enqueue<P extends JobPayload, R>(
    contract: JobContract<P, R>,
    payload: P,
    ...ref: R extends void ? [] : [ref: R]
  ): void {
    this.jobs.push({
      queue: contract.queue,
      name: contract.name,
      payload,
      dedupeKey: contract.key(payload, ref[0] as R),
    });
  }
}

/** A change of a correctable record about to commit: a new version (not an original kept on its first correction). */
export type RecordChange = Readonly<VersionEntry>;

/**
 * What another module does when a correctable record changes (issue 18): a data lock or freeze
 * refuses the change, a source-data verification or a casebook signature is cleared by it, an
 * edit check re-runs. Runs inside the change's transaction, before its versions and audit rows
 * are written: a hook may throw (the change rolls back) and may write and audit rows of its own.
 */
export interface RecordChangeHook {
  onRecordChanges(uow: UnitOfWork, changes: readonly RecordChange[]): Promise<void>;
}

/**
 * The registry of record-change hooks: a module registers its hook once, at start
 * (`onModuleInit`); the TransactionRunner runs them all in every transaction that keeps versions.
 */
@Injectable()
export class RecordChangeHooks {
  private readonly hooks: RecordChangeHook[] = [];

  register(hook: RecordChangeHook): void {
    this.hooks.push(hook);
  }

  async run(uow: UnitOfWork): Promise<void> {
    const changes = uow.versions.filter((v) => v.by === undefined);
    if (changes.length === 0) {
      return;
    }
    for (const hook of this.hooks) {
      await hook.onRecordChanges(uow, changes);
    }
  }
}

const toJson = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(redact(value));

/** Per-use-case overrides of the transaction's timeouts (milliseconds, 0 = none). */
export type TransactionOptions = { lockTimeoutMs?: number; statementTimeoutMs?: number };

const timeoutMs = (ms: number): number => {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new Error(`A transaction timeout must be a non-negative integer of milliseconds: ${ms}`);
  }
  return ms;
};

@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly outbox: OutboxSignal,
    private readonly hooks: RecordChangeHooks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Runs `work` in one transaction. Every transaction waits at most DB_LOCK_TIMEOUT_MS for a lock
   * and DB_STATEMENT_TIMEOUT_MS for a statement (SET LOCAL; a longer statement timeout for a
   * report or export via `options.statementTimeoutMs`); when one runs out PostgreSQL cancels the
   * statement, the transaction rolls back, and the HttpErrorFilter answers 503 DATABASE_BUSY.
   */
  async run<T>(
    work: (uow: UnitOfWork) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const lockMs = timeoutMs(options.lockTimeoutMs ?? this.config.DB_LOCK_TIMEOUT_MS);
    const statementMs = timeoutMs(
      options.statementTimeoutMs ?? this.config.DB_STATEMENT_TIMEOUT_MS,
    );
    // A create sent with an Idempotency-Key claims it in its first committing transaction.
    const claim = RequestContext.idempotency();
    const actorId = RequestContext.actor().id;
    const claiming = claim && !claim.claimed && actorId ? claim : null;
    const { result, enqueued, attached } = await this.dataSource.transaction(async (em) => {
      // Integers only (validated above): SET takes no bind parameters.
      await em.query(
        `SET LOCAL lock_timeout = ${lockMs}; SET LOCAL statement_timeout = ${statementMs}`,
      );
      if (claiming && actorId) {
        await claimIdempotencyKey(em, claiming, actorId, this.clock.now());
      }
      const uow = new UnitOfWork(em);
      const result = await work(uow);
      await this.hooks.run(uow);
      // Entries the request attached (RequestContext.attachAudit) go with its first audited write.
      const attached = uow.audits.length > 0 ? RequestContext.attachedAudits() : [];
      await this.writeOutbox(em, uow.jobs);
      await this.writeVersions(em, uow.versions);
      await this.writeAudit(em, [...uow.audits, ...(attached as AuditEntry[])]);
      return { result, enqueued: uow.jobs.length > 0, attached: attached.length > 0 };
    });
    if (claiming) {
      claiming.claimed = true;
    }
    if (attached) {
      RequestContext.clearAttachedAudits();
    }
    if (enqueued) {
      this.outbox.kick();
    }
    return result;
  }

  private async writeOutbox(em: EntityManager, jobs: JobIntent[]): Promise<void> {
    if (jobs.length === 0) {
      return;
    }
    const now = this.clock.now();
    const values: unknown[] = [];
    const rows = jobs.map((job, i) => {
      values.push(job.queue, job.name, JSON.stringify(job.payload), job.dedupeKey, now);
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}::jsonb, $${b + 4}, $${b + 5}::timestamptz)`;
    });
    await em.query(
      `INSERT INTO outbox (queue, job_name, payload, dedupe_key, available_at) VALUES ${rows.join(', ')}
       ON CONFLICT (dedupe_key) DO NOTHING`,
      values,
    );
  }

  private async writeVersions(em: EntityManager, entries: VersionEntry[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    const actor = RequestContext.actor();
    const now = this.clock.now();
    const values: unknown[] = [];
    const rows = entries.map((e, i) => {
      values.push(
        e.entity,
        e.entityId,
        e.version,
        JSON.stringify(redact(e.data)),
        JSON.stringify(redact(e.changes ?? [])),
        e.reason ?? null,
        e.by ? e.by.actorId : actor.id,
        e.by ? e.by.actorRole : actor.role,
        e.by ? e.by.at : now,
        e.participantId,
      );
      const b = i * 10;
      return `($${b + 1}, $${b + 2}::uuid, $${b + 3}::int, $${b + 4}::jsonb, $${b + 5}::jsonb, $${b + 6}, $${b + 7}::uuid, $${b + 8}, $${b + 9}::timestamptz, $${b + 10}::uuid)`;
    });
    await em.query(
      `INSERT INTO record_versions (entity, entity_id, version, data, changes, reason, actor_id, actor_role, recorded_at, participant_id)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }

  private async writeAudit(em: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    const actor = RequestContext.actor();
    const requestId = RequestContext.requestId();
    const now = this.clock.now();
    const values: unknown[] = [];
    const rows = entries.map((e, i) => {
      const by = e.bySystem ? SYSTEM_ACTOR : actor;
      values.push(
        now,
        by.id,
        by.role,
        e.action,
        e.entity,
        e.entityId ?? null,
        toJson(e.before),
        toJson(e.after),
        e.reason ?? null,
        requestId,
      );
      const b = i * 10;
      return `($${b + 1}::timestamptz, $${b + 2}::uuid, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::jsonb, $${b + 8}::jsonb, $${b + 9}, $${b + 10})`;
    });
    // prev_hash, hash and seq are set by the audit_log_chain trigger under the chain-head lock.
    await em.query(
      `INSERT INTO audit_log (occurred_at, actor_id, actor_role, action, entity, entity_id, before, after, reason, request_id, prev_hash, hash, seq)
       SELECT v.*, '', '', 0 FROM (VALUES ${rows.join(', ')}) AS v`,
      values,
    );
  }
}
