import {
  ASSESSMENT_DATE,
  ramMsEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { pgbench, PGBENCH_SECONDS } from '../lib/baseline';
import { startBenchApp } from '../lib/bench-app';
import { printTable, runLoad } from '../lib/load';
import { Figure, figure, writeResult } from '../lib/result';

/**
 * bench/enrolment: registrations (POST /participants with identity data: encrypted into the
 * identity vault, a gapless study id per site, status history, screening episode, audit row) and
 * screening-data writes (PATCH /participants/:id/screening with a full RAM-MS record: merge,
 * validation, re-evaluation, audit row) per second over HTTP at 8 and 32 clients, beside pgbench
 * TPC-B-like at the same client count, measured in the same run.
 *
 *   node -r ts-node/register/transpile-only bench/enrolment/run.ts
 *   BENCH_ENROLMENT_N=400 (requests per client count and kind), BENCH_ENROLMENT_CLIENTS=8,32
 *
 * Registrations are spread over the seven seeded sites (a coordinator of all of them), as a
 * multi-site trial registers; each site's study-id counter is a row lock.
 */
const N = Number(process.env.BENCH_ENROLMENT_N ?? 400);
const CLIENTS = (process.env.BENCH_ENROLMENT_CLIENTS ?? '8,32').split(',').map(Number);
const SITES = ['NO-BER', 'NO-TRO', 'NO-TRD', 'NO-AHU', 'SE-UPP', 'DK-CPH', 'NL-AMS'];

/** The builders' record is eligible on ASSESSMENT_DATE: move every date so it is valid today. */
function shiftDates<T>(record: T, from: string, to: string): T {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  const shift = (d: string) =>
    new Date(Date.parse(d) + days * 86_400_000).toISOString().slice(0, 10);
  return JSON.parse(JSON.stringify(record).replace(/\d{4}-\d{2}-\d{2}/g, shift)) as T;
}

/** A Dutch BSN that passes the elfproef, different for every i. */
function bsn(i: number): string {
  for (let k = 0; ; k++) {
    const body = String(10_000_000 + ((i * 7919 + k * 104_729) % 89_999_999)).padStart(8, '0');
    let sum = 0;
    for (let j = 0; j < 8; j++) {
      sum += (9 - j) * Number(body[j]);
    }
    const check = sum % 11;
    if (check <= 9) {
      return `${body}${check}`;
    }
  }
}

async function main(): Promise<void> {
  const bench = await startBenchApp(`bench_enrol_${process.pid}`, {});
  try {
    const today = new Date().toISOString().slice(0, 10);
    const coordinator = await bench.user(['coordinator'], SITES);
    const siteIds = await Promise.all(SITES.map((s) => bench.siteId(s)));
    const {
      birthDate,
      consent: _c,
      ...screening
    } = shiftDates(ramMsEligibleRecord(), ASSESSMENT_DATE, today);
    let serial = 0;
    const register = async () => {
      const i = serial++;
      const res = await bench.call('POST', '/participants', coordinator.token, {
        siteId: siteIds[i % siteIds.length],
        identity: {
          givenName: `Bench${i}`,
          familyName: 'Enrolment',
          birthDate,
          contact: { email: `p${i}@bench.example`, phone: '+31 20 444 4444' },
          nationalId: { type: 'nl_bsn', value: bsn(i) },
        },
      });
      return res;
    };

    const rows: (string | number)[][] = [];
    const figures: Figure[] = [];
    const results: Record<string, unknown>[] = [];
    for (const clients of CLIENTS) {
      const ids: string[] = [];
      const reg = await runLoad(N, clients, async () => {
        const res = await register();
        if (res.status === 201) {
          ids.push(res.body.id as string);
        }
        return res.status;
      });
      const scr = await runLoad(
        ids.length,
        clients,
        async (j) =>
          (
            await bench.call(
              'PATCH',
              `/participants/${ids[j]}/screening`,
              coordinator.token,
              screening,
            )
          ).status,
      );
      const base = await pgbench(bench.serverUrl, clients, PGBENCH_SECONDS);
      if (reg.errors + scr.errors > 0) {
        throw new Error(
          `errors at ${clients} clients: ${reg.errors} registrations, ${scr.errors} screening writes`,
        );
      }
      rows.push([
        String(clients),
        reg.perSecond,
        reg.p50Ms,
        reg.p99Ms,
        scr.perSecond,
        scr.p50Ms,
        scr.p99Ms,
        base.tps,
        reg.perSecond / base.tps,
        scr.perSecond / base.tps,
      ]);
      results.push({ clients, registration: reg, screening: scr, pgbench: base });
      const baseline = `pgbench TPC-B-like, ${clients} clients`;
      const at = `${clients} clients`;
      figures.push(
        figure({
          measure: 'registration (POST /participants)',
          at,
          value: reg.perSecond,
          unit: 'req/s',
          baseline,
          baselineValue: base.tps,
          baselineUnit: 'tx/s',
          better: 'higher',
        }),
        figure({
          measure: 'registration (POST /participants)',
          at,
          value: reg.p99Ms,
          unit: 'ms p99',
          baseline,
          baselineValue: base.p99Ms,
          baselineUnit: 'ms p99',
          better: 'lower',
        }),
        figure({
          measure: 'screening data (PATCH …/screening)',
          at,
          value: scr.perSecond,
          unit: 'req/s',
          baseline,
          baselineValue: base.tps,
          baselineUnit: 'tx/s',
          better: 'higher',
        }),
        figure({
          measure: 'screening data (PATCH …/screening)',
          at,
          value: scr.p99Ms,
          unit: 'ms p99',
          baseline,
          baselineValue: base.p99Ms,
          baselineUnit: 'ms p99',
          better: 'lower',
        }),
      );
    }
    printTable(
      `enrolment writes over HTTP, ${N} of each per row, 7 sites`,
      [
        'clients',
        'reg/s',
        'reg p50',
        'reg p99',
        'screening/s',
        'scr p50',
        'scr p99',
        'pgbench tps',
        'reg ratio',
        'scr ratio',
      ],
      rows,
    );
    writeResult('enrolment', 'enrolment', figures, { requestsPerKind: N, results });
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
