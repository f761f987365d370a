import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestApp, TestApp } from '../harness/app';
import { superuserClient } from '../harness/database';
import { bearer, TestUser } from '../harness/factory';
import { consentedParticipant, PATHWAY_NOW, pool } from '../harness/pathway';
import { commitment, StratumSequence } from 'src/modules/randomization/sequence';

describe('randomisation and allocation (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let investigator: TestUser;
  let statistician: TestUser;
  let blinded: TestUser;
  let ams: string;
  const staff = () => ({ coordinator, investigator, siteId: ams });

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: PATHWAY_NOW });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    statistician = await t.factory.user('statistician', { trialWide: true });
    blinded = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  const randomise = (id: string, key?: string) => {
    const req = t.http().post(`/participants/${id}/randomization`).set(bearer(investigator));
    return key ? req.set('Idempotency-Key', key) : req;
  };

  it('[REQ-RAND-004] refuses to allocate before go-live, listing why', async () => {
    const id = await consentedParticipant(t, staff());
    const ready = await t
      .http()
      .get(`/participants/${id}/randomization/readiness`)
      .set(bearer(investigator))
      .expect(200);
    expect(ready.body).toMatchObject({ ready: false, alreadyRandomised: false });
    expect(ready.body.reasons.map((r: { code: string }) => r.code)).toEqual([
      'RANDOMIZATION_NOT_LIVE',
    ]);
    const res = await randomise(id).expect(409);
    expect(res.body.code).toBe('RANDOMIZATION_NOT_LIVE');
  });

  it('[REQ-RAND-003] lets only the statistician configure, and locks the configuration at go-live with a commitment every role sees', async () => {
    const config = {
      arms: [
        { code: 'A', label: 'aHSCT' },
        { code: 'B', label: 'Best available DMT' },
      ],
      blockSizes: [2, 4],
      strataFactors: ['country'],
    };
    await t
      .http()
      .put('/randomization/config/production')
      .set(bearer(investigator))
      .send(config)
      .expect(403);
    const bad = await t
      .http()
      .put('/randomization/config/production')
      .set(bearer(statistician))
      .send({ ...config, blockSizes: [3] })
      .expect(400);
    expect(bad.body.code).toBe('RANDOMIZATION_CONFIG_INVALID');
    await t
      .http()
      .put('/randomization/config/production')
      .set(bearer(statistician))
      .send(config)
      .expect(200);
    const live = await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    expect(live.body).toMatchObject({
      live: true,
      commitment: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const again = await t
      .http()
      .put('/randomization/config/production')
      .set(bearer(statistician))
      .send(config)
      .expect(409);
    expect(again.body.code).toBe('RANDOMIZATION_CONFIG_LOCKED');

    const seen = await t.http().get('/randomization/commitment').set(bearer(blinded)).expect(200);
    expect(seen.body).toEqual([
      expect.objectContaining({
        environment: 'production',
        live: true,
        commitment: live.body.commitment,
      }),
    ]);
    const seed = await t
      .http()
      .get('/randomization/config/production/seed')
      .set(bearer(statistician))
      .expect(200);
    expect(commitment(seed.body.seed, live.body.config)).toBe(live.body.commitment);
    await t
      .http()
      .get('/randomization/config/production/seed')
      .set(bearer(investigator))
      .expect(403);
    expect(await t.factory.auditRows({ action: 'randomization.seed_read' })).toHaveLength(1);
    expect(await t.factory.auditRows({ action: 'randomization.went_live' })).toHaveLength(1);
  });

  it('warns, without revealing anything, when an arm-A allocation would wait past the limit', async () => {
    const id = await consentedParticipant(t, staff());
    const before = await t
      .http()
      .get(`/participants/${id}/randomization/readiness`)
      .set(bearer(coordinator))
      .expect(200);
    expect(before.body).toMatchObject({ ready: true, reasons: [], warnings: [] });
    const admin = await t.factory.user('admin', { trialWide: true });
    for (const q of ['2026-Q2', '2026-Q3']) {
      await t
        .http()
        .put(`/sites/${ams}/capacity/${q}`)
        .set(bearer(admin))
        .send({ capacity: 0, reason: 'ward closed' })
        .expect(200);
    }
    const after = await t
      .http()
      .get(`/participants/${id}/randomization/readiness`)
      .set(bearer(coordinator))
      .expect(200);
    expect(after.body.ready).toBe(true);
    expect(after.body.warnings).toEqual([
      expect.stringMatching(/aHSCT.*Q4 2026.*waiting-time limit/),
    ]);
    for (const q of ['2026-Q2', '2026-Q3']) {
      await t
        .http()
        .put(`/sites/${ams}/capacity/${q}`)
        .set(bearer(admin))
        .send({ capacity: 2, reason: 'reopened' })
        .expect(200);
    }
  });

  it('[REQ-RAND-004] answers unmet preconditions with 409 listing every reason', async () => {
    const reg = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: { givenName: 'Not', familyName: 'Ready', birthDate: '1990-01-01' },
      })
      .expect(201);
    const res = await randomise(reg.body.id).expect(409);
    expect(res.body.code).toBe('RANDOMIZATION_PRECONDITIONS_UNMET');
    expect(res.body.errors.map((r: { code: string }) => r.code)).toContain(
      'PARTICIPANT_NOT_CONSENTED',
    );
    const other = await t.factory.user('investigator', { sites: ['NO-BER'] });
    await t
      .http()
      .post(`/participants/${reg.body.id}/randomization`)
      .set(bearer(other))
      .expect(404);
    await t
      .http()
      .post(`/participants/${reg.body.id}/randomization`)
      .set(bearer(coordinator))
      .expect(403);
  });

  it('[REQ-RAND-002] gives one participant exactly one allocation under 10 concurrent requests and key retries', async () => {
    const id = await consentedParticipant(t, staff());
    const results = await Promise.all(Array.from({ length: 10 }, () => randomise(id)));
    expect(results.map((r) => r.status).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(results.map((r) => r.body.sequenceNumber)).size).toBe(1);
    const rows: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM allocations WHERE participant_id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);

    const other = await consentedParticipant(t, staff());
    const first = await randomise(other, 'retry-key-0001').expect(201);
    const retry = await randomise(other, 'retry-key-0001').expect(200);
    expect(retry.body).toEqual(first.body);
    const misuse = await randomise(id, 'retry-key-0001').expect(409);
    expect(misuse.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      await t.factory.auditRows({ action: 'randomization.allocated', entityId: other }),
    ).toHaveLength(1);
  }, 60_000);

  it('[REQ-RAND-001][REQ-RAND-002] allocates 200 participants of one stratum under 32 concurrent requests: distinct, gapless, balanced, equal to the regenerated sequence', async () => {
    const ids = await pool(200, 8, () => consentedParticipant(t, staff()));
    const [{ n: before }]: { n: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM allocations WHERE stratum_key = 'country=NL'`,
    );
    const responses = await pool(200, 32, (i) => randomise(ids[i]));
    expect(responses.every((r) => r.status === 201)).toBe(true);

    const rows: {
      participant_id: string;
      sequence_number: number;
      arm: string;
      block_index: number;
      position_in_block: number;
      block_size: number;
    }[] = await t.dataSource.query(
      `SELECT * FROM allocations WHERE stratum_key = 'country=NL' ORDER BY sequence_number`,
    );
    expect(rows).toHaveLength(before + 200);
    expect(rows.map((r) => r.sequence_number)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.participant_id)).size).toBe(rows.length);

    const blocks = new Map<number, string[]>();
    for (const r of rows) {
      blocks.set(r.block_index, [...(blocks.get(r.block_index) ?? []), r.arm]);
    }
    for (const [k, arms] of blocks) {
      const size = rows.find((r) => r.block_index === k)!.block_size;
      if (arms.length === size) {
        expect(arms.filter((a) => a === 'A').length).toBe(size / 2);
      }
    }

    const seed = (
      await t
        .http()
        .get('/randomization/config/production/seed')
        .set(bearer(statistician))
        .expect(200)
    ).body.seed;
    const config = (
      await t.http().get('/randomization/config/production').set(bearer(statistician)).expect(200)
    ).body.config;
    const expected = new StratumSequence(seed, config, 'country=NL').take(rows.length);
    expect(rows.map((r) => [r.arm, r.block_index, r.position_in_block])).toEqual(
      expected.map((s) => [s.arm, s.blockIndex, s.positionInBlock]),
    );

    const verify = await t
      .http()
      .get('/randomization/verify')
      .set(bearer(statistician))
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true, commitmentOk: true, issues: [] });
    const balance = await t
      .http()
      .get('/randomization/balance')
      .set(bearer(statistician))
      .expect(200);
    const nl = balance.body.find((b: { stratumKey: string }) => b.stratumKey === 'country=NL');
    expect(nl.total).toBe(rows.length);
    expect(JSON.stringify(balance.body)).not.toMatch(/"arms"|nextArm/);
  }, 240_000);

  it('[REQ-RAND-005] verifies from the command line with the revealed seed, and fails with a wrong one', async () => {
    const seed = (
      await t
        .http()
        .get('/randomization/config/production/seed')
        .set(bearer(statistician))
        .expect(200)
    ).body.seed as string;
    const run = (s: string) =>
      spawnSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/cli/randomization-verify.ts', '--seed', s],
        {
          cwd: path.resolve(__dirname, '../..'),
          env: { ...process.env, DATABASE_URL: t.config.DATABASE_URL, LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        },
      );
    const ok = run(seed);
    expect(ok.stdout).toContain('verification passed');
    expect(ok.status).toBe(0);
    const wrong = run('ab'.repeat(32));
    expect(wrong.stdout).toContain('VERIFICATION FAILED');
    expect(wrong.status).toBe(1);
  }, 60_000);

  it('[REQ-RAND-005] finds a tampered allocation in verification', async () => {
    const db = await superuserClient(t.database);
    try {
      await db.query(`ALTER TABLE allocations DISABLE TRIGGER allocations_guard`);
      await db.query(
        `UPDATE allocations SET arm = CASE arm WHEN 'A' THEN 'B' ELSE 'A' END WHERE sequence_number = 3 AND stratum_key = 'country=NL'`,
      );
      await db.query(`ALTER TABLE allocations ENABLE TRIGGER allocations_guard`);
    } finally {
      await db.end();
    }
    const verify = await t
      .http()
      .get('/randomization/verify')
      .set(bearer(statistician))
      .expect(200);
    expect(verify.body.ok).toBe(false);
    expect(verify.body.issues).toEqual([
      expect.objectContaining({ kind: 'arm-mismatch', sequenceNumber: 3 }),
    ]);
  });

  it('records the arm-B drug from the formulary and whether the intervention was received', async () => {
    // A drug start is a date that happened: the clock moves past the starts used below.
    t.clock?.set('2026-03-20T10:00:00Z');
    const list = await t
      .http()
      .get('/allocations')
      .query({ arm: 'B', pageSize: 1 })
      .set(bearer(investigator))
      .expect(200);
    const b = list.body.items[0];
    expect(b.arm).toBe('B');
    const wrong = await t
      .http()
      .put(`/participants/${b.participantId}/arm-b-drug`)
      .set(bearer(investigator))
      .send({ drug: 'ofatumumab', startDate: '2026-03-10' })
      .expect(400);
    expect(wrong.body.code).toBe('DRUG_NOT_IN_FORMULARY');
    await t
      .http()
      .put(`/participants/${b.participantId}/arm-b-drug`)
      .set(bearer(investigator))
      .send({ drug: 'ocrelizumab', startDate: '2026-03-10' })
      .expect(200);
    const noReason = await t
      .http()
      .put(`/participants/${b.participantId}/arm-b-drug`)
      .set(bearer(investigator))
      .send({ drug: 'cladribine', startDate: '2026-03-12' })
      .expect(400);
    expect(noReason.body.code).toBe('REASON_REQUIRED');
    const changed = await t
      .http()
      .put(`/participants/${b.participantId}/arm-b-drug`)
      .set(bearer(investigator))
      .send({ drug: 'cladribine', startDate: '2026-03-12', reason: 'patient preference' })
      .expect(200);
    expect(changed.body).toMatchObject({ armBDrug: 'cladribine', armBStartDate: '2026-03-12' });
    const a = (
      await t
        .http()
        .get('/allocations')
        .query({ arm: 'A', pageSize: 1 })
        .set(bearer(investigator))
        .expect(200)
    ).body.items[0];
    await t
      .http()
      .put(`/participants/${a.participantId}/arm-b-drug`)
      .set(bearer(investigator))
      .send({ drug: 'cladribine', startDate: '2026-03-12' })
      .expect(409);
    await t
      .http()
      .put(`/participants/${a.participantId}/intervention`)
      .set(bearer(investigator))
      .send({ received: false })
      .expect(400);
    const r = await t
      .http()
      .put(`/participants/${a.participantId}/intervention`)
      .set(bearer(investigator))
      .send({ received: false, reasonCode: 'mobilisation_failed' })
      .expect(200);
    expect(r.body).toMatchObject({
      receivedAllocatedIntervention: false,
      notReceivedReason: 'mobilisation_failed',
    });
    t.clock?.set(PATHWAY_NOW);
  });

  it('[REQ-ACC-002][REQ-BLIND-001] pages and filters allocations by scope; the blinded assessor sees none', async () => {
    const page = await t
      .http()
      .get('/allocations')
      .query({ page: 2, pageSize: 10 })
      .set(bearer(coordinator))
      .expect(200);
    expect(page.body.items).toHaveLength(10);
    expect(page.body.total).toBeGreaterThanOrEqual(202);
    const other = await t.factory.user('investigator', { sites: ['NO-BER'] });
    const none = await t.http().get('/allocations').set(bearer(other)).expect(200);
    expect(none.body.total).toBe(0);
    await t.http().get('/allocations').set(bearer(blinded)).expect(403);
  });

  it('[REQ-RAND-007] records an unblinding in the register', async () => {
    const a = (
      await t
        .http()
        .get('/allocations')
        .query({ pageSize: 1 })
        .set(bearer(investigator))
        .expect(200)
    ).body.items[0];
    await t
      .http()
      .post('/randomization/unblinding-events')
      .set(bearer(investigator))
      .send({
        participantId: a.participantId,
        disclosedTo: blinded.id,
        disclosedToRole: 'blinded_assessor',
        kind: 'accidental',
        occurredAt: '2026-03-01T09:00:00Z',
        reason: 'arm mentioned in a letter',
        impact: 'EDSS at week 12 rated by another assessor',
      })
      .expect(201);
    const list = await t
      .http()
      .get('/randomization/unblinding-events')
      .set(bearer(statistician))
      .expect(200);
    expect(list.body.items[0]).toMatchObject({
      participantId: a.participantId,
      kind: 'accidental',
    });
  });

  it('simulates imbalance and predictability beside their theoretical values', async () => {
    const res = await t
      .http()
      .post('/randomization/simulate')
      .set(bearer(statistician))
      .send({ participants: 4000, strata: ['country=NL'] })
      .expect(200);
    expect(res.body.maxImbalance).toBeLessThanOrEqual(res.body.theoreticalMaxImbalance);
    expect(
      Math.abs(
        res.body.predictability.share - res.body.theoreticalPredictability.perAllocation.value,
      ),
    ).toBeLessThan(0.03);
  });
});
