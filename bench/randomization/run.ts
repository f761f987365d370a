import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ASSESSMENT_DATE, ramMsEligibleRecord } from '../../src/modules/eligibility/engine/testing/screening.builders';
import { startBenchApp, BENCH_PASSWORD } from '../lib/bench-app';
import { printTable, runLoad } from '../lib/load';
import { pgbenchTps } from '../lib/pgbench';

/**
 * bench/randomization: allocations per second and p50/p99 latency over HTTP at 8 and 32
 * concurrent clients, all in one stratum (the contended case: every allocation locks the same
 * counter row), beside pgbench TPC-B-like at the same client count, in the same run.
 * Size: BENCH_ALLOCATIONS per client count (default 300).
 */
const PER_RUN = Number(process.env.BENCH_ALLOCATIONS ?? 300);
const CLIENTS = [8, 32];
const today = new Date().toISOString().slice(0, 10);

/** The builders' record is eligible on ASSESSMENT_DATE: move every date so it is eligible today. */
function shiftDates<T>(record: T, from: string, to: string): T {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  const shift = (d: string) => new Date(Date.parse(d) + days * 86_400_000).toISOString().slice(0, 10);
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
    const { birthDate, consent: _c, ...data } = shiftDates(ramMsEligibleRecord(), ASSESSMENT_DATE, today);
    const consented = async (): Promise<string> => {
      const reg = await bench.call('POST', '/participants', coordinator.token, { siteId: ams, identity: { givenName: 'Bench', familyName: 'Person', birthDate } });
      const id = reg.body.id as string;
      for (const to of ['phone_check_done', 'records_reviewed', 'screening_visit_planned', 'screening_visit_done']) {
        await bench.call('POST', `/participants/${id}/transitions`, coordinator.token, { to });
      }
      await bench.call('PATCH', `/participants/${id}/screening`, coordinator.token, data);
      const a = await bench.call('POST', `/participants/${id}/assessments`, coordinator.token, {});
      await bench.call('POST', `/participants/${id}/assessments/${String(a.body.id)}/sign`, investigator.token, { password: BENCH_PASSWORD, meaning: 'I confirm' });
      const c = await bench.call('POST', `/participants/${id}/consent`, coordinator.token, { version: '3.0', date: today });
      if (c.status !== 200) throw new Error(`participant setup failed: ${JSON.stringify(c.body)}`);
      return id;
    };
    process.stdout.write(`preparing ${PER_RUN * CLIENTS.length} consented participants through the API…\n`);
    const ids: string[] = [];
    const prep = await runLoad(PER_RUN * CLIENTS.length, 8, async () => {
      ids.push(await consented());
      return 200;
    });
    if (prep.errors > 0) throw new Error(`${prep.errors} participants could not be prepared`);

    const rows: (string | number)[][] = [];
    const results: Record<string, unknown>[] = [];
    for (const [i, clients] of CLIENTS.entries()) {
      const batch = ids.slice(i * PER_RUN, (i + 1) * PER_RUN);
      const http = await runLoad(batch.length, clients, async (j) => (await bench.call('POST', `/participants/${batch[j]}/randomization`, investigator.token)).status);
      const tps = await pgbenchTps(bench.serverUrl, clients, 10);
      rows.push([clients, http.perSecond, http.p50Ms, http.p99Ms, http.errors, tps, http.perSecond / tps]);
      results.push({ clients, allocationsPerSecond: http.perSecond, p50Ms: http.p50Ms, p99Ms: http.p99Ms, errors: http.errors, requests: http.requests, pgbenchTpcbTps: tps, ratio: http.perSecond / tps });
    }
    const verify = await bench.call('GET', '/randomization/verify', statistician.token);
    printTable(
      `randomisation over HTTP, one stratum, ${PER_RUN} allocations per row (verification ok: ${String(verify.body.ok)})`,
      ['clients', 'alloc/s', 'p50 ms', 'p99 ms', 'errors', 'pgbench tps', 'ratio'],
      rows,
    );
    const out = path.resolve(__dirname, '../results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'randomization.json'), `${JSON.stringify({ name: 'randomization', perRun: PER_RUN, verificationOk: verify.body.ok, results, measuredAt: new Date().toISOString() }, null, 2)}\n`);
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
