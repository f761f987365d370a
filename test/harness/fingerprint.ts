import type { DataSource } from 'typeorm';

/**
 * A cheap fingerprint of everything in a test database: for every table, its row count and the
 * highest transaction id that wrote one of its rows (`xmin`), so any INSERT, UPDATE or DELETE
 * changes it. Audit rows of the given actions are left out: some refusals are recorded on purpose
 * (a failed sign-in, a failed electronic signature), and so are `ignoreTables` (the counters of
 * those refusals, e.g. `signature_attempts`).
 */
export async function databaseFingerprint(
  dataSource: DataSource,
  opts: { ignoreAuditActions?: string[]; ignoreTables?: string[] } = {},
): Promise<() => Promise<string>> {
  const tables: { name: string }[] = await dataSource.query(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'typeorm_migrations'
       AND NOT (table_name = ANY($1)) ORDER BY table_name`,
    [opts.ignoreTables ?? []],
  );
  const ignored = (opts.ignoreAuditActions ?? [])
    .map((a) => `'${a.replace(/'/g, "''")}'`)
    .join(', ');
  const parts = tables.map(({ name }) => {
    const where = name === 'audit_log' && ignored ? ` WHERE action NOT IN (${ignored})` : '';
    // The chain head moves with every audit row, the ignored ones too.
    if (name === 'audit_chain_head') {
      return null;
    }
    return `(SELECT '${name}:' || count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM ${name}${where})`;
  });
  const sql = `SELECT concat_ws(' ', ${parts.filter(Boolean).join(', ')}) AS f`;
  return async () => ((await dataSource.query(sql)) as { f: string }[])[0].f;
}

/** The tables whose part of two fingerprints differs. */
export function fingerprintDiff(a: string, b: string): string[] {
  const left = new Set(a.split(' '));
  return b
    .split(' ')
    .filter((part) => !left.has(part))
    .map((part) => part.split(':')[0]);
}

/**
 * A change counter for one test database: a row-level trigger on every table adds one to
 * `test_change_counter` for each row inserted, updated or deleted (audit rows of the ignored
 * actions excepted), in the writing transaction, so a rolled-back write counts nothing. Reading
 * it is one row, much cheaper than `databaseFingerprint`, for checks after every request.
 * Instruments the test's own cloned database only.
 */
export async function installChangeCounter(
  dataSource: DataSource,
  opts: { ignoreAuditActions?: string[]; ignoreTables?: string[] } = {},
): Promise<() => Promise<number>> {
  const ignored =
    (opts.ignoreAuditActions ?? []).map((a) => `'${a.replace(/'/g, "''")}'`).join(', ') || `''`;
  await dataSource.query(`
    CREATE TABLE test_change_counter (id int PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO test_change_counter VALUES (1, 0);
    CREATE FUNCTION test_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE test_change_counter SET n = n + 1 WHERE id = 1;
      RETURN NULL;
    END $$;`);
  const tables: { name: string }[] = await dataSource.query(
    `SELECT quote_ident(table_name) AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
       AND table_name NOT IN ('typeorm_migrations', 'test_change_counter', 'audit_chain_head')
       AND NOT (table_name = ANY($1))`,
    [opts.ignoreTables ?? []],
  );
  for (const { name } of tables) {
    const when = name === 'audit_log' ? `WHEN (NEW.action NOT IN (${ignored}))` : '';
    const events = name === 'audit_log' ? 'INSERT' : 'INSERT OR UPDATE OR DELETE';
    await dataSource.query(
      `CREATE TRIGGER test_count_change AFTER ${events} ON ${name} FOR EACH ROW ${when} EXECUTE FUNCTION test_count_change()`,
    );
  }
  return async () =>
    Number(
      (
        (await dataSource.query(`SELECT n FROM test_change_counter WHERE id = 1`)) as {
          n: string;
        }[]
      )[0].n,
    );
}
