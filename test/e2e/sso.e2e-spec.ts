import { createHash } from 'node:crypto';
import { authenticator } from 'otplib';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, TestUser } from '../harness/factory';
import { ProviderBrowser, startTestProvider, TestProvider } from '../harness/oidc';
import { assessedParticipant, PATHWAY_NOW } from '../harness/pathway';
import { freePort } from '../harness/processes';

const MEANING = 'I confirm this eligibility decision';

/** The provider's accounts; the e-mails match accounts of the app in any letter case. */
const ACCOUNTS = [
  { id: 'sub-coordinator', email: 'Sso.Coordinator@Hospital.test', email_verified: true },
  { id: 'sub-investigator', email: 'sso.investigator@hospital.test', email_verified: true },
  { id: 'sub-stranger', email: 'nobody@hospital.test', email_verified: true },
  { id: 'sub-unverified', email: 'unverified@hospital.test', email_verified: false },
  { id: 'sub-linked', email: 'linked@hospital.test', email_verified: true },
  { id: 'sub-created', email: 'created.by.admin@hospital.test', email_verified: true },
  { id: 'sub-second-factor', email: 'two.factors@hospital.test', email_verified: true },
  // Another identity at the provider with the linked account's e-mail (a reassigned address).
  { id: 'sub-impostor', email: 'linked@hospital.test', email_verified: true },
];

type Signed = { status: number; body: Record<string, unknown> };

