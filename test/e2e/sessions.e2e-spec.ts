import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, type TestUser } from '../harness/factory';

const COOKIE = '__Secure-ram-ms-session';
const MINUTE = 60_000;

/** The refresh cookie an answer sets: its value and attributes (undefined when none is set). */
function refreshCookie(res: Response): { value: string; attributes: string[] } | undefined {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = (raw ?? []).find((c) => c.startsWith(`${COOKIE}=`));
  if (!line) {
    return undefined;
  }
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  return { value: decodeURIComponent(pair.slice(COOKIE.length + 1)), attributes };
}

const cookieHeader = (value: string) => ({ Cookie: `${COOKIE}=${value}` });

describe('sessions: refresh rotation, reuse detection, idle and absolute limits (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: '2026-03-01T08:00:00Z' });
  });
  afterAll(() => t.close());

  async function signIn(user: TestUser, role?: string) {
    const res = await t
      .http()
      .post('/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD, ...(role ? { role } : {}) })
      .expect(200);
    const cookie = refreshCookie(res);
    if (!cookie) {
      throw new Error('no refresh cookie');
    }
    return {
      body: res.body as { accessToken: string; [k: string]: unknown },
      cookie: cookie.value,
    };
  }

  const refresh = (value?: string) => {
    const r = t.http().post('/auth/refresh');
    return value === undefined ? r : r.set(cookieHeader(value));
  };
  const me = (token: string) => t.http().get('/auth/me').set('Authorization', `Bearer ${token}`);

  it('sets the refresh token in an httpOnly, Secure, SameSite=Strict cookie for /auth only, and stores only its hash', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const res = await t
      .http()
      .post('/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);
    const cookie = refreshCookie(res);
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const attributes = (cookie?.attributes ?? []).map((a) => a.toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/auth']),
    );
    // A browser-session cookie: the server's deadlines decide, closing the browser drops it.
    expect(attributes.some((a) => a.startsWith('expires=') || a.startsWith('max-age='))).toBe(
      false,
    );
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      idleExpiresIn: 30 * 60,
      absoluteExpiresIn: 12 * 3600,
    });
    expect(JSON.stringify(res.body)).not.toContain(cookie?.value);
    const stored: { token_hash: string }[] = await t.dataSource.query(
      `SELECT t.token_hash FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
       WHERE s.user_id = $1`,
      [user.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(cookie?.value);
    const audit = await t.factory.auditRows({ action: 'auth.session_started' });
    expect(JSON.stringify(audit)).not.toContain(cookie?.value);
  });

  it('[REQ-AUTH-002] rotates the refresh token: a new cookie and access token each time, refused without a cookie', async () => {
    const user = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const first = await signIn(user);
    const r1 = await refresh(first.cookie).expect(200);
    const second = refreshCookie(r1);
    expect(second?.value).toBeDefined();
    expect(second?.value).not.toBe(first.cookie);
    expect(r1.body).toMatchObject({ actingRole: 'site_staff', user: { id: user.id } });
    await me(r1.body.accessToken).expect(200);
    const r2 = await refresh(second?.value).expect(200);
    expect(refreshCookie(r2)?.value).not.toBe(second?.value);

    // No body, or an empty object; anything else is bad input.
    await t
      .http()
      .post('/auth/refresh')
      .set(cookieHeader('x'.repeat(43)))
      .send({})
      .expect(401);
    for (const body of ['[1, 2, 3]', '{"extra": 1}']) {
      const bad = await t
        .http()
        .post('/auth/logout')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(bad.status).toBe(400);
    }
    const none = await refresh().expect(401);
    expect(none.body.code).toBe('INVALID_REFRESH');
    const junk = await refresh('x'.repeat(43)).expect(401);
    expect(junk.body.code).toBe('INVALID_REFRESH');
    expect(refreshCookie(junk)?.attributes.join(';').toLowerCase()).toContain(
      'expires=thu, 01 jan 1970',
    );
    const audit = await t.factory.auditRows({ action: 'auth.session_refreshed' });
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it('[REQ-AUTH-002] ends the whole session when a used refresh token is presented again (the newer one fails too), and audits it', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const { cookie: stolen } = await signIn(user);
    const legit = await refresh(stolen).expect(200);
    const newer = refreshCookie(legit)?.value as string;
    const accessOfNewer = legit.body.accessToken as string;
    await me(accessOfNewer).expect(200);

    const replay = await refresh(stolen).expect(401);
    expect(replay.body.code).toBe('REFRESH_REUSED');
    const after = await refresh(newer).expect(401);
    expect(after.body.code).toBe('INVALID_REFRESH');
    // The access tokens of the session end with it.
    expect((await me(accessOfNewer).expect(401)).body.code).toBe('INVALID_TOKEN');
    const [session]: { revoke_reason: string }[] = await t.dataSource.query(
      `SELECT revoke_reason FROM auth_sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(session.revoke_reason).toBe('refresh_reuse');
    const reuse = await t.factory.auditRows({ action: 'auth.refresh_reuse' });
    expect(reuse).toHaveLength(1);
    // A new sign-in works.
    const again = await signIn(user);
    await refresh(again.cookie).expect(200);
  });

  it('lets exactly one of two concurrent refreshes with the same token win (the other is a reuse)', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const { cookie } = await signIn(user);
    const answers = await Promise.all([refresh(cookie), refresh(cookie)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expect(answers.find((a) => a.status === 401)?.body.code).toBe('REFRESH_REUSED');
  });

  it('[REQ-AUTH-002] ends a session unused for SESSION_IDLE_MINUTES; each refresh moves the idle deadline', async () => {
    const clock = t.clock!;
    const user = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    let { cookie } = await signIn(user);
    for (let i = 0; i < 3; i++) {
      clock.advance(29 * MINUTE);
      const r = await refresh(cookie).expect(200);
      expect(r.body.idleExpiresIn).toBe(30 * 60);
      cookie = refreshCookie(r)?.value as string;
    }
    clock.advance(30 * MINUTE);
    const idle = await refresh(cookie).expect(401);
    expect(idle.body.code).toBe('SESSION_EXPIRED');
    // Ended for good, whatever the clock does next.
    clock.advance(-10 * MINUTE);
    expect((await refresh(cookie).expect(401)).body.code).toBe('INVALID_REFRESH');
    clock.advance(10 * MINUTE);
    const [s]: { revoke_reason: string }[] = await t.dataSource.query(
      `SELECT revoke_reason FROM auth_sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(s.revoke_reason).toBe('idle');
  });

  it('[REQ-AUTH-002] ends a session SESSION_ABSOLUTE_HOURS after sign-in however active, the idle deadline capped by it', async () => {
    const clock = t.clock!;
    const user = await t.factory.user('statistician', { trialWide: true });
    let { cookie } = await signIn(user);
    let last: Response | undefined;
    // 28 refreshes 25 minutes apart: 11 h 40 min after sign-in.
    for (let i = 0; i < 28; i++) {
      clock.advance(25 * MINUTE);
      last = await refresh(cookie).expect(200);
      cookie = refreshCookie(last)?.value as string;
    }
    expect(last?.body).toMatchObject({ absoluteExpiresIn: 20 * 60, idleExpiresIn: 20 * 60 });
    clock.advance(20 * MINUTE);
    const ended = await refresh(cookie).expect(401);
    expect(ended.body.code).toBe('SESSION_EXPIRED');
    const [s]: { revoke_reason: string }[] = await t.dataSource.query(
      `SELECT revoke_reason FROM auth_sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(s.revoke_reason).toBe('absolute');
    // A day after its absolute limit the session is deleted, tokens and all, at the next sign-in.
    clock.advance(24 * 60 * MINUTE + 1000);
    await signIn(await t.factory.user('monitor', { trialWide: true }));
    const left: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM auth_sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(left).toHaveLength(0);
    expect((await refresh(cookie).expect(401)).body.code).toBe('INVALID_REFRESH');
  });

  it('[REQ-AUTH-002] signs out one session (cookie cleared, its refresh and access tokens dead), leaving the others', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const a = await signIn(user);
    const b = await signIn(user);
    const out = await t
      .http()
      .post('/auth/logout')
      .set(cookieHeader(a.cookie))
      .set('Authorization', `Bearer ${a.body.accessToken}`)
      .expect(200);
    expect(out.body).toEqual({ sessionsEnded: 1 });
    expect(refreshCookie(out)?.attributes.join(';').toLowerCase()).toContain(
      'expires=thu, 01 jan 1970',
    );
    expect((await refresh(a.cookie).expect(401)).body.code).toBe('INVALID_REFRESH');
    await me(a.body.accessToken).expect(401);
    // The other session (another computer) is untouched.
    await me(b.body.accessToken).expect(200);
    await refresh(b.cookie).expect(200);
    // Signing out with the access token alone (no cookie) ends its session too; twice is harmless.
    const c = await signIn(user);
    await t
      .http()
      .post('/auth/logout')
      .set('Authorization', `Bearer ${c.body.accessToken}`)
      .expect(200, { sessionsEnded: 1 });
    await refresh(c.cookie).expect(401);
    await t.http().post('/auth/logout').expect(200, { sessionsEnded: 0 });
    expect(await t.factory.auditRows({ action: 'auth.logout' })).toHaveLength(2);
  });

  it('[REQ-AUTH-002] signs out everywhere: every session and every access token of the account ends', async () => {
    const user = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    const a = await signIn(user);
    const b = await signIn(user);
    const out = await t
      .http()
      .post('/auth/logout-everywhere')
      .set('Authorization', `Bearer ${b.body.accessToken}`)
      .expect(200);
    expect(out.body).toEqual({ sessionsEnded: 2 });
    for (const s of [a, b]) {
      await refresh(s.cookie).expect(401);
      await me(s.body.accessToken).expect(401);
    }
    // Tokens not tied to a session (the token version) end too.
    await me(user.token).expect(401);
    await t.http().post('/auth/logout-everywhere').expect(401);
    const rows = await t.factory.auditRows({ action: 'auth.logout_everywhere', entityId: user.id });
    expect(rows).toHaveLength(1);
    const c = await signIn(user);
    await me(c.body.accessToken).expect(200);
  });

  it('keeps the session across a role switch: no new cookie, and a refresh acts in the new role', async () => {
    const user = await t.factory.user(['coordinator', 'investigator'], { sites: ['NL-AMS'] });
    const { body, cookie } = await signIn(user, 'coordinator');
    const switched = await t
      .http()
      .post('/auth/role')
      .set('Authorization', `Bearer ${body.accessToken}`)
      .send({ role: 'investigator' })
      .expect(200);
    expect(switched.body.actingRole).toBe('investigator');
    expect(refreshCookie(switched)).toBeUndefined();
    expect(switched.body.idleExpiresIn).toBeGreaterThan(0);
    const r = await refresh(cookie).expect(200);
    expect(r.body.actingRole).toBe('investigator');
    const who = await me(r.body.accessToken).expect(200);
    expect(who.body.id).toBe(user.id);
    const sessions: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM auth_sessions WHERE user_id = $1`,
      [user.id],
    );
    expect(sessions).toHaveLength(1);
  });

  it('starts a session (and sets the cookie) when a token without one switches role', async () => {
    const user = await t.factory.user(['coordinator', 'investigator'], { sites: ['NL-AMS'] });
    const switched = await t
      .http()
      .post('/auth/role')
      .set(bearer(user))
      .send({ role: 'investigator' })
      .expect(200);
    const cookie = refreshCookie(switched);
    expect(cookie?.value).toBeDefined();
    const r = await refresh(cookie?.value).expect(200);
    expect(r.body.actingRole).toBe('investigator');
  });

  it('refuses the refresh of a deactivated account or one whose roles changed since sign-in', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const gone = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const changed = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const g = await signIn(gone);
    const c = await signIn(changed);
    await t
      .http()
      .post(`/users/${gone.id}/deactivate`)
      .set(bearer(admin))
      .send({ reason: 'left the team' })
      .expect(200);
    await t
      .http()
      .patch(`/users/${changed.id}`)
      .set(bearer(admin))
      .send({ roles: ['site_staff'], reason: 'new task' })
      .expect(200);
    expect((await refresh(g.cookie).expect(401)).body.code).toBe('INVALID_REFRESH');
    expect((await refresh(c.cookie).expect(401)).body.code).toBe('INVALID_REFRESH');
  });
});
