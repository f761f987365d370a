import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD } from '../harness/factory';

describe('accounts and access (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => t.close());

  it('signs in with e-mail and password and returns a token that works', async () => {
    const user = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const login = await t
      .http()
      .post('/auth/login')
      .send({ email: user.email.toUpperCase(), password: TEST_PASSWORD })
      .expect(200);
    expect(login.body.accessToken).toEqual(expect.any(String));
    expect(login.body.user).toMatchObject({ id: user.id, roles: ['coordinator'] });
    expect(login.body.user.passwordHash).toBeUndefined();
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    expect(me.body.id).toBe(user.id);
    const audit = await t.factory.auditRows({ action: 'auth.login', entityId: user.id });
    expect(audit).toHaveLength(1);
  });

  it('[REQ-AUTH-001] answers an unknown user and a wrong password with the same 401, and audits both', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const unknown = await t
      .http()
      .post('/auth/login')
      .send({ email: 'nobody@test.local', password: 'whatever-password' })
      .expect(401);
    const wrong = await t
      .http()
      .post('/auth/login')
      .send({ email: user.email, password: 'not the password' })
      .expect(401);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    expect({ ...wrong.body, requestId: undefined }).toEqual({
      ...unknown.body,
      requestId: undefined,
    });
    const failed = await t.factory.auditRows({ action: 'auth.login_failed' });
    expect(failed.length).toBeGreaterThanOrEqual(2);
  });

  it('[REQ-ACC-001] refuses a request without a token (401) and with a wrong role (403)', async () => {
    const none = await t.http().get('/users').expect(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const forbidden = await t.http().get('/users').set(bearer(coordinator)).expect(403);
    expect(forbidden.body).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('admin'),
    });
  });

  it('[REQ-AUTH-005] refuses tampered, foreign and expired tokens', async () => {
    const user = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const [h, p, s] = user.token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: user.id, tv: 0, exp: 9999999999 })).toString('base64url')}.${s}`;
    await t.http().get('/auth/me').set('Authorization', `Bearer ${tampered}`).expect(401);
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    await t.http().get('/auth/me').set('Authorization', `Bearer ${unsigned}`).expect(401);
    const jwt = (await import('jsonwebtoken')).default;
    const expired = jwt.sign({ sub: user.id, tv: 0 }, t.config.JWT_SECRET, { expiresIn: -10 });
    const res = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${expired}`)
      .expect(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it("[REQ-ACC-002] answers another site's record with 404, its own with 200", async () => {
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const own = await t.factory.site('NL-AMS');
    const other = await t.factory.site('NO-BER');
    const mine = await t.http().get(`/sites/${own}/staff`).set(bearer(coordinator)).expect(200);
    expect(mine.body.map((u: { id: string }) => u.id)).toContain(coordinator.id);
    const theirs = await t.http().get(`/sites/${other}/staff`).set(bearer(coordinator)).expect(404);
    expect(theirs.body.code).toBe('SITE_NOT_FOUND');
    const monitor = await t.factory.user('monitor', { trialWide: true });
    await t.http().get(`/sites/${other}/staff`).set(bearer(monitor)).expect(200);
  });

  it('lets an admin create a user who can then sign in; deactivation stops their token', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const site = await t.factory.site('SE-UPP');
    const created = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email: 'new.coordinator@test.local',
        displayName: 'New Coordinator',
        password: 'a long enough passphrase',
        roles: ['coordinator'],
        siteIds: [site],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      email: 'new.coordinator@test.local',
      roles: ['coordinator'],
      siteIds: [site],
      active: true,
    });
    const login = await t
      .http()
      .post('/auth/login')
      .send({ email: 'new.coordinator@test.local', password: 'a long enough passphrase' })
      .expect(200);
    const token = login.body.accessToken as string;
    await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);

    await t
      .http()
      .post(`/users/${created.body.id}/deactivate`)
      .set(bearer(admin))
      .send({ reason: 'left the study team' })
      .expect(200);
    const after = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(401);
    expect(after.body.code).toBe('INVALID_TOKEN');
    await t
      .http()
      .post('/auth/login')
      .send({ email: 'new.coordinator@test.local', password: 'a long enough passphrase' })
      .expect(401);

    const rows = await t.factory.auditRows({ entityId: created.body.id });
    expect(rows.map((r) => r.action)).toEqual([
      'user.created',
      'auth.login',
      'user.deactivated',
      'auth.login_failed',
    ]);
    expect(JSON.stringify(rows)).not.toContain('a long enough passphrase');
  });

  it('[REQ-AUTH-004] enforces the password policy and a unique e-mail', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const site = await t.factory.site('DK-CPH');
    const base = { displayName: 'X', roles: ['site_staff'], siteIds: [site] };
    const weak = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({ ...base, email: 'weak@test.local', password: 'short' })
      .expect(400);
    expect(weak.body.code).toBe('PASSWORD_POLICY');
    await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({ ...base, email: 'dup@test.local', password: 'a long enough passphrase' })
      .expect(201);
    const dup = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({ ...base, email: 'DUP@test.local', password: 'a long enough passphrase' })
      .expect(409);
    expect(dup.body.code).toBe('USER_EMAIL_TAKEN');
  });

  it('[REQ-AUTH-001] throttles repeated sign-in attempts for one account', async () => {
    const user = await t.factory.user('statistician', { trialWide: true });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: 'wrong password!' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another account from the same address is not locked out by it.
    const other = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/auth/login')
      .send({ email: other.email, password: TEST_PASSWORD })
      .expect(200);
  });

  it('sends security headers and no CORS grant by default', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.http().get('/no/such/route').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('keeps the Bull dashboard for admins', async () => {
    await t.http().get('/admin/queues').expect(401);
    const monitor = await t.factory.user('monitor', { trialWide: true });
    await t.http().get('/admin/queues').set(bearer(monitor)).expect(403);
    const admin = await t.factory.user('admin', { trialWide: true });
    await t.http().get('/admin/queues').set(bearer(admin)).expect(200);
  });

  it("opens the Bull dashboard in an admin's browser with a cookie pass for its path only", async () => {
    const monitor = await t.factory.user('monitor', { trialWide: true });
    await t.http().post('/auth/queue-dashboard').set(bearer(monitor)).send({}).expect(403);
    const admin = await t.factory.user('admin', { trialWide: true });
    const opened = await t
      .http()
      .post('/auth/queue-dashboard')
      .set(bearer(admin))
      .send({})
      .expect(200);
    expect(opened.body.path).toBe('/admin/queues');
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toMatch(/^ram_ms_queues=[^;]+;/);
    expect(setCookie).toMatch(/Path=\/admin\/queues/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0];
    const pass = cookie.split('=')[1];
    const page = await t.http().get('/admin/queues').set('Cookie', cookie).expect(200);
    expect(page.text).toContain('<html');
    const api = await t.http().get('/admin/queues/api/queues').set('Cookie', cookie).expect(200);
    expect(api.body.queues.length).toBeGreaterThan(0);
    // The pass is no API token, an API token is no pass, and a forged pass opens nothing.
    await t.http().get('/auth/me').set('Authorization', `Bearer ${pass}`).expect(401);
    await t.http().get('/admin/queues').set('Cookie', `ram_ms_queues=${admin.token}`).expect(401);
    await t.http().get('/admin/queues').set('Cookie', `ram_ms_queues=${pass}x`).expect(401);
    // It ends when the account stops being an active admin.
    await t.dataSource.query(`UPDATE users SET active = false WHERE id = $1`, [admin.id]);
    await t.http().get('/admin/queues').set('Cookie', cookie).expect(401);
  });
});