describe('single sign-on with OpenID Connect against a real provider (e2e)', () => {
  let provider: TestProvider;
  let t: TestApp;
  let browser: ProviderBrowser;
  let coordinator: TestUser;
  let ssoInvestigator: TestUser;
  let siteCoordinator: TestUser;

  beforeAll(async () => {
    provider = await startTestProvider(ACCOUNTS);
    t = await createTestApp({
      worker: false,
      now: PATHWAY_NOW,
      env: { ...provider.env, LOGIN_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    coordinator = await t.factory.user(['coordinator', 'investigator'], {
      sites: ['NL-AMS'],
      email: 'sso.coordinator@hospital.test',
    });
    // No password here: signs in through the hospital only.
    ssoInvestigator = await t.factory.user('investigator', {
      sites: ['NL-AMS'],
      email: 'SSO.Investigator@hospital.test',
      ssoOnly: true,
    });
    siteCoordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    await t.factory.user('monitor', { trialWide: true, email: 'unverified@hospital.test' });
    await t.factory.user('monitor', { trialWide: true, email: 'linked@hospital.test' });
  });
  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });
  beforeEach(() => {
    browser = new ProviderBrowser(provider.redirectUrl);
  });

  /** POST /auth/sso/start: the authorization URL and the state cookie for this browser. */
  async function start(role?: string): Promise<{ url: URL; cookie: string }> {
    const res = await t
      .http()
      .post('/auth/sso/start')
      .send(role ? { role } : {})
      .expect(200);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const cookie = setCookie.find((c) => c.startsWith('ram_ms_sso_state='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/auth\/sso/);
    return { url: new URL(res.body.authorizationUrl as string), cookie: cookie!.split(';')[0] };
  }

  const callback = (body: Record<string, unknown>, cookie?: string) => {
    const req = t.http().post('/auth/sso/callback');
    if (cookie) {
      req.set('Cookie', cookie);
    }
    return req.send(body);
  };

  /** A whole sign-in through the provider as `login`; the API's answer. */
  async function signIn(login: string, role?: string) {
    const { url, cookie } = await start(role);
    const answer = await browser.authorize(url.toString(), login);
    const { askedToLogIn: _a, ...body } = answer;
    return callback(body, cookie);
  }

  const auditAfter = async (action: string, entityId?: string) =>
    (
      (await t.dataSource.query(
        `SELECT entity_id AS "entityId", after FROM audit_log
         WHERE action = $1 AND ($2::text IS NULL OR entity_id = $2) ORDER BY seq`,
        [action, entityId ?? null],
      )) as { entityId: string | null; after: Record<string, unknown> }[]
    ).map((r) => r.after);

  it('says whether single sign-on is on, without secrets', async () => {
    const res = await t.http().get('/auth/sso/config').expect(200);
    expect(res.body).toEqual({ enabled: true });
  });

  it('signs in through the provider (code flow, PKCE, nonce) as the account with that e-mail, in the chosen role', async () => {
    const { url, cookie } = await start('investigator');
    expect(url.origin).toBe(provider.issuer);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(provider.clientId);
    expect(q.get('redirect_uri')).toBe(provider.redirectUrl);
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('prompt')).toBeNull();
    const state = q.get('state')!;
    // Only the state's hash is kept; nothing secret of the request is stored.
    const kept = await t.dataSource.query(`SELECT * FROM sso_states`);
    expect(JSON.stringify(kept)).not.toContain(state);
    expect(kept.map((r: { state_hash: string }) => r.state_hash)).toContain(
      createHash('sha256').update(state).digest('hex'),
    );

    const answer = await browser.authorize(url.toString(), 'sub-coordinator');
    expect(answer.askedToLogIn).toBe(true);
    expect(answer.state).toBe(state);
    const res = await callback({ code: answer.code, state: answer.state, iss: answer.iss }, cookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      actingRole: 'investigator',
      user: { id: coordinator.id, roles: ['coordinator', 'investigator'] },
    });
    expect(res.headers['set-cookie']?.[0]).toMatch(/^ram_ms_sso_state=;/);
    const me = await t
      .http()
      .get('/auth/me')
      .set('Authorization', `Bearer ${res.body.accessToken}`)
      .expect(200);
    expect(me.body.id).toBe(coordinator.id);

    expect(await auditAfter('auth.login', coordinator.id)).toEqual([
      { actingRole: 'investigator', method: 'sso', firstLink: true },
    ]);
    const [link] = await t.dataSource.query(`SELECT * FROM user_sso_links WHERE user_id = $1`, [
      coordinator.id,
    ]);
    expect(link).toMatchObject({ issuer: provider.issuer, subject: 'sub-coordinator' });

    // Again with the provider's session still open: no login form, the least privileged role.
    const again = await start();
    const silent = await browser.authorize(again.url.toString());
    expect(silent.askedToLogIn).toBe(false);
    const second = await callback(
      { code: silent.code, state: silent.state, iss: silent.iss },
      again.cookie,
    );
    expect(second.status).toBe(200);
    expect(second.body.actingRole).toBe('coordinator');
  });

  it('refuses a replayed answer: the state and the code are used once', async () => {
    const { url, cookie } = await start();
    const { askedToLogIn: _a, ...answer } = await browser.authorize(
      url.toString(),
      'sub-coordinator',
    );
    await callback(answer, cookie).expect(200);
    const replay = await callback(answer, cookie).expect(400);
    expect(replay.body).toMatchObject({
      code: 'SSO_STATE_INVALID',
      errors: [expect.objectContaining({ path: 'state' })],
    });
  });

  it('refuses a tampered state, or one from another browser, and the genuine answer still works', async () => {
    const { url, cookie } = await start();
    const { askedToLogIn: _a, ...answer } = await browser.authorize(
      url.toString(),
      'sub-coordinator',
    );
    const tampered = `${answer.state.slice(0, -2)}AA`;
    // Not the state this browser started.
    const other = await callback({ ...answer, state: tampered }, cookie).expect(400);
    expect(other.body.code).toBe('SSO_STATE_INVALID');
    // No cookie at all (the answer was carried to another browser).
    expect((await callback(answer).expect(400)).body.code).toBe('SSO_STATE_INVALID');
    // Cookie and state tampered alike: a state this server never issued.
    const forged = await callback(
      { ...answer, state: tampered },
      `ram_ms_sso_state=${tampered}`,
    ).expect(400);
    expect(forged.body.code).toBe('SSO_STATE_INVALID');
    // A valid state with another request's code: the provider refuses it (PKCE and nonce differ).
    const second = await start();
    const { askedToLogIn: _b, ...secondAnswer } = await browser.authorize(second.url.toString());
    const swapped = await callback({ ...secondAnswer, code: answer.code }, second.cookie);
    expect(swapped.status).toBe(401);
    expect(swapped.body.code).toBe('SSO_CODE_REJECTED');
    // The genuine answer was not used up by the refusals.
    const ok = await callback(answer, cookie).expect(200);
    expect(ok.body.user.id).toBe(coordinator.id);
    const failures = await auditAfter('auth.sso_failed');
    expect(failures).toEqual(
      expect.arrayContaining([
        { flow: 'sign_in', outcome: 'state_not_this_browser' },
        { flow: 'sign_in', outcome: 'state_invalid' },
        { flow: 'sign_in', outcome: 'sso_code_rejected' },
      ]),
    );
  });

  it('refuses an identity whose e-mail matches no account, and audits it without the e-mail', async () => {
    const res = await signIn('sub-stranger');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SSO_NO_ACCOUNT');
    expect(res.body.accessToken).toBeUndefined();
    expect(await auditAfter('auth.sso_failed')).toContainEqual({
      flow: 'sign_in',
      outcome: 'no_account',
    });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE after::text ILIKE '%hospital.test%' OR before::text ILIKE '%hospital.test%'`,
    );
    expect(n).toBe(0);
  });

  it('refuses an unverified e-mail and a deactivated account', async () => {
    const unverified = await signIn('sub-unverified');
    expect(unverified.status).toBe(403);
    expect(unverified.body.code).toBe('SSO_EMAIL_UNVERIFIED');

    browser.clear();
    await t.dataSource.query(`UPDATE users SET active = false WHERE id = $1`, [coordinator.id]);
    try {
      const inactive = await signIn('sub-coordinator');
      expect(inactive.status).toBe(403);
      expect(inactive.body.code).toBe('SSO_NO_ACCOUNT');
      expect(await auditAfter('auth.sso_failed', coordinator.id)).toContainEqual({
        flow: 'sign_in',
        outcome: 'inactive',
      });
    } finally {
      await t.dataSource.query(`UPDATE users SET active = true WHERE id = $1`, [coordinator.id]);
    }
  });

  it('refuses another provider identity with the e-mail of an account linked before', async () => {
    const first = await signIn('sub-linked');
    expect(first.status).toBe(200);
    browser.clear();
    const impostor = await signIn('sub-impostor');
    expect(impostor.status).toBe(403);
    expect(impostor.body.code).toBe('SSO_SUBJECT_MISMATCH');
  });

  it('refuses a role the account may not act in', async () => {
    const res = await signIn('sub-coordinator', 'admin');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
  });

  describe("[REQ-ESIG-003] an SSO user's electronic signature (21 CFR 11.200)", () => {
    let token: string;
    const as = () => ({ Authorization: `Bearer ${token}` });
    const sign = async (body: Record<string, unknown>): Promise<Signed> => {
      const { id, assessmentId } = await assessedParticipant(t, {
        coordinator: siteCoordinator,
        siteId: siteCoordinator.siteIds[0],
      });
      const res = await t
        .http()
        .post(`/participants/${id}/assessments/${assessmentId}/sign`)
        .set(as())
        .send({ ...body, meaning: MEANING });
      return { status: res.status, body: res.body as Record<string, unknown> };
    };
    /** A re-authentication at the provider as `login`; the provider's answer and whether it asked. */
    const reauth = async (purpose: string, login = 'sub-investigator', headers = as()) => {
      const res = await t
        .http()
        .post('/auth/sso/reauth')
        .set(headers)
        .send({ purpose })
        .expect(200);
      const url = new URL(res.body.authorizationUrl as string);
      expect(url.searchParams.get('prompt')).toBe('login');
      expect(url.searchParams.get('max_age')).toBe('0');
      return { url, ...(await browser.authorize(url.toString(), login)) };
    };
    const finish = (answer: { code: string; state: string; iss?: string }, headers = as()) =>
      t
        .http()
        .post('/auth/sso/reauth/callback')
        .set(headers)
        .send({ code: answer.code, state: answer.state, iss: answer.iss });

    beforeEach(async () => {
      const res = await signIn('sub-investigator');
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(ssoInvestigator.id);
      token = res.body.accessToken as string;
    });

    it('is refused without a fresh authentication: no password here, none or a made-up assertion', async () => {
      const options = await t.http().get('/auth/signing-options').set(as()).expect(200);
      expect(options.body).toEqual({
        accountPassword: false,
        signingPassword: false,
        ssoReauthentication: true,
      });
      const withPassword = await sign({ password: TEST_PASSWORD });
      expect(withPassword).toMatchObject({
        status: 401,
        body: { code: 'SIGNATURE_PASSWORD_INVALID' },
      });
      const neither = await sign({});
      expect(neither).toMatchObject({ status: 400, body: { code: 'SIGNATURE_CREDENTIALS' } });
      const both = await sign({ password: 'x', signingAssertion: 'y'.repeat(43) });
      expect(both).toMatchObject({ status: 400, body: { code: 'SIGNATURE_CREDENTIALS' } });
      const madeUp = await sign({ signingAssertion: 'z'.repeat(43) });
      expect(madeUp).toMatchObject({ status: 401, body: { code: 'SIGNING_ASSERTION_INVALID' } });
      expect(await auditAfter('eligibility.signature_failed')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ outcome: 'wrong_password' }),
          expect.objectContaining({ outcome: 'assertion_invalid' }),
        ]),
      );
    });

    it('is accepted once after prompt=login at the provider; the assertion cannot be replayed', async () => {
      // The provider's session is open (the sign-in above), yet prompt=login makes it ask again.
      const answer = await reauth('signature');
      expect(answer.askedToLogIn).toBe(true);
      const done = await finish(answer).expect(200);
      expect(done.body).toMatchObject({ purpose: 'signature', expiresIn: expect.any(Number) });
      const assertion = done.body.signingAssertion as string;
      expect(
        JSON.stringify(await t.dataSource.query(`SELECT * FROM signing_assertions`)),
      ).not.toContain(assertion);

      const signed = await sign({ signingAssertion: assertion });
      expect(signed.status).toBe(200);
      expect(signed.body).toMatchObject({
        signature: { signerId: ssoInvestigator.id, status: 'signed' },
      });
      const [after] = (await auditAfter('eligibility.signed')).slice(-1);
      expect(after).toMatchObject({
        signerId: ssoInvestigator.id,
        signatureMethod: 'sso_reauthentication',
      });
      expect(await auditAfter('auth.sso_reauthenticated', ssoInvestigator.id)).toContainEqual(
        expect.objectContaining({ purpose: 'signature' }),
      );

      const replayed = await sign({ signingAssertion: assertion });
      expect(replayed).toMatchObject({ status: 401, body: { code: 'SIGNING_ASSERTION_INVALID' } });
      // The provider's answer cannot be turned into a second assertion either.
      expect((await finish(answer).expect(400)).body.code).toBe('SSO_STATE_INVALID');
    });

    it('binds the re-authentication to the signed-in user and to the same person at the provider', async () => {
      // Someone else logs in at the provider: no assertion.
      const other = await reauth('signature', 'sub-stranger');
      const refused = await finish(other).expect(403);
      expect(refused.body.code).toBe('SSO_REAUTH_OTHER_USER');
      // Another user of the app cannot finish this user's re-authentication.
      const mine = await reauth('signature');
      const intruder = await finish(mine, bearer(siteCoordinator)).expect(400);
      expect(intruder.body.code).toBe('SSO_STATE_INVALID');
      expect(await auditAfter('auth.sso_failed', siteCoordinator.id)).toEqual([
        { flow: 'reauthentication', outcome: 'state_invalid' },
      ]);
      // ... and did not use it up: the user finishes it.
      await finish(mine).expect(200);
      // Another user cannot use this user's assertion.
      const fresh = await reauth('signature');
      const assertion = (await finish(fresh).expect(200)).body.signingAssertion as string;
      const otherInvestigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
      const { id, assessmentId } = await assessedParticipant(t, {
        coordinator: siteCoordinator,
        siteId: siteCoordinator.siteIds[0],
      });
      const stolen = await t
        .http()
        .post(`/participants/${id}/assessments/${assessmentId}/sign`)
        .set(bearer(otherInvestigator))
        .send({ signingAssertion: assertion, meaning: MEANING })
        .expect(401);
      expect(stolen.body.code).toBe('SIGNING_ASSERTION_INVALID');
      expect(await auditAfter('auth.sso_failed', ssoInvestigator.id)).toContainEqual({
        flow: 'reauthentication',
        outcome: 'other_person',
      });
    });

    it('is accepted with a signing password set after a fresh authentication', async () => {
      const signingPassword = 'my signing passphrase 2026';
      // A signature assertion does not set a signing password (purpose), nor does nothing.
      const forSignature = await finish(await reauth('signature')).expect(200);
      await t
        .http()
        .post('/auth/signing-password')
        .set(as())
        .send({ password: signingPassword, signingAssertion: forSignature.body.signingAssertion })
        .expect(401);
      const noProof = await t
        .http()
        .post('/auth/signing-password')
        .set(as())
        .send({ password: signingPassword })
        .expect(400);
      expect(noProof.body.code).toBe('SIGNING_PASSWORD_PROOF');

      const answer = await reauth('signing_password');
      expect(answer.askedToLogIn).toBe(true);
      const proof = await finish(answer).expect(200);
      expect(proof.body.purpose).toBe('signing_password');
      const weak = await t
        .http()
        .post('/auth/signing-password')
        .set(as())
        .send({ password: 'short', signingAssertion: proof.body.signingAssertion })
        .expect(400);
      expect(weak.body.code).toBe('PASSWORD_POLICY');
      await t
        .http()
        .post('/auth/signing-password')
        .set(as())
        .send({ password: signingPassword, signingAssertion: proof.body.signingAssertion })
        .expect(204);
      const [stored] = await t.dataSource.query(
        `SELECT password_hash FROM user_signing_passwords WHERE user_id = $1`,
        [ssoInvestigator.id],
      );
      expect(stored.password_hash).toMatch(/^\$2[aby]\$/);
      expect(await auditAfter('auth.signing_password_set', ssoInvestigator.id)).toEqual([
        { replaced: false, proof: 'sso' },
      ]);

      const wrong = await sign({ password: 'not my signing passphrase' });
      expect(wrong).toMatchObject({ status: 401, body: { code: 'SIGNATURE_PASSWORD_INVALID' } });
      const signed = await sign({ password: signingPassword });
      expect(signed.status).toBe(200);
      const [after] = (await auditAfter('eligibility.signed')).slice(-1);
      expect(after).toMatchObject({ signatureMethod: 'signing_password' });
      const options = await t.http().get('/auth/signing-options').set(as()).expect(200);
      expect(options.body.signingPassword).toBe(true);
    });
  });

  it('lets an admin create an account without a password, which signs in only through the hospital', async () => {
    const admin = await t.factory.user('admin');
    const created = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email: 'created.by.admin@hospital.test',
        displayName: 'Created Without Password',
        roles: ['site_staff'],
        siteIds: [await t.factory.site('NL-AMS')],
      })
      .expect(201);
    const [{ hash }] = await t.dataSource.query(
      `SELECT password_hash AS hash FROM users WHERE id = $1`,
      [created.body.id],
    );
    expect(hash).toBeNull();
    // No password works for it, not even an empty one.
    for (const password of ['', 'anything at all 123']) {
      const res = await t
        .http()
        .post('/auth/login')
        .send({ email: 'created.by.admin@hospital.test', password });
      expect([400, 401]).toContain(res.status);
    }
    const res = await signIn('sub-created');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: created.body.id });
  });

  it("keeps the account's own second factor after single sign-on: the callback answers its challenge", async () => {
    const user = await t.factory.user('coordinator', {
      sites: ['NL-AMS'],
      email: 'two.factors@hospital.test',
    });
    const clock = t.clock!;
    const codeOf = (secret: string) =>
      authenticator.clone({ epoch: clock.now().getTime() }).generate(secret);
    const started = await t
      .http()
      .post('/auth/second-factor/enrolment')
      .set(bearer(user))
      .expect(201);
    const secret = started.body.secret as string;
    await t
      .http()
      .post('/auth/second-factor/enrolment/confirm')
      .set(bearer(user))
      .send({ code: codeOf(secret) })
      .expect(200);
    clock.advance(30_000); // a code counts once: the next one is of a later time step
    try {
      const res = await signIn('sub-second-factor');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'second_factor_required', challenge: expect.any(String) });
      expect(res.body.accessToken).toBeUndefined();
      const done = await t
        .http()
        .post('/auth/login/second-factor')
        .send({ challenge: res.body.challenge, code: codeOf(secret) })
        .expect(200);
      expect(done.body.user.id).toBe(user.id);
      await t
        .http()
        .get('/auth/me')
        .set('Authorization', `Bearer ${done.body.accessToken}`)
        .expect(200);
    } finally {
      clock.advance(-30_000);
    }
  });

  it('keeps password sign-in and password signatures for accounts with a password', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const { id, assessmentId } = await assessedParticipant(t, {
      coordinator: siteCoordinator,
      siteId: siteCoordinator.siteIds[0],
    });
    await t
      .http()
      .post(`/participants/${id}/assessments/${assessmentId}/sign`)
      .set(bearer(investigator))
      .send({ password: TEST_PASSWORD, meaning: MEANING })
      .expect(200);
    const [after] = (await auditAfter('eligibility.signed')).slice(-1);
    expect(after).toMatchObject({ signatureMethod: 'password' });
    // An account without a password cannot sign in with one.
    const res = await t
      .http()
      .post('/auth/login')
      .send({ email: ssoInvestigator.email, password: TEST_PASSWORD })
      .expect(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('single sign-on switched off, or its provider out of reach (e2e)', () => {
  it('refuses an account without a password when single sign-on is off (PASSWORD_REQUIRED)', async () => {
    const off = await createTestApp({ worker: false });
    try {
      const admin = await off.factory.user('admin');
      const res = await off
        .http()
        .post('/users')
        .set(bearer(admin))
        .send({
          email: 'no.password@hospital.test',
          displayName: 'No Password',
          roles: ['admin'],
        })
        .expect(400);
      expect(res.body.code).toBe('PASSWORD_REQUIRED');
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: 'password', code: 'REQUIRED' }),
      ]);
      const [{ n }] = await off.dataSource.query(
        `SELECT count(*)::int AS n FROM users WHERE email = 'no.password@hospital.test'`,
      );
      expect(n).toBe(0);
    } finally {
      await off.close();
    }
  });

  it('answers 404 SSO_DISABLED when no provider is configured', async () => {
    const t = await createTestApp({ worker: false });
    try {
      expect((await t.http().get('/auth/sso/config').expect(200)).body).toEqual({ enabled: false });
      const res = await t.http().post('/auth/sso/start').send({}).expect(404);
      expect(res.body.code).toBe('SSO_DISABLED');
      const user = await t.factory.user('investigator', { sites: ['NL-AMS'] });
      const options = await t.http().get('/auth/signing-options').set(bearer(user)).expect(200);
      expect(options.body).toEqual({
        accountPassword: true,
        signingPassword: false,
        ssoReauthentication: false,
      });
    } finally {
      await t.close();
    }
  });

  it('answers 503 SSO_PROVIDER_UNAVAILABLE while the provider cannot be reached', async () => {
    const port = await freePort();
    const t = await createTestApp({
      worker: false,
      env: {
        OIDC_ISSUER_URL: `http://127.0.0.1:${port}`,
        OIDC_CLIENT_ID: 'ram-ms-test',
        OIDC_REDIRECT_URL: 'http://app.test/app/sso/callback',
        OIDC_HTTP_TIMEOUT_MS: '2000',
      },
    });
    try {
      const res = await t.http().post('/auth/sso/start').send({}).expect(503);
      expect(res.body.code).toBe('SSO_PROVIDER_UNAVAILABLE');
      // Nothing was started.
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM sso_states`);
      expect(n).toBe(0);
    } finally {
      await t.close();
    }
  });
});
