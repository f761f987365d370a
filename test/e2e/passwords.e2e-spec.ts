import { createHash } from 'node:crypto';
import { prepareDatabase } from 'src/cli/prepare';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD } from '../harness/factory';
import { bearerOf } from '../harness/http';
import { startSmtp, type LocalSmtp } from '../harness/smtp';

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

/** Every audit row as text: what must never hold a password, a hash or a token. */
async function auditText(t: TestApp): Promise<string> {
  const rows: unknown[] = await t.dataSource.query(`SELECT * FROM audit_log ORDER BY seq`);
  return JSON.stringify(rows);
}

async function signIn(t: TestApp, email: string, password: string) {
  const res = await t.http().post('/auth/login').send({ email, password });
  return res;
}

describe('passwords: change, admin reset, forced change (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000', PASSWORD_HISTORY: '3' },
    });
  });
  afterAll(() => t.close());

  it('[REQ-AUTH-004] changes the own password: the current one is required, the policy and recent passwords are refused, other sessions end', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const first = await signIn(t, user.email, TEST_PASSWORD).then((r) => r.body.accessToken);
    const other = await signIn(t, user.email, TEST_PASSWORD).then((r) => r.body.accessToken);
    const change = (token: string, currentPassword: string, newPassword: string) =>
      t.http().post('/auth/password').set(bearerOf(token)).send({ currentPassword, newPassword });

    const wrong = await change(first, 'not my password', 'a brand new passphrase 1').expect(400);
    expect(wrong.body.code).toBe('CURRENT_PASSWORD_INCORRECT');
    expect(wrong.body.errors[0]).toMatchObject({ path: 'currentPassword' });
    const failed = await t.factory.auditRows({
      action: 'user.password_change_failed',
      entityId: user.id,
    });
    expect(failed).toHaveLength(1);

    const short = await change(first, TEST_PASSWORD, 'too short').expect(400);
    expect(short.body).toMatchObject({
      code: 'PASSWORD_POLICY',
      errors: [{ path: 'newPassword', code: 'PASSWORD_POLICY' }],
    });
    const same = await change(first, TEST_PASSWORD, TEST_PASSWORD).expect(400);
    expect(same.body).toMatchObject({
      code: 'PASSWORD_REUSED',
      errors: [{ path: 'newPassword', code: 'PASSWORD_REUSED' }],
    });
    const missing = await t
      .http()
      .post('/auth/password')
      .set(bearerOf(first))
      .send({ newPassword: 'a brand new passphrase 1' })
      .expect(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('currentPassword');

    const done = await change(first, TEST_PASSWORD, 'a brand new passphrase 1').expect(200);
    expect(done.body.user).toMatchObject({ id: user.id, passwordChangeRequired: false });
    expect(done.body.user.passwordChangedAt).toEqual(expect.any(String));
    const fresh = done.body.accessToken as string;
    await t.http().get('/auth/me').set(bearerOf(fresh)).expect(200);
    // Every session from before the change ended, the caller's own old token included.
    expect((await t.http().get('/auth/me').set(bearerOf(other)).expect(401)).body.code).toBe(
      'INVALID_TOKEN',
    );
    await t.http().get('/auth/me').set(bearerOf(first)).expect(401);
    await t.http().get('/auth/me').set(bearer(user)).expect(401);

    expect((await signIn(t, user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(t, user.email, 'a brand new passphrase 1')).status).toBe(200);

    // PASSWORD_HISTORY=3: the current and the two before it are refused, an older one is allowed.
    let token = fresh;
    let current = 'a brand new passphrase 1';
    for (const next of ['a brand new passphrase 2', 'a brand new passphrase 3']) {
      token = (await change(token, current, next).expect(200)).body.accessToken;
      current = next;
    }
    for (const recent of ['a brand new passphrase 1', 'a brand new passphrase 2']) {
      const res = await change(token, current, recent).expect(400);
      expect(res.body.code).toBe('PASSWORD_REUSED');
    }
    await change(token, current, TEST_PASSWORD).expect(200); // four passwords ago
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM password_history WHERE user_id = $1`,
      [user.id],
    );
    expect(n).toBe(2); // only what the check needs is kept

    const changed = await t.factory.auditRows({
      action: 'user.password_changed',
      entityId: user.id,
    });
    expect(changed).toHaveLength(4);
    const text = await auditText(t);
    for (const secret of ['a brand new passphrase', TEST_PASSWORD, '$2b$']) {
      expect(text).not.toContain(secret);
    }
  });

  it('[REQ-AUTH-004] an admin reset shows a temporary password once, ends the sessions, and forces a change before anything else', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const user = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    await t.http().get('/participants').set(bearer(user)).expect(200);

    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    await t
      .http()
      .post(`/users/${user.id}/password-reset`)
      .set(bearer(coordinator))
      .send({})
      .expect(403);
    const self = await t
      .http()
      .post(`/users/${admin.id}/password-reset`)
      .set(bearer(admin))
      .send({})
      .expect(409);
    expect(self.body.code).toBe('USER_SELF_PASSWORD_RESET');

    const reset = await t
      .http()
      .post(`/users/${user.id}/password-reset`)
      .set(bearer(admin))
      .send({ reason: 'Forgot it, asked by phone' })
      .expect(200);
    const temporary = reset.body.temporaryPassword as string;
    expect(temporary).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(reset.body.user).toMatchObject({ id: user.id, passwordChangeRequired: true });
    await t.http().get('/participants').set(bearer(user)).expect(401); // its sessions ended
    expect((await signIn(t, user.email, TEST_PASSWORD)).status).toBe(401);

    const login = await signIn(t, user.email, temporary);
    expect(login.status).toBe(200);
    expect(login.body.user.passwordChangeRequired).toBe(true);
    expect(claims(login.body.accessToken).pwc).toBe(true);
    const token = login.body.accessToken as string;

    for (const [method, path] of [
      ['get', '/participants'],
      ['get', '/notifications'],
      ['post', '/auth/role'],
      ['get', '/audit'],
    ] as const) {
      const res = await t.http()[method](path).set(bearerOf(token)).send({ role: 'investigator' });
      expect(`${method} ${path} ${res.status} ${res.body.code}`).toBe(
        `${method} ${path} 403 PASSWORD_CHANGE_REQUIRED`,
      );
    }
    const me = await t.http().get('/auth/me').set(bearerOf(token)).expect(200);
    expect(me.body.passwordChangeRequired).toBe(true);
    // The account's flag decides, not only the token's claim.
    const unflagged = await t.factory.actingAs(user, 'investigator');
    expect((await t.http().get('/participants').set(bearer(unflagged)).expect(403)).body.code).toBe(
      'PASSWORD_CHANGE_REQUIRED',
    );

    // Keeping the temporary password is no change.
    const keep = await t
      .http()
      .post('/auth/password')
      .set(bearerOf(token))
      .send({ currentPassword: temporary, newPassword: temporary })
      .expect(400);
    expect(keep.body.code).toBe('PASSWORD_REUSED');
    const changed = await t
      .http()
      .post('/auth/password')
      .set(bearerOf(token))
      .send({ currentPassword: temporary, newPassword: 'my own investigator passphrase' })
      .expect(200);
    expect(changed.body.user.passwordChangeRequired).toBe(false);
    expect(claims(changed.body.accessToken).pwc).toBeUndefined();
    await t.http().get('/participants').set(bearerOf(changed.body.accessToken)).expect(200);
    await t.http().get('/participants').set(bearerOf(token)).expect(401);

    const rows: { before: unknown; after: unknown; reason: string; actor_id: string }[] =
      await t.dataSource.query(
        `SELECT before, after, reason, actor_id FROM audit_log WHERE action = 'user.password_reset' AND entity_id = $1`,
        [user.id],
      );
    expect(rows).toEqual([
      {
        before: { passwordChangeRequired: false },
        after: { passwordChangeRequired: true, sessionsEnded: true },
        reason: 'Forgot it, asked by phone',
        actor_id: admin.id,
      },
    ]);
    expect(await auditText(t)).not.toContain(temporary);
  });

  it('lists the flag on the admin users page and refuses an unknown account', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const res = await t
      .http()
      .post('/users/00000000-0000-4000-8000-000000000000/password-reset')
      .set(bearer(admin))
      .send({})
      .expect(404);
    expect(res.body.code).toBe('USER_NOT_FOUND');
    await t.http().post('/users/not-a-uuid/password-reset').set(bearer(admin)).send({}).expect(400);
  });
});

describe('passwords: the generated first admin (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { ADMIN_EMAIL: 'first.admin@test.local' } });
  });
  afterAll(() => t.close());

  it('must change the generated password at the first sign-in', async () => {
    const prepared = await prepareDatabase(t.config);
    expect(prepared.adminCreated).toBe(true);
    const generated = prepared.generatedAdminPassword as string;
    const login = await signIn(t, 'first.admin@test.local', generated);
    expect(login.status).toBe(200);
    expect(login.body.user.passwordChangeRequired).toBe(true);
    const token = login.body.accessToken as string;
    const refused = await t.http().get('/users').set(bearerOf(token)).expect(403);
    expect(refused.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const changed = await t
      .http()
      .post('/auth/password')
      .set(bearerOf(token))
      .send({ currentPassword: generated, newPassword: 'the first admin passphrase' })
      .expect(200);
    await t.http().get('/users').set(bearerOf(changed.body.accessToken)).expect(200);
    expect((await signIn(t, 'first.admin@test.local', generated)).status).toBe(401);
  });
});

describe('passwords: forgotten password by e-mail through a real local SMTP server (e2e)', () => {
  let t: TestApp;
  let smtp: LocalSmtp;
  const FORGOT_BODY = {
    message:
      'If an active account has this e-mail address, a link to choose a new password is on its way. Check your e-mail.',
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      now: '2026-05-20T10:00:00Z',
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'RAM-MS test <trial@ram-ms.test>',
        APP_PUBLIC_URL: 'https://trial.example.test',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS_PER_HOUR: '1000',
        PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT_PER_HOUR: '1000',
        PASSWORD_RESET_TTL_MINUTES: '15',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** Asks for a link for `email` and returns the token of the e-mail that arrives. */
  async function linkFor(email: string): Promise<string> {
    const before = smtp.messages.length;
    const res = await t.http().post('/auth/password/forgot').send({ email }).expect(202);
    expect(res.body).toEqual(FORGOT_BODY);
    await t.drainJobs();
    await smtp.waitFor(before + 1);
    const mail = smtp.messages[smtp.messages.length - 1];
    expect(mail.to).toEqual([email.toLowerCase()]);
    const match = /https:\/\/trial\.example\.test\/app\/reset-password#token=([A-Za-z0-9_-]+)/.exec(
      mail.text,
    );
    expect(match).not.toBeNull();
    return (match as RegExpExecArray)[1];
  }

  it('e-mails a single-use link; the new password works once set, the link not again', async () => {
    const user = await t.factory.user('site_staff', {
      sites: ['DK-CPH'],
      email: 'staff.forgot@hospital.test',
    });
    const session = await signIn(t, user.email, TEST_PASSWORD).then((r) => r.body.accessToken);
    const token = await linkFor('Staff.Forgot@hospital.test');
    const mail = smtp.messages[smtp.messages.length - 1];
    expect(mail.subject).toBe('Reset your RAM-MS password');
    expect(mail.from).toBe('trial@ram-ms.test');
    expect(mail.text).toContain('the link works once, for 15 minutes');

    // At rest: the SHA-256 of the token; the sealed copy is gone once mailed; the job names the row only.
    const [row] = await t.dataSource.query(
      `SELECT id, token_hash, sealed_token, mailed_at FROM password_resets WHERE user_id = $1`,
      [user.id],
    );
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(row.sealed_token).toBeNull();
    expect(row.mailed_at).not.toBeNull();
    const outbox: { payload: unknown }[] = await t.dataSource.query(
      `SELECT payload FROM outbox WHERE job_name = 'access.password-reset-mail'`,
    );
    expect(outbox.map((o) => o.payload)).toContainEqual({ resetId: row.id });
    expect(JSON.stringify(outbox)).not.toContain(token);

    const weak = await t
      .http()
      .post('/auth/password/reset')
      .send({ token, newPassword: 'short' })
      .expect(400);
    expect(weak.body.code).toBe('PASSWORD_POLICY');
    const reused = await t
      .http()
      .post('/auth/password/reset')
      .send({ token, newPassword: TEST_PASSWORD })
      .expect(400);
    expect(reused.body.code).toBe('PASSWORD_REUSED');

    const done = await t
      .http()
      .post('/auth/password/reset')
      .send({ token, newPassword: 'recovered staff passphrase' })
      .expect(200);
    expect(done.body.accessToken).toBeUndefined(); // sign in again, with every factor
    expect((await signIn(t, user.email, 'recovered staff passphrase')).status).toBe(200);
    expect((await signIn(t, user.email, TEST_PASSWORD)).status).toBe(401);
    await t.http().get('/auth/me').set(bearerOf(session)).expect(401); // sessions ended

    const again = await t
      .http()
      .post('/auth/password/reset')
      .send({ token, newPassword: 'another staff passphrase' })
      .expect(400);
    expect(again.body).toMatchObject({
      code: 'RESET_TOKEN_INVALID',
      errors: [{ path: 'token', code: 'RESET_TOKEN_INVALID' }],
    });

    const audit = await auditText(t);
    expect(audit).not.toContain(token);
    expect(audit).not.toContain('recovered staff passphrase');
    expect(
      await t.factory.auditRows({ action: 'user.password_reset_completed', entityId: user.id }),
    ).toHaveLength(1);
    const failures: { after: { outcome: string } }[] = await t.dataSource.query(
      `SELECT after FROM audit_log WHERE action = 'auth.password_reset_failed' AND entity_id = $1`,
      [user.id],
    );
    expect(failures.map((f) => f.after.outcome)).toEqual(['used_token']);
  });

  it('refuses an expired link, and an older link once a newer one was asked for', async () => {
    const user = await t.factory.user('monitor', {
      trialWide: true,
      email: 'monitor.forgot@cro.test',
    });
    const older = await linkFor(user.email);
    const newer = await linkFor(user.email);
    expect(newer).not.toBe(older);
    const replaced = await t
      .http()
      .post('/auth/password/reset')
      .send({ token: older, newPassword: 'monitor passphrase one' })
      .expect(400);
    expect(replaced.body.code).toBe('RESET_TOKEN_INVALID');

    t.clock?.advance(16 * 60_000);
    try {
      const expired = await t
        .http()
        .post('/auth/password/reset')
        .send({ token: newer, newPassword: 'monitor passphrase one' })
        .expect(400);
      expect(expired.body.code).toBe('RESET_TOKEN_INVALID');
      const outcomes: { after: { outcome: string } }[] = await t.dataSource.query(
        `SELECT after FROM audit_log WHERE action = 'auth.password_reset_failed' AND entity_id = $1 ORDER BY seq`,
        [user.id],
      );
      expect(outcomes.map((o) => o.after.outcome)).toEqual(['replaced_token', 'expired_token']);
      // A fresh link works again.
      const fresh = await linkFor(user.email);
      await t
        .http()
        .post('/auth/password/reset')
        .send({ token: fresh, newPassword: 'monitor passphrase one' })
        .expect(200);
    } finally {
      t.clock?.advance(-16 * 60_000);
    }
    expect((await signIn(t, user.email, 'monitor passphrase one')).status).toBe(200);
  });

  it('answers an unknown or deactivated address the same and sends nothing', async () => {
    const inactive = await t.factory.user('coordinator', {
      sites: ['NL-AMS'],
      email: 'gone.forgot@hospital.test',
      active: false,
    });
    const outboxBefore: { n: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox`,
    );
    const before = smtp.messages.length;
    for (const email of ['nobody.here@hospital.test', inactive.email]) {
      const res = await t.http().post('/auth/password/forgot').send({ email }).expect(202);
      expect(res.body).toEqual(FORGOT_BODY);
    }
    await t.drainJobs();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.length).toBe(before);
    const outboxAfter: { n: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox`,
    );
    expect(outboxAfter[0].n).toBe(outboxBefore[0].n);
    const outcomes: { after: { outcome: string }; entity_id: string | null }[] =
      await t.dataSource.query(
        `SELECT after, entity_id FROM audit_log WHERE action = 'auth.password_reset_requested' ORDER BY seq DESC LIMIT 2`,
      );
    expect(outcomes.map((o) => o.after.outcome).sort()).toEqual([
      'inactive_account',
      'unknown_account',
    ]);
    expect(await auditText(t)).not.toContain('nobody.here@hospital.test');
    // Malformed input is refused by shape, which says nothing about accounts.
    await t.http().post('/auth/password/forgot').send({ email: 'not an address' }).expect(400);
    await t.http().post('/auth/password/reset').send({ token: 'x', newPassword: 'y' }).expect(400);
  });

  it('a link also ends a forced change: the account chooses its own password', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const user = await t.factory.user('statistician', {
      trialWide: true,
      email: 'stats.forgot@cro.test',
    });
    await t.http().post(`/users/${user.id}/password-reset`).set(bearer(admin)).send({}).expect(200);
    const token = await linkFor(user.email);
    await t
      .http()
      .post('/auth/password/reset')
      .send({ token, newPassword: 'statistician passphrase' })
      .expect(200);
    const login = await signIn(t, user.email, 'statistician passphrase');
    expect(login.body.user.passwordChangeRequired).toBe(false);
    await t.http().get('/auth/me').set(bearerOf(login.body.accessToken)).expect(200);
  });
});

describe('passwords: throttled per address and account (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: {
        LOGIN_RATE_LIMIT_PER_MINUTE: '2',
        PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT_PER_HOUR: '2',
      },
    });
  });
  afterAll(() => t.close());

  it('limits forgotten-password requests per e-mail address', async () => {
    const ask = (email: string) => t.http().post('/auth/password/forgot').send({ email });
    expect((await ask('someone@hospital.test')).status).toBe(202);
    expect((await ask('someone@hospital.test')).status).toBe(202);
    const third = await ask('SOMEONE@hospital.test');
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('TOO_MANY_REQUESTS');
    expect((await ask('someone.else@hospital.test')).status).toBe(202);
  });

  it('limits password changes per signed-in account, not per shared address', async () => {
    const a = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const b = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const wrong = (user: typeof a) =>
      t
        .http()
        .post('/auth/password')
        .set(bearer(user))
        .send({ currentPassword: 'not it', newPassword: 'a brand new passphrase' });
    expect((await wrong(a)).status).toBe(400);
    expect((await wrong(a)).status).toBe(400);
    expect((await wrong(a)).status).toBe(429);
    expect((await wrong(b)).status).toBe(400);
  });
});
