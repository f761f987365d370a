import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { ramMsEligibleRecord } from 'src/modules/eligibility/engine/testing/screening.builders';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, TestUser } from '../harness/factory';
import { PATHWAY_NOW } from '../harness/pathway';
import { freePort } from '../harness/processes';
import { redisUrl } from '../harness/redis';

type AuditRow = { action: string; entity_id: string | null; after: Record<string, unknown> };

/** A 4xx in the one error shape. */
const errorShape = (status: number, code: string) => ({
  statusCode: status,
  code,
  message: expect.any(String),
  errors: expect.any(Array),
  requestId: expect.any(String),
});

/** Every key this app's rate limits wrote to Redis. */
async function rateKeys(prefix: string): Promise<string[]> {
  const redis = new Redis(redisUrl());
  try {
    return await redis.keys(`${prefix}:rate:*`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Sign-in limits in Redis: per client address whatever the e-mail, per account whatever the
 * address, and for the whole system; 429 TOO_MANY_REQUESTS with Retry-After in the one error
 * shape, and no e-mail address in the keys. (Two processes sharing them, and the per-process
 * fallback without Redis: rate-limits-processes.e2e-spec.ts.) The addresses are given through
 * X-Forwarded-For, which the app trusts from its loopback proxy only.
 */
describe('sign-in limits (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '4',
        LOGIN_RATE_LIMIT_PER_MINUTE: '3',
        LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(() => t.close());

  const attempt = (email: string, from: string, password = 'not the password') =>
    t.http().post('/auth/login').set('X-Forwarded-For', from).send({ email, password });

  it('[REQ-AUTH-001] limits one address over many e-mails: 15 different e-mails from one address get 429s', async () => {
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof attempt>> | null = null;
    for (let i = 0; i < 15; i++) {
      const res = await attempt(`nobody-${i}@test.local`, '203.0.113.10');
      statuses.push(res.status);
      refused ??= res.status === 429 ? res : null;
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(new Set(statuses.slice(4))).toEqual(new Set([429]));
    expect(refused!.body).toEqual(errorShape(429, 'TOO_MANY_REQUESTS'));
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused!.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another address is not affected.
    await attempt('nobody-0@test.local', '203.0.113.11').expect(401);
  });

  it('limits one account over many addresses, and keeps the e-mail out of Redis', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await attempt(user.email.toUpperCase(), `198.51.100.${i + 1}`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Even the right password is refused while the account's limit holds.
    await attempt(user.email, '198.51.100.99', TEST_PASSWORD).expect(429);
    const other = await t.factory.user('monitor', { trialWide: true });
    await attempt(other.email, '198.51.100.99', TEST_PASSWORD).expect(200);

    const keys = await rateKeys(t.config.QUEUE_PREFIX);
    expect(keys.length).toBeGreaterThan(0);
    const local = user.email.split('@')[0];
    expect(keys.filter((k) => k.includes('@') || k.includes(local))).toEqual([]);
  });
});

describe('the global sign-in limit (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100',
        LOGIN_RATE_LIMIT_PER_MINUTE: '100',
        LOGIN_RATE_LIMIT_GLOBAL_PER_MINUTE: '6',
      },
    });
  });
  afterAll(() => t.close());

  it('[REQ-AUTH-001] refuses sign-in from every address and for every account once the system-wide limit is reached', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await t
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', `192.0.2.${i + 1}`)
        .send({ email: `someone-${i}@test.local`, password: 'not the password' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
  });
});

