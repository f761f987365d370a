import * as bcrypt from 'bcrypt';
import { startBenchApp, BENCH_PASSWORD } from '../lib/bench-app';
import { printTable, runLoad } from '../lib/load';
import { figure, writeResult } from '../lib/result';

/**
 * `GET /health` latency while people sign in (issue 16): password hashing must not stall the event
 * loop. The baseline is the same health check on the same app in the same run with nobody signing
 * in; the figure is its p50 during a burst of concurrent sign-ins at the production cost factor.
 *
 *   BENCH_SIGNIN_CONCURRENCY (default 8)   sign-ins in flight
 *   BENCH_SIGNIN_HEALTH_N (default 400)    health checks per phase
 */
const CONCURRENCY = Number(process.env.BENCH_SIGNIN_CONCURRENCY ?? 8);
const HEALTH_N = Number(process.env.BENCH_SIGNIN_HEALTH_N ?? 400);
const ROUNDS = 12;

async function main(): Promise<void> {
  const app = await startBenchApp('bench_sign_in', {
    BCRYPT_ROUNDS: String(ROUNDS),
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE: '100000',
  });
  try {
    const hash = await bcrypt.hash(BENCH_PASSWORD, ROUNDS);
    const emails: string[] = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      const email = `signin-${i}@bench.local`;
      await app.db.query(
        `INSERT INTO users (email, display_name, password_hash, roles, trial_wide) VALUES ($1, $2, $3, '{statistician}', true)`,
        [email, `Bench sign-in ${i}`, hash],
      );
      emails.push(email);
    }
    const health = () =>
      runLoad(HEALTH_N, 1, async () => (await fetch(`${app.base}/health`)).status);

    await health(); // warm-up
    const idle = await health();

    let signIns = 0;
    let failed = 0;
    let stop = false;
    const burst = Promise.all(
      emails.map(async (email) => {
        while (!stop) {
          const res = await fetch(`${app.base}/auth/login`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ email, password: BENCH_PASSWORD }),
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            signIns++;
          } else {
            failed++;
          }
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const during = await health();
    const seconds = (Date.now() - started) / 1000;
    stop = true;
    await burst;
    if (failed > 0) {
      throw new Error(`${failed} sign-ins failed`);
    }

    printTable(
      `GET /health while ${CONCURRENCY} sign-ins are in flight (bcrypt cost ${ROUNDS}, native, off the event loop)`,
      ['phase', 'health checks', 'p50 ms', 'p99 ms', 'sign-ins/s'],
      [
        ['nobody signing in', idle.requests, idle.p50Ms, idle.p99Ms, 0],
        [
          `${CONCURRENCY} concurrent sign-ins`,
          during.requests,
          during.p50Ms,
          during.p99Ms,
          signIns / seconds,
        ],
      ],
    );
    writeResult(
      'sign-in',
      'sign-in',
      [
        figure({
          measure: 'GET /health p50 during sign-ins',
          at: `${CONCURRENCY} concurrent sign-ins, bcrypt cost ${ROUNDS}`,
          value: during.p50Ms,
          unit: 'ms p50',
          baseline: 'GET /health p50 with nobody signing in (same run)',
          baselineValue: idle.p50Ms,
          baselineUnit: 'ms p50',
          better: 'lower',
        }),
      ],
      { idle, during, signInsPerSecond: signIns / seconds },
    );
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
