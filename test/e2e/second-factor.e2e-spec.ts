import { authenticator } from 'otplib';
import type { FixedClock } from 'src/common/clock/clock';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, type TestUser } from '../harness/factory';

type AuditRow = { action: string; entity_id: string | null; before: unknown; after: unknown };

/** Second factor (TOTP, RFC 6238) with recovery codes; codes made here with otplib from the secret. */
describe('second factor: set-up and sign-in (e2e)', () => {
  let t: TestApp;
  let clock: FixedClock;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      now: '2026-05-04T10:00:05Z',
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: '8' },
    });
    clock = t.clock as FixedClock;
  });
  afterAll(() => t.close());

  /** The app's code for the test clock's current instant (or `offsetSteps` steps away). */
  const codeOf = (secret: string, offsetSteps = 0) =>
    authenticator.clone({ epoch: clock.now().getTime() + offsetSteps * 30_000 }).generate(secret);
  /** On to the next 30-second step, so a new code is due. */
  const nextStep = () => clock.advance(30_000);
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  const login = (user: TestUser, role?: string) =>
    t
      .http()
      .post('/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD, ...(role ? { role } : {}) });

  /** Sets up a second factor through the API: the secret, the recovery codes and the new token. */
  async function enrol(user: TestUser, token = user.token) {
    const started = await t
      .http()
      .post('/auth/second-factor/enrolment')
      .set(auth(token))
      .expect(201);
    const secret = started.body.secret as string;
    const confirmed = await t
      .http()
      .post('/auth/second-factor/enrolment/confirm')
      .set(auth(token))
      .send({ code: codeOf(secret) });
    if (confirmed.status !== 200) {
      throw new Error(JSON.stringify(confirmed.body));
    }
    nextStep();
    return {
      secret,
      recoveryCodes: confirmed.body.recoveryCodes as string[],
      token: confirmed.body.session.accessToken as string,
    };
  }

  const audit = async (action: string, entityId: string) =>
    (await t.factory.auditRows({ action, entityId })) as unknown as AuditRow[];

  it('sets up a second factor: a wrong code is refused, the right one confirms it and gives 10 recovery codes once', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const before = await t.http().get('/auth/second-factor').set(bearer(user)).expect(200);
    expect(before.body).toMatchObject({ enrolled: false, pending: false, recoveryCodesLeft: 0 });

    const started = await t
      .http()
      .post('/auth/second-factor/enrolment')
      .set(bearer(user))
      .expect(201);
    const secret = started.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(started.body.otpauthUrl as string);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('RAM-MS');
    expect(decodeURIComponent(url.pathname)).toContain(user.email);

    const right = codeOf(secret);
    const wrong = right === '000000' ? '111111' : '000000';
    const refused = await t
      .http()
      .post('/auth/second-factor/enrolment/confirm')
      .set(bearer(user))
      .send({ code: wrong })
      .expect(400);
    expect(refused.body).toMatchObject({
      code: 'SECOND_FACTOR_CODE_INVALID',
      errors: [expect.objectContaining({ path: 'code' })],
    });
    const malformed = await t
      .http()
      .post('/auth/second-factor/enrolment/confirm')
      .set(bearer(user))
      .send({ code: '12ab56' })
      .expect(400);
    expect(malformed.body.errors[0].path).toBe('code');
    const pending = await t.http().get('/auth/second-factor').set(bearer(user)).expect(200);
    expect(pending.body).toMatchObject({ enrolled: false, pending: true });

    const confirmed = await t
      .http()
      .post('/auth/second-factor/enrolment/confirm')
      .set(bearer(user))
      .send({ code: right })
      .expect(200);
    const codes = confirmed.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    }
    expect(confirmed.body.session).toMatchObject({ actingRole: 'coordinator' });
    await t
      .http()
      .get('/trial')
      .set(auth(confirmed.body.session.accessToken as string))
      .expect(200);

    const after = await t.http().get('/auth/second-factor').set(bearer(user)).expect(200);
    expect(after.body).toMatchObject({ enrolled: true, pending: false, recoveryCodesLeft: 10 });
    expect(after.body.confirmedAt).toBe(clock.now().toISOString());
    // Confirmed: no second set-up over it, and no confirming again.
    const again = await t
      .http()
      .post('/auth/second-factor/enrolment')
      .set(bearer(user))
      .expect(409);
    expect(again.body.code).toBe('SECOND_FACTOR_ALREADY_ENROLLED');

    expect((await audit('auth.second_factor_enrolment_started', user.id)).length).toBe(1);
    expect((await audit('auth.second_factor_enrolled', user.id)).length).toBe(1);
    const failed = await audit('auth.second_factor_failed', user.id);
    expect(failed.map((r) => r.after)).toEqual([{ stage: 'confirm', method: 'totp' }]);
    // Neither the secret nor a code reaches the audit trail.
    const trail = JSON.stringify(await t.factory.auditRows({ entityId: user.id }));
    for (const s of [secret, right, ...codes]) {
      expect(trail).not.toContain(s);
    }
    nextStep();
  });

  it('stores the secret only encrypted and the recovery codes only as hashes', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const { secret, recoveryCodes } = await enrol(user);
    const [row]: Record<string, unknown>[] = await t.dataSource.query(
      `SELECT * FROM user_second_factors WHERE user_id = $1`,
      [user.id],
    );
    expect(row).toBeDefined();
    const stored = Object.values(row)
      .map((v) => (Buffer.isBuffer(v) ? `${v.toString('hex')} ${v.toString('latin1')}` : String(v)))
      .join(' ');
    expect(stored).not.toContain(secret);
    expect(stored.toLowerCase()).not.toContain(secret.toLowerCase());
    expect((row.ciphertext as Buffer).length).toBe(secret.length);
    expect(row.key_id).toBe('dev-2fa');
    expect((row.iv as Buffer).length).toBe(12);

    const hashes: { code_hash: Buffer }[] = await t.dataSource.query(
      `SELECT code_hash FROM second_factor_recovery_codes WHERE user_id = $1`,
      [user.id],
    );
    expect(hashes).toHaveLength(10);
    const storedCodes = hashes.map((h) => `${h.code_hash.toString('hex')} ${h.code_hash}`).join();
    for (const c of recoveryCodes) {
      expect(storedCodes).not.toContain(c);
      expect(storedCodes).not.toContain(c.replace(/-/g, ''));
    }
  });

  it('[REQ-AUTH-003] asks for the code at sign-in; refuses a wrong code, a replayed code and an older one', async () => {
    const user = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const { secret } = await enrol(user);
    clock.advance(-30_000); // back to the step whose code confirmed the set-up

    const first = await login(user).expect(200);
    expect(first.body).toEqual({ status: 'second_factor_required', challenge: expect.any(String) });
    expect(first.body.accessToken).toBeUndefined();
    const challenge = first.body.challenge as string;
    // The challenge carries no session rights.
    const asToken = await t.http().get('/auth/me').set(auth(challenge)).expect(401);
    expect(asToken.body.code).toBe('INVALID_TOKEN');

    // The code that confirmed the set-up, again: a replay.
    const replay = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, code: codeOf(secret) })
      .expect(401);
    expect(replay.body.code).toBe('SECOND_FACTOR_INVALID');

    nextStep();
    const right = codeOf(secret);
    const wrong = right === '123456' ? '654321' : '123456';
    const refused = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, code: wrong })
      .expect(401);
    expect(refused.body.code).toBe('SECOND_FACTOR_INVALID');

    const signedIn = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, code: right })
      .expect(200);
    expect(signedIn.body).toMatchObject({
      accessToken: expect.any(String),
      actingRole: 'investigator',
      user: { id: user.id },
    });
    expect(signedIn.body.secondFactorEnrolmentRequired).toBeUndefined();
    const me = await t
      .http()
      .get('/auth/me')
      .set(auth(signedIn.body.accessToken as string))
      .expect(200);
    expect(me.body.id).toBe(user.id);

    // The same code once more, with a fresh challenge: refused (replay within its window).
    const second = await login(user).expect(200);
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: second.body.challenge, code: right })
      .expect(401);
    // The code of the step before, still within the drift window: refused too (older than the last).
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: second.body.challenge, code: codeOf(secret, -1) })
      .expect(401);
    nextStep();
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: second.body.challenge, code: codeOf(secret) })
      .expect(200);

    const logins = await audit('auth.login', user.id);
    expect(logins.map((r) => r.after)).toEqual([
      { actingRole: 'investigator', secondFactor: 'totp' },
      { actingRole: 'investigator', secondFactor: 'totp' },
    ]);
    expect((await audit('auth.second_factor_challenged', user.id)).length).toBe(2);
    const failed = await audit('auth.second_factor_failed', user.id);
    expect(failed.map((r) => r.after)).toEqual(Array(4).fill({ stage: 'sign_in', method: 'totp' }));
    const trail = JSON.stringify(await t.factory.auditRows({ entityId: user.id }));
    expect(trail).not.toContain(challenge);
    expect(trail).not.toContain(secret);
  });

  it('[REQ-AUTH-003] takes a recovery code in place of a code, once', async () => {
    const user = await t.factory.user('statistician', { trialWide: true });
    const { recoveryCodes } = await enrol(user);
    const challenge = (await login(user).expect(200)).body.challenge as string;

    const both = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, code: '123456', recoveryCode: recoveryCodes[0] })
      .expect(400);
    expect(both.body.errors[0].path).toBe('code');
    await t.http().post('/auth/login/second-factor').send({ challenge }).expect(400);

    // Typed differently (capitals, spaces for dashes): the same code.
    const typed = recoveryCodes[3].toUpperCase().replace(/-/g, ' ');
    const ok = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, recoveryCode: typed })
      .expect(200);
    expect(ok.body.actingRole).toBe('statistician');
    const once = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, recoveryCode: recoveryCodes[3] })
      .expect(401);
    expect(once.body.code).toBe('SECOND_FACTOR_INVALID');
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, recoveryCode: 'abcd-efgh-jkmn-pqrs' })
      .expect(401);

    const status = await t.http().get('/auth/second-factor').set(bearer(user)).expect(200);
    expect(status.body.recoveryCodesLeft).toBe(9);
    const [signIn] = await audit('auth.login', user.id);
    expect(signIn.after).toEqual({
      actingRole: 'statistician',
      secondFactor: 'recovery_code',
      recoveryCodesLeft: 9,
    });
    const failed = await audit('auth.second_factor_failed', user.id);
    expect(failed.map((r) => r.after)).toEqual(
      Array(2).fill({ stage: 'sign_in', method: 'recovery_code' }),
    );
    expect(JSON.stringify(await t.factory.auditRows({ entityId: user.id }))).not.toContain(
      recoveryCodes[3],
    );
  });

  it('replaces the recovery codes for a current code; the old ones stop working', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const { secret, recoveryCodes } = await enrol(user);
    await t
      .http()
      .post('/auth/second-factor/recovery-codes')
      .set(bearer(user))
      .send({ code: codeOf(secret, -1) }) // the code that confirmed the set-up: used already
      .expect(400);
    const fresh = await t
      .http()
      .post('/auth/second-factor/recovery-codes')
      .set(bearer(user))
      .send({ code: codeOf(secret) })
      .expect(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(recoveryCodes[0]);
    const challenge = (await login(user).expect(200)).body.challenge as string;
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, recoveryCode: recoveryCodes[0] })
      .expect(401);
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge, recoveryCode: fresh.body.recoveryCodes[0] })
      .expect(200);
    expect((await audit('auth.second_factor_recovery_codes_replaced', user.id)).length).toBe(1);
    nextStep();
  });

  it('removes a second factor with the password and a current code; sign-in is one step again', async () => {
    const user = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const { secret } = await enrol(user);
    const wrongPassword = await t
      .http()
      .delete('/auth/second-factor')
      .set(bearer(user))
      .send({ password: 'not the password', code: codeOf(secret) })
      .expect(400);
    expect(wrongPassword.body.code).toBe('SECOND_FACTOR_PASSWORD_INVALID');
    const wrongCode = await t
      .http()
      .delete('/auth/second-factor')
      .set(bearer(user))
      .send({ password: TEST_PASSWORD, code: codeOf(secret, -1) })
      .expect(400);
    expect(wrongCode.body.code).toBe('SECOND_FACTOR_CODE_INVALID');
    await t
      .http()
      .delete('/auth/second-factor')
      .set(bearer(user))
      .send({ password: TEST_PASSWORD, code: codeOf(secret) })
      .expect(204);
    const plain = await login(user).expect(200);
    expect(plain.body.accessToken).toEqual(expect.any(String));
    const rows: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM user_second_factors WHERE user_id = $1 UNION ALL
       SELECT 1 FROM second_factor_recovery_codes WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toHaveLength(0);
    expect((await audit('auth.second_factor_removed', user.id)).length).toBe(1);
    const failed = await audit('auth.second_factor_failed', user.id);
    expect(failed.map((r) => r.after)).toEqual([
      { stage: 'remove', method: 'password' },
      { stage: 'remove', method: 'totp' },
    ]);
    nextStep();
  });

  it('[REQ-AUTH-003] lets an admin require it for roles (audited); a user acting in such a role may only set it up first', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    await t
      .http()
      .put('/auth/second-factor/policy')
      .set(bearer(coordinator))
      .send({ roles: ['coordinator'] })
      .expect(403);
    const bad = await t
      .http()
      .put('/auth/second-factor/policy')
      .set(bearer(admin))
      .send({ roles: ['wizard'] })
      .expect(400);
    expect(bad.body.errors[0].path).toMatch(/^roles/);
    const set = await t
      .http()
      .put('/auth/second-factor/policy')
      .set(bearer(admin))
      .send({ roles: ['site_staff', 'blinded_assessor'] })
      .expect(200);
    expect(set.body).toEqual({ roles: ['site_staff', 'blinded_assessor'] });
    expect(
      (await t.http().get('/auth/second-factor/policy').set(bearer(admin)).expect(200)).body,
    ).toEqual({ roles: ['site_staff', 'blinded_assessor'] });
    const [changed] = (await t.factory.auditRows({
      action: 'auth.second_factor_policy_changed',
    })) as unknown as AuditRow[];
    expect(changed.before).toEqual({ requiredRoles: [] });
    expect(changed.after).toEqual({ requiredRoles: ['site_staff', 'blinded_assessor'] });

    // Not a required role: an ordinary session.
    const free = await login(coordinator).expect(200);
    expect(free.body.secondFactorEnrolmentRequired).toBeUndefined();

    const staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const restricted = await login(staff).expect(200);
    expect(restricted.body).toMatchObject({
      actingRole: 'site_staff',
      secondFactorEnrolmentRequired: true,
    });
    const token = restricted.body.accessToken as string;
    const elsewhere = await t.http().get('/trial').set(auth(token)).expect(403);
    expect(elsewhere.body.code).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    await t.http().get('/notifications').set(auth(token)).expect(403);
    await t
      .http()
      .post('/auth/second-factor/recovery-codes')
      .set(auth(token))
      .send({ code: '123456' })
      .expect(403);
    await t.http().get('/auth/me').set(auth(token)).expect(200);
    const status = await t.http().get('/auth/second-factor').set(auth(token)).expect(200);
    expect(status.body).toMatchObject({
      enrolled: false,
      requiredForActingRole: true,
      requiredForRoles: ['site_staff'],
    });

    const { secret, token: full } = await enrol({ ...staff, token }, token);
    await t.http().get('/trial').set(auth(full)).expect(200);
    // The restricted token stays restricted until it expires.
    await t.http().get('/trial').set(auth(token)).expect(403);
    // Required by the role: it cannot be removed.
    const keep = await t
      .http()
      .delete('/auth/second-factor')
      .set(auth(full))
      .send({ password: TEST_PASSWORD, code: codeOf(secret) })
      .expect(409);
    expect(keep.body.code).toBe('SECOND_FACTOR_REQUIRED_BY_ROLE');
    // From now on the sign-in asks for the code.
    const next = await login(staff).expect(200);
    expect(next.body.status).toBe('second_factor_required');
    const logins = await audit('auth.login', staff.id);
    expect(logins[0].after).toEqual({ actingRole: 'site_staff', secondFactor: 'enrolment' });

    // The acting role decides: switching into a required role without a second factor restricts.
    const multi = await t.factory.user(['coordinator', 'site_staff'], { sites: ['NL-AMS'] });
    const asCoordinator = await login(multi, 'coordinator').expect(200);
    expect(asCoordinator.body.secondFactorEnrolmentRequired).toBeUndefined();
    const switched = await t
      .http()
      .post('/auth/role')
      .set(auth(asCoordinator.body.accessToken as string))
      .send({ role: 'site_staff' })
      .expect(200);
    expect(switched.body.secondFactorEnrolmentRequired).toBe(true);
    await t
      .http()
      .get('/trial')
      .set(auth(switched.body.accessToken as string))
      .expect(403);

    // The queue dashboard (outside the controllers) refuses a restricted admin session too.
    await t
      .http()
      .put('/auth/second-factor/policy')
      .set(bearer(admin))
      .send({ roles: ['admin'] })
      .expect(200);
    const admin2 = await t.factory.user('admin', { trialWide: true });
    const restrictedAdmin = await login(admin2).expect(200);
    expect(restrictedAdmin.body.secondFactorEnrolmentRequired).toBe(true);
    const queues = await t
      .http()
      .get('/admin/queues')
      .set(auth(restrictedAdmin.body.accessToken as string))
      .expect(403);
    expect(queues.body.code).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    await t.http().get('/admin/queues').set(bearer(admin)).expect(200);

    await t
      .http()
      .put('/auth/second-factor/policy')
      .set(bearer(admin))
      .send({ roles: [] })
      .expect(200);
  });

  it('lets another admin reset a lost second factor, with a reason (audited)', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    await t
      .http()
      .delete(`/users/${user.id}/second-factor`)
      .set(bearer(admin))
      .send({ reason: 'phone lost' })
      .expect(409);
    await enrol(user);
    expect((await login(user).expect(200)).body.status).toBe('second_factor_required');
    await t
      .http()
      .delete(`/users/${user.id}/second-factor`)
      .set(bearer(user))
      .send({ reason: 'phone lost' })
      .expect(403);
    await t
      .http()
      .delete(`/users/${user.id}/second-factor`)
      .set(bearer(admin))
      .send({})
      .expect(400);
    const self = await t
      .http()
      .delete(`/users/${admin.id}/second-factor`)
      .set(bearer(admin))
      .send({ reason: 'mine' })
      .expect(409);
    expect(self.body.code).toBe('SECOND_FACTOR_SELF_RESET');
    await t
      .http()
      .delete('/users/00000000-0000-4000-8000-000000000000/second-factor')
      .set(bearer(admin))
      .send({ reason: 'phone lost' })
      .expect(404);
    await t
      .http()
      .delete(`/users/${user.id}/second-factor`)
      .set(bearer(admin))
      .send({ reason: 'phone and recovery codes lost' })
      .expect(204);
    expect((await login(user).expect(200)).body.accessToken).toEqual(expect.any(String));
    const [reset] = (await t.factory.auditRows({
      action: 'auth.second_factor_reset',
      entityId: user.id,
    })) as unknown as (AuditRow & { reason: string })[];
    expect(reset.reason).toBe('phone and recovery codes lost');
    expect(reset.before).toEqual({ method: 'totp', confirmed: true });
  });

  it('refuses a forged challenge and an access token as a challenge', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const jwt = (await import('jsonwebtoken')).default;
    const forged = jwt.sign(
      { uid: user.id, tv: 0, role: 'coordinator', typ: 'second_factor_challenge' },
      t.config.JWT_SECRET,
      { audience: 'ram-ms:second-factor-challenge', expiresIn: 60 },
    );
    for (const challenge of [forged, user.token, 'not-a-token']) {
      const res = await t
        .http()
        .post('/auth/login/second-factor')
        .send({ challenge, code: '123456' })
        .expect(401);
      expect(res.body.code).toBe('SECOND_FACTOR_CHALLENGE_INVALID');
    }
  });

  it('pauses app codes after 5 wrong ones in a row (a recovery code still works), for 15 minutes', async () => {
    const five = async (user: TestUser, secret: string) => {
      const challenge = (await login(user).expect(200)).body.challenge as string;
      const wrong = codeOf(secret) === '999999' ? '888888' : '999999';
      for (let i = 0; i < 5; i++) {
        await t
          .http()
          .post('/auth/login/second-factor')
          .send({ challenge, code: wrong })
          .expect(401);
      }
      return challenge;
    };
    const a = await t.factory.user('monitor', { trialWide: true });
    const enrolledA = await enrol(a);
    const challengeA = await five(a, enrolledA.secret);
    const locked = await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: challengeA, code: codeOf(enrolledA.secret) })
      .expect(429);
    expect(locked.body).toMatchObject({
      code: 'SECOND_FACTOR_LOCKED',
      errors: [expect.objectContaining({ params: { minutes: 15 } })],
    });
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: challengeA, recoveryCode: enrolledA.recoveryCodes[0] })
      .expect(200);
    const [row]: { failures: number }[] = await t.dataSource.query(
      `SELECT failures FROM user_second_factors WHERE user_id = $1`,
      [a.id],
    );
    expect(row.failures).toBe(0);
    const failed = await audit('auth.second_factor_failed', a.id);
    expect(failed.map((r) => r.after)).toEqual([
      ...Array(5).fill({ stage: 'sign_in', method: 'totp' }),
      { stage: 'sign_in', method: 'totp', outcome: 'locked' },
    ]);

    const b = await t.factory.user('statistician', { trialWide: true });
    const enrolledB = await enrol(b);
    const challengeB = await five(b, enrolledB.secret);
    clock.advance(14 * 60_000);
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: challengeB, code: codeOf(enrolledB.secret) })
      .expect(429);
    clock.advance(60_000);
    await t
      .http()
      .post('/auth/login/second-factor')
      .send({ challenge: challengeB, code: codeOf(enrolledB.secret) })
      .expect(200);
  });

  it('throttles the second step like the sign-in', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const { secret } = await enrol(user);
    const challenge = (await login(user).expect(200)).body.challenge as string;
    const wrong = codeOf(secret) === '999999' ? '888888' : '999999';
    const answers: string[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await t.http().post('/auth/login/second-factor').send({ challenge, code: wrong });
      answers.push(`${res.status} ${res.body.code}`);
    }
    expect(answers).toEqual([
      ...Array(5).fill('401 SECOND_FACTOR_INVALID'),
      ...Array(3).fill('429 SECOND_FACTOR_LOCKED'),
      '429 TOO_MANY_REQUESTS',
    ]);
  });
});
