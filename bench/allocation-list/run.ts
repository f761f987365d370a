import { startBenchApp } from '../lib/bench-app';
import { printTable, runLoad } from '../lib/load';
import { Figure, figure, thousands, writeResult } from '../lib/result';

/**
 * bench/allocation-list: GET /allocations (paged, filtered; the list investigators, coordinators,
 * statisticians and monitors page through) with 10,000 and 100,000 randomised participants in the
 * database, p50/p99 over HTTP beside a trivial GET /health at the same concurrency, in the same run.
 *
 * The rows are inserted directly with SQL in bulk (participants + allocations, spread over sites,
 * arms and three years), then the real API is queried with a mix of four request shapes:
 *   1. trial-wide first page (default page size 50),
 *   2. trial-wide, arm filter, page 20,
 *   3. one site and a randomisation-date range, page 2,
 *   4. a site-scoped coordinator's first page (scope applied in the SQL).
 *
 *   node -r ts-node/register/transpile-only bench/allocation-list/run.ts
 *   BENCH_LIST_SIZES=10000,100000 (cumulative participant counts), BENCH_LIST_REQUESTS=800,
 *   BENCH_LIST_CLIENTS=8; the full size: BENCH_LIST_SIZES=10000,100000,1000000
 */
const SIZES = (process.env.BENCH_LIST_SIZES ?? '10000,100000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 800);
const CLIENTS = (process.env.BENCH_LIST_CLIENTS ?? '8').split(',').map(Number);
/** Study ids have four digits: bench sites take at most this many participants each. */
const PER_SITE = 9000;

async function main(): Promise<void> {
  const bench = await startBenchApp(`bench_list_${process.pid}`, {});
  try {
    const { db } = bench;
    const {
      rows: [trial],
    } = await db.query(`SELECT id FROM trials LIMIT 1`);
    const investigator = await bench.user(['investigator'], [], true);
    const coordinator = await bench.user(['coordinator'], []);
    const figures: Figure[] = [];
    const rows: (string | number)[][] = [];
    const results: Record<string, unknown>[] = [];
    let inserted = 0;
    let sites: { id: string }[] = [];
    for (const size of SIZES) {
      // Bench sites (NL, codes BAA, BAB, …) so that no site needs more than PER_SITE study ids.
      const needed = Math.ceil(size / PER_SITE);
      for (let k = sites.length; k < needed; k++) {
        const code = `B${String.fromCharCode(65 + Math.floor(k / 26))}${String.fromCharCode(65 + (k % 26))}`;
        await db.query(
          `INSERT INTO sites (trial_id, code, name, country_code, time_zone, roles) VALUES ($1, $2, $3, 'NL', 'Europe/Amsterdam', '{screening}')`,
          [trial.id, code, `Bench site ${code}`],
        );
      }
      sites = (await db.query(`SELECT id FROM sites WHERE name LIKE 'Bench site %' ORDER BY code`))
        .rows;
      if (inserted === 0) {
        await db.query(`INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)`, [
          coordinator.id,
          sites[0].id,
        ]);
      }
      const started = performance.now();
      const add = size - inserted;
      // Participants: the bench sites filled one after the other, PER_SITE each.
      await db.query(
        `WITH s AS (SELECT id, trial_id, country_code, code, row_number() OVER (ORDER BY code) - 1 AS k
                    FROM sites WHERE name LIKE 'Bench site %')
         INSERT INTO participants (trial_id, site_id, study_id, status, registered_at, status_changed_at)
         SELECT trial_id, id, country_code || '-' || code || '-' || lpad((i % $3::int + 1)::text, 4, '0'), 'randomised',
                now() - interval '3 years', now()
         FROM generate_series($1::int, $2::int - 1) i JOIN s ON s.k = i / $3::int`,
        [inserted, size, PER_SITE],
      );
      // Allocations of the new participants: arms alternate, randomised over the last three years.
      await db.query(
        `INSERT INTO allocations (participant_id, trial_id, site_id, environment, stratum_key, sequence_number, block_index,
           position_in_block, block_size, arm, randomised_at, criteria_set_id, stratum)
         SELECT p.id, p.trial_id, p.site_id, 'production', 'bench', $1::int + x.n, (($1::int + x.n - 1) / 2)::int, ((($1::int + x.n - 1) % 2) + 1)::int, 2,
                CASE WHEN ($1::int + x.n) % 2 = 0 THEN 'A' ELSE 'B' END,
                now() - (($1::int + x.n) % 1095) * interval '1 day' - (($1::int + x.n) % 86400) * interval '1 second', 'ram-ms-v2', '{}'::jsonb
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM participants p
               WHERE NOT EXISTS (SELECT 1 FROM allocations a WHERE a.participant_id = p.id) AND p.status = 'randomised') x
         JOIN participants p ON p.id = x.id`,
        [inserted],
      );
      await db.query(`ANALYZE participants; ANALYZE allocations`);
      const loadSeconds = (performance.now() - started) / 1000;
      inserted = size;
      const {
        rows: [{ n }],
      } = await db.query(`SELECT count(*)::int AS n FROM allocations`);
      process.stdout.write(
        `${thousands(n)} allocations in the database (bulk insert of ${thousands(add)} took ${loadSeconds.toFixed(1)} s)\n`,
      );

      const site = sites[Math.min(1, sites.length - 1)].id;
      const from = new Date(Date.now() - 400 * 86_400_000).toISOString();
      const to = new Date(Date.now() - 35 * 86_400_000).toISOString();
      const shapes: [string, string][] = [
        ['/allocations', investigator.token],
        ['/allocations?arm=A&page=20&pageSize=50', investigator.token],
        [
          `/allocations?siteId=${site}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&page=2&pageSize=25`,
          investigator.token,
        ],
        ['/allocations?pageSize=100', coordinator.token],
      ];
      // Warm up (plans, connections), then measure.
      for (const [path, token] of shapes) {
        const res = await bench.call('GET', path, token);
        if (res.status !== 200) {
          throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
      for (const clients of CLIENTS) {
        const list = await runLoad(REQUESTS, clients, async (i) => {
          const [path, token] = shapes[i % shapes.length];
          const res = await fetch(`${bench.base}${path}`, {
            headers: { Authorization: `Bearer ${token}` },
          });
          await res.arrayBuffer();
          return res.status;
        });
        const health = await runLoad(REQUESTS, clients, async () => {
          const res = await fetch(`${bench.base}/health`);
          await res.arrayBuffer();
          return res.status;
        });
        if (list.errors > 0) {
          throw new Error(`${list.errors} list requests failed`);
        }
        const at = `${thousands(size)} participants, ${clients} clients`;
        const baseline = `GET /health, ${clients} clients`;
        rows.push([
          thousands(size),
          String(clients),
          list.perSecond,
          list.p50Ms,
          list.p99Ms,
          health.perSecond,
          health.p50Ms,
          health.p99Ms,
          list.p50Ms / health.p50Ms,
          list.p99Ms / health.p99Ms,
        ]);
        results.push({ participants: size, clients, loadSeconds, list, health });
        figures.push(
          figure({
            measure: 'allocation list (GET /allocations, paged + filtered)',
            at,
            value: list.p50Ms,
            unit: 'ms p50',
            baseline,
            baselineValue: health.p50Ms,
            baselineUnit: 'ms p50',
            better: 'lower',
          }),
          figure({
            measure: 'allocation list (GET /allocations, paged + filtered)',
            at,
            value: list.p99Ms,
            unit: 'ms p99',
            baseline,
            baselineValue: health.p99Ms,
            baselineUnit: 'ms p99',
            better: 'lower',
          }),
        );
      }
    }
    printTable(
      `GET /allocations (4 request shapes, ${REQUESTS} requests per row) vs GET /health`,
      [
        'participants',
        'clients',
        'list req/s',
        'list p50',
        'list p99',
        'health req/s',
        'health p50',
        'health p99',
        'p50 ratio',
        'p99 ratio',
      ],
      rows,
    );
    writeResult('allocation-list', 'allocation-list', figures, {
      requests: REQUESTS,
      sizes: SIZES,
      results,
    });
  } finally {
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