describe('sign-in limits without Redis (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on this port: every rate-limit command fails at once.
    t = await createTestApp({
      worker: false,
      env: {
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        LOGIN_RATE_LIMIT_PER_MINUTE: '6',
        RATE_LIMIT_FALLBACK_DIVISOR: '2',
      },
    });
  }, 60_000);
  afterAll(() => t.close());

  it('still limits, in process memory, at the limit divided by the number of processes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', `192.0.2.${i + 1}`)
        .send({ email: 'target@test.local', password: 'not the password' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

/**
 * The electronic signature is no password oracle: throttled per user, and after
 * SIGNATURE_MAX_FAILURES wrong passwords signing is locked for SIGNATURE_LOCKOUT_MINUTES — the
 * right password is refused too — with each failure and the lock audited; the lock holds for
 * concurrent guesses, and signing works again once it has run out.
 */
describe('electronic signature lockout (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let ams: string;

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      now: PATHWAY_NOW,
      env: {
        SIGNATURE_MAX_FAILURES: '5',
        SIGNATURE_LOCKOUT_MINUTES: '15',
        SIGNATURE_FAILURE_WINDOW_MINUTES: '15',
        SIGNATURE_RATE_LIMIT_PER_MINUTE: '10',
      },
    });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  /** A candidate assessed eligible, waiting for the investigator's signature. */
  async function assessed(): Promise<{ id: string; aid: string }> {
    const { birthDate, consent: _c, ...data } = ramMsEligibleRecord();
    const reg = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: ams,
        identity: { givenName: `T${randomBytes(4).toString('hex')}`, familyName: 'S', birthDate },
      })
      .expect(201);
    const id = reg.body.id as string;
    for (const to of [
      'phone_check_done',
      'records_reviewed',
      'screening_visit_planned',
      'screening_visit_done',
    ]) {
      await t
        .http()
        .post(`/participants/${id}/transitions`)
        .set(bearer(coordinator))
        .send({ to })
        .expect(200);
    }
    await t
      .http()
      .patch(`/participants/${id}/screening`)
      .set(bearer(coordinator))
      .send(data)
      .expect(200);
    const a = await t
      .http()
      .post(`/participants/${id}/assessments`)
      .set(bearer(coordinator))
      .send({})
      .expect(201);
    return { id, aid: a.body.id as string };
  }

  const sign = (user: TestUser, p: { id: string; aid: string }, password: string) =>
    t
      .http()
      .post(`/participants/${p.id}/assessments/${p.aid}/sign`)
      .set(bearer(user))
      .send({ password, meaning: 'I confirm this eligibility decision' });

  const audit = async (userId: string) =>
    ((await t.factory.auditRows({ entityId: userId })) as unknown as AuditRow[]).filter((r) =>
      r.action.startsWith('auth.signature'),
    );

  it('[REQ-ESIG-002] locks signing after 5 wrong passwords, refuses the right one while locked, audits, and unlocks after the lockout', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const p = await assessed();
    for (let i = 0; i < 5; i++) {
      const wrong = await sign(investigator, p, `wrong password ${i}`).expect(401);
      expect(wrong.body.code).toBe('SIGNATURE_PASSWORD_INVALID');
    }
    const locked = await sign(investigator, p, TEST_PASSWORD).expect(429);
    expect(locked.body).toEqual(errorShape(429, 'SIGNATURE_LOCKED'));
    const until = new Date(Date.parse(PATHWAY_NOW) + 15 * 60_000).toISOString();
    expect(locked.body.errors[0]).toMatchObject({
      path: 'password',
      params: { lockedUntil: until },
    });
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);

    const rows = await audit(investigator.id);
    expect(rows.map((r) => [r.action, r.after.outcome ?? null])).toEqual([
      ...Array.from({ length: 5 }, () => ['auth.signature_failed', 'wrong_password']),
      ['auth.signature_locked', null],
      ['auth.signature_failed', 'locked'],
    ]);
    expect(rows[5].after).toEqual({ failures: 5, lockedUntil: until });
    expect(JSON.stringify(rows)).not.toContain('wrong password');
    // Nothing was signed.
    const assessment = await t
      .http()
      .get(`/participants/${p.id}/assessments/${p.aid}`)
      .set(bearer(coordinator))
      .expect(200);
    expect(assessment.body.signature).toBeNull();

    // Another investigator is not locked out.
    const colleague = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    await sign(colleague, await assessed(), TEST_PASSWORD).expect(200);

    // Still locked a minute before the end; signing works once the lockout ran out.
    t.clock!.advance(14 * 60_000);
    await sign(investigator, p, TEST_PASSWORD).expect(429);
    t.clock!.advance(60_000);
    const signed = await sign(investigator, p, TEST_PASSWORD).expect(200);
    expect(signed.body.signature).toMatchObject({ signerId: investigator.id, status: 'signed' });
  });

  it('lets a right password reset the count: failures must be consecutive', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    for (let i = 0; i < 4; i++) {
      await sign(investigator, await assessed(), 'not it').expect(401);
    }
    await sign(investigator, await assessed(), TEST_PASSWORD).expect(200);
    const p = await assessed();
    for (let i = 0; i < 4; i++) {
      await sign(investigator, p, 'not it').expect(401);
    }
    await sign(investigator, p, TEST_PASSWORD).expect(200);
  });

  it('[REQ-ESIG-002] gives 20 concurrent guesses at most 5 password checks (10 pass the rate limit)', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const p = await assessed();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sign(investigator, p, `guess ${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const checked = (await audit(investigator.id)).filter(
      (r) => r.action === 'auth.signature_failed' && r.after.outcome === 'wrong_password',
    );
    expect(checked.length).toBeLessThanOrEqual(5);
    // And now it is locked, whatever the password.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    const locked = await t.factory.auditRows({
      action: 'auth.signature_locked',
      entityId: investigator.id,
    });
    expect(locked).toHaveLength(checked.length === 5 ? 1 : 0);
  });

  it('[REQ-ESIG-002] throttles signature attempts per user (SIGNATURE_RATE_LIMIT_PER_MINUTE), locked or not', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const p = await assessed();
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push((await sign(investigator, p, 'not it')).body.code as string);
    }
    expect(codes).toEqual([
      ...Array.from({ length: 5 }, () => 'SIGNATURE_PASSWORD_INVALID'),
      ...Array.from({ length: 5 }, () => 'SIGNATURE_LOCKED'),
      'TOO_MANY_REQUESTS',
    ]);
  });
});
