import {
  ASSESSMENT_DATE,
  ramMsEligibleRecord,
} from 'src/modules/eligibility/engine/testing/screening.builders';
import { startBenchApp, BENCH_PASSWORD } from '../lib/bench-app';
import { printTable, runLoad } from '../lib/load';
import { pgbench, PGBENCH_SECONDS } from '../lib/baseline';
import { Figure, figure, writeResult } from '../lib/result';

/**
 * bench/randomization: allocations per second and p50/p99 latency over HTTP at 8 and 32
 * concurrent clients, all in one stratum (the contended case: every allocation locks the same
 * counter row), beside pgbench TPC-B-like at the same client count, in the same run.
 * Size: BENCH_ALLOCATIONS per client count (default 300). Writes bench/results/randomization.json
 * with uniform `figures` (bench/lib/result.ts) for bench/run-all.ts.
 */
const PER_RUN = Number(process.env.BENCH_ALLOCATIONS ?? 300);
const CLIENTS = [8, 32];
const today = new Date().toISOString().slice(0, 10);

/** The builders' record is eligible on ASSESSMENT_DATE: move every date so it is eligible today. */
function shiftDates<T>(record: T, from: string, to: string): T {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  const shift = (d: string) =>
    new Date(Date.parse(d) + days * 86_400_000).toISOString().slice(0, 10);
  return JSON.parse(JSON.stringify(record).replace(/\d{4}-\d{2}-\d{2}/g, shift)) as T;
}

async function main(): Promise<void> {
  const bench = await startBenchApp(`bench_rand_${process.pid}`, {});
  try {
    const ams = await bench.siteId('NL-AMS');
    const coordinator = await bench.user(['coordinator'], ['NL-AMS']);
    const investigator = await bench.user(['investigator'], ['NL-AMS']);
    const statistician = await bench.user(['statistician'], [], true);
    await bench.call('POST', '/randomization/config/production/go-live', statistician.token);

    // Consented participants, through the real pathway (not timed).
    const {
      birthDate,
      consent: _c,
      ...data
    } = shiftDates(ramMsEligibleRecord(), ASSESSMENT_DATE, today);
    let people = 0;
    const consented = async (): Promise<string> => {
      // A distinct person each time: the same name and birth date twice is a likely duplicate (409).
      const reg = await bench.call('POST', '/participants', coordinator.token, {
        siteId: ams,
        identity: { givenName: `Bench${++people}`, familyName: 'Person', birthDate },
      });
      const id = reg.body.id as string;
      for (const to of [
        'phone_check_done',
        'records_reviewed',
        'screening_visit_planned',
        'screening_visit_done',
      ]) {
        await bench.call('POST', `/participants/${id}/transitions`, coordinator.token, { to });
      }
      await bench.call('PATCH', `/participants/${id}/screening`, coordinator.token, data);
      const a = await bench.call('POST', `/participants/${id}/assessments`, coordinator.token, {});
      await bench.call(
        'POST',
        `/participants/${id}/assessments/${String(a.body.id)}/sign`,
        investigator.token,
        { password: BENCH_PASSWORD, meaning: 'I confirm' },
      );
      const c = await bench.call('POST', `/participants/${id}/consent`, coordinator.token, {
        version: '3.0',
        date: today,
      });
      if (c.status !== 200) {
        throw new Error(`participant setup failed: ${JSON.stringify(c.body)}`);
      }
      return id;
    };
    process.stdout.write(
      `preparing ${PER_RUN * CLIENTS.length} consented participants through the API…\n`,
    );
    const ids: string[] = [];
    const prep = await runLoad(PER_RUN * CLIENTS.length, 8, async () => {
      ids.push(await consented());
      return 200;
    });
    if (prep.errors > 0) {
      throw new Error(`${prep.errors} participants could not be prepared`);
    }

    const rows: (string | number)[][] = [];
    const results: Record<string, unknown>[] = [];
    const figures: Figure[] = [];
    for (const [i, clients] of CLIENTS.entries()) {
      const batch = ids.slice(i * PER_RUN, (i + 1) * PER_RUN);
      const http = await runLoad(
        batch.length,
        clients,
        async (j) =>
          (await bench.call('POST', `/participants/${batch[j]}/randomization`, investigator.token))
            .status,
      );
      const base = await pgbench(bench.serverUrl, clients, PGBENCH_SECONDS);
      const tps = base.tps;
      rows.push([
        clients,
        http.perSecond,
        http.p50Ms,
        http.p99Ms,
        http.errors,
        tps,
        http.perSecond / tps,
      ]);
      results.push({
        clients,
        allocationsPerSecond: http.perSecond,
        p50Ms: http.p50Ms,
        p99Ms: http.p99Ms,
        errors: http.errors,
        requests: http.requests,
        pgbenchTpcbTps: tps,
        pgbenchP50Ms: base.p50Ms,
        pgbenchP99Ms: base.p99Ms,
        ratio: http.perSecond / tps,
      });
      const at = `${clients} clients, one stratum`;
      const baseline = `pgbench TPC-B-like, ${clients} clients`;
      figures.push(
        figure({
          measure: 'randomisation over HTTP',
          at,
          value: http.perSecond,
          unit: 'alloc/s',
          baseline,
          baselineValue: tps,
          baselineUnit: 'tx/s',
          better: 'higher',
        }),
        figure({
          measure: 'randomisation over HTTP',
          at,
          value: http.p50Ms,
          unit: 'ms p50',
          baseline,
          baselineValue: base.p50Ms,
          baselineUnit: 'ms p50',
          better: 'lower',
        }),
        figure({
          measure: 'randomisation over HTTP',
          at,
          value: http.p99Ms,
          unit: 'ms p99',
          baseline,
          baselineValue: base.p99Ms,
          baselineUnit: 'ms p99',
          better: 'lower',
        }),
      );
      if (http.errors > 0) {
        throw new Error(`${http.errors} randomisations failed at ${clients} clients`);
      }
    }
    const verify = await bench.call('GET', '/randomization/verify', statistician.token);
    printTable(
      `randomisation over HTTP, one stratum, ${PER_RUN} allocations per row (verification ok: ${String(verify.body.ok)})`,
      ['clients', 'alloc/s', 'p50 ms', 'p99 ms', 'errors', 'pgbench tps', 'ratio'],
      rows,
    );
    writeResult('randomization', 'randomization', figures, {
      perRun: PER_RUN,
      verificationOk: verify.body.ok,
      results,
    });
    if (verify.body.ok !== true) {
      throw new Error('sequence verification failed after the run');
    }
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
