import { Client } from 'pg';
import { TransactionRunner, type UnitOfWork } from 'src/kernel/unit-of-work';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, type TestUser } from '../harness/factory';

/**
 * Every write transaction has a lock timeout (DB_LOCK_TIMEOUT_MS) and a statement timeout
 * (DB_STATEMENT_TIMEOUT_MS). A write that waits too long for a lock answers 503 DATABASE_BUSY with
 * Retry-After and changes nothing; once the lock is free the same write succeeds.
 */
describe('transaction timeouts (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let holder: Client;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { DB_LOCK_TIMEOUT_MS: '500' } });
    admin = await t.factory.user('admin', { trialWide: true });
    holder = new Client({ connectionString: t.config.DATABASE_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await t.close();
  });

  const site = {
    code: 'BSY',
    countryCode: 'NL',
    name: 'Busy hospital',
    timeZone: 'Europe/Amsterdam',
    roles: ['screening'],
  };
  const stored = async () => {
    const rows: { sites: string; audits: string; outbox: string }[] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM sites WHERE code = 'BSY') AS sites,
              (SELECT count(*) FROM audit_log) AS audits, (SELECT count(*) FROM outbox) AS outbox`,
    );
    return rows[0];
  };

  it('answers 503 DATABASE_BUSY with Retry-After while the audit chain head is locked, and stores nothing', async () => {
    const before = await stored();
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE');
    try {
      const res = await t.http().post('/sites').set(bearer(admin)).send(site);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body).toEqual({
        statusCode: 503,
        code: 'DATABASE_BUSY',
        message: expect.any(String),
        errors: [],
        requestId: expect.any(String),
      });
      // Still locked: nothing the refused write did is visible.
      expect(await stored()).toEqual(before);
    } finally {
      await holder.query('ROLLBACK');
    }
    expect(await stored()).toEqual(before);
    const retry = await t.http().post('/sites').set(bearer(admin)).send(site);
    expect(retry.status).toBe(201);
    expect((await stored()).sites).toBe('1');
  });

  it('sets the configured timeouts on each transaction only (SET LOCAL), with a per-use-case override', async () => {
    const tx = t.app.get(TransactionRunner);
    const settings = (uow: UnitOfWork) =>
      uow.em.query(
        `SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement`,
      ) as Promise<{ lock: string; statement: string }[]>;
    expect((await tx.run(settings))[0]).toEqual({ lock: '500ms', statement: '15s' });
    expect((await tx.run(settings, { statementTimeoutMs: 120_000 }))[0]).toEqual({
      lock: '500ms',
      statement: '2min',
    });
    // Outside the runner's transactions the session's defaults hold.
    expect((await t.dataSource.query(`SELECT current_setting('lock_timeout') AS l`))[0].l).toBe(
      '0',
    );
  });

  it('cancels a statement that runs longer than the statement timeout, rolling its transaction back', async () => {
    const tx = t.app.get(TransactionRunner);
    const run = tx.run(
      async (uow) => {
        await uow.em.query(`UPDATE sites SET name = 'Renamed' WHERE code = 'BSY'`);
        await uow.em.query('SELECT pg_sleep(5)');
      },
      { statementTimeoutMs: 200 },
    );
    await expect(run).rejects.toMatchObject({ code: '57014' });
    const rows: { name: string }[] = await t.dataSource.query(
      `SELECT name FROM sites WHERE code = 'BSY'`,
    );
    expect(rows).toEqual([{ name: 'Busy hospital' }]);
  });
});
