import * as bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestApp, TestApp } from '../harness/app';
import { createTestDatabase, dropTestDatabase } from '../harness/database';
import { serverUrl } from '../harness/env';
import { bearer, TEST_PASSWORD } from '../harness/factory';
import { bearerOf, consentedParticipantVia, httpAt, login, todayUtc } from '../harness/http';
import { freePort, NodeProcess, spawnNode, waitFor } from '../harness/processes';
import { deleteRedisPrefix, redisUrl } from '../harness/redis';

/** A Dutch BSN (9 digits passing the elfproef) made from a seed. */
function bsn(seed: number): string {
  for (let k = 0; ; k++) {
    const body = String(10_000_000 + ((seed * 7919 + k * 104_729) % 89_999_999)).padStart(8, '0');
    let sum = 0;
    for (let j = 0; j < 8; j++) {
      sum += (9 - j) * Number(body[j]);
    }
    if (sum % 11 <= 9) {
      return `${body}${sum % 11}`;
    }
  }
}

describe('security basics (e2e)', () => {
  let t: TestApp;
  const ALLOWED = ['https://trial.example.org', 'https://admin.example.org'];

  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      env: { CORS_ORIGINS: ALLOWED.join(', '), LOGIN_RATE_LIMIT_PER_MINUTE: '3' },
    });
  });
  afterAll(() => t.close());

  it('sends security headers on answers, errors and unknown routes alike', async () => {
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const answers: [string, { status: number; headers: Record<string, string> }][] = [
      ['GET /health', await t.http().get('/health').expect(200)],
      [
        'GET /participants',
        await t.http().get('/participants').set(bearer(coordinator)).expect(200),
      ],
      ['GET /participants without a token', await t.http().get('/participants').expect(401)],
      [
        'GET /users as coordinator',
        await t.http().get('/users').set(bearer(coordinator)).expect(403),
      ],
      [
        'POST /participants malformed',
        await t
          .http()
          .post('/participants')
          .set(bearer(coordinator))
          .set('Content-Type', 'application/json')
          .send('{"broken":')
          .expect(400),
      ],
      ['GET /no/such/route', await t.http().get('/no/such/route').expect(404)],
    ];
    for (const [request, res] of answers) {
      const where = `${request} → ${res.status}`;
      expect({ where, nosniff: res.headers['x-content-type-options'] }).toEqual({
        where,
        nosniff: 'nosniff',
      });
      expect({ where, hsts: res.headers['strict-transport-security'] }).toEqual({
        where,
        hsts: expect.stringMatching(/max-age=\d+/),
      });
      expect({ where, frame: res.headers['x-frame-options'] }).toEqual({
        where,
        frame: 'SAMEORIGIN',
      });
      expect({ where, csp: res.headers['content-security-policy'] }).toEqual({
        where,
        csp: expect.stringContaining("default-src 'self'"),
      });
      expect({ where, referrer: res.headers['referrer-policy'] }).toEqual({
        where,
        referrer: 'no-referrer',
      });
      expect({ where, poweredBy: res.headers['x-powered-by'] }).toEqual({
        where,
        poweredBy: undefined,
      });
      expect({ where, type: res.headers['content-type'] }).toEqual({
        where,
        type: expect.stringContaining('application/json'),
      });
    }
  });

  it('grants CORS to the configured origins only', async () => {
    for (const origin of ALLOWED) {
      const preflight = await t
        .http()
        .options('/participants')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'PATCH')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const simple = await t.http().get('/health').set('Origin', origin).expect(200);
      expect(simple.headers['access-control-allow-origin']).toBe(origin);
      expect(simple.headers['access-control-expose-headers']).toContain('X-Request-Id');
    }
    for (const origin of [
      'https://evil.example.org',
      'https://trial.example.org.evil.example',
      'null',
      'http://trial.example.org',
    ]) {
      const preflight = await t
        .http()
        .options('/participants')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST');
      expect({ origin, allow: preflight.headers['access-control-allow-origin'] }).toEqual({
        origin,
        allow: undefined,
      });
      const simple = await t.http().get('/health').set('Origin', origin);
      expect({ origin, allow: simple.headers['access-control-allow-origin'] }).toEqual({
        origin,
        allow: undefined,
      });
    }
  });

  it('[REQ-AUTH-001] throttles sign-in per account and address: the right password is refused too once the limit is reached', async () => {
    const user = await t.factory.user('monitor', { trialWide: true });
    const attempt = (password: string) =>
      t.http().post('/auth/login').send({ email: user.email, password });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await attempt(`wrong password ${i}`)).status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await attempt(TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    expect(limited.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    expect(limited.body.accessToken).toBeUndefined();
    // The e-mail's case does not open a new window.
    expect(
      (
        await t
          .http()
          .post('/auth/login')
          .send({ email: user.email.toUpperCase(), password: TEST_PASSWORD })
      ).status,
    ).toBe(429);
    // Another account from the same address still signs in.
    const other = await t.factory.user('monitor', { trialWide: true });
    await t
      .http()
      .post('/auth/login')
      .send({ email: other.email, password: TEST_PASSWORD })
      .expect(200);
  });

  it('[REQ-AUTH-005] refuses expired, tampered, foreign-key, unsigned, malformed and revoked tokens on every kind of route', async () => {
    const user = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const secret = t.config.JWT_SECRET;
    const [header, payload, signature] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const other = await t.factory.user('monitor', { trialWide: true });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const bad: Record<string, string> = {
      expired: jwt.sign({ sub: user.id, tv: 0 }, secret, { expiresIn: -30, algorithm: 'HS256' }),
      'not yet valid': jwt.sign({ sub: user.id, tv: 0 }, secret, {
        notBefore: 3600,
        algorithm: 'HS256',
      }),
      'tampered subject': `${header}.${b64({ ...claims, sub: other.id })}.${signature}`,
      'tampered expiry': `${header}.${b64({ ...claims, exp: 4_102_444_800 })}.${signature}`,
      'another key': jwt.sign(
        { sub: user.id, tv: 0 },
        'another-secret-another-secret-another-secret',
        { algorithm: 'HS256' },
      ),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'HS512 with the right key': jwt.sign({ sub: user.id, tv: 0 }, secret, { algorithm: 'HS512' }),
      'old token version': jwt.sign({ sub: user.id, tv: 7 }, secret, { algorithm: 'HS256' }),
      'unknown user': jwt.sign({ sub: '00000000-0000-4000-8000-000000000000', tv: 0 }, secret, {
        algorithm: 'HS256',
      }),
      garbage: 'not.a.token',
    };
    const routes: [string, string][] = [
      ['get', '/auth/me'],
      ['get', '/participants'],
      ['post', '/users'],
      ['get', '/admin/queues'],
    ];
    const wrong: string[] = [];
    for (const [name, token] of Object.entries(bad)) {
      for (const [method, path] of routes) {
        const res = await t
          .http()
          [method as 'get'](path)
          .set('Authorization', `Bearer ${token}`)
          .send({});
        if (res.status !== 401) {
          wrong.push(`${name} on ${method} ${path}: ${res.status}`);
        }
      }
    }
    for (const header of [
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer`,
      `Bearer  ${user.token} extra`,
      user.token,
    ]) {
      const res = await t.http().get('/auth/me').set('Authorization', header);
      if (res.status !== 401) {
        wrong.push(`header "${header.slice(0, 20)}…": ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    // The real token still works; a deactivation revokes it at once.
    await t.http().get('/auth/me').set(bearer(user)).expect(200);
    await t.dataSource.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [
      user.id,
    ]);
    const revoked = await t.http().get('/auth/me').set(bearer(user)).expect(401);
    expect(revoked.body.code).toBe('INVALID_TOKEN');
  });

  it('[REQ-AUTH-004] enforces the password policy when an account is created', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const site = await t.factory.site('SE-UPP');
    const create = (email: string, password: unknown) =>
      t
        .http()
        .post('/users')
        .set(bearer(admin))
        .send({ email, displayName: 'Policy', password, roles: ['site_staff'], siteIds: [site] });
    const refused: [string, unknown][] = [
      ['eleven char', 'elevenchars'],
      ['empty', ''],
      ['too long', 'x'.repeat(64) + 'y'.repeat(65)],
      ['contains the e-mail', 'my name is jonathan.smith ok'],
      ['one repeated character', 'aaaaaaaaaaaaaaaa'],
      ['not a string', 123456789012],
    ];
    for (const [what, password] of refused) {
      const res = await create('jonathan.smith@test.local', password);
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
      expect(JSON.stringify(res.body)).not.toContain(String(password).slice(0, 12) || '\u0000');
    }
    await create('jonathan.smith@test.local', 'twelve chars').expect(201);
    const [{ password_hash: hash }] = await t.dataSource.query(
      `SELECT password_hash FROM users WHERE email = 'jonathan.smith@test.local'`,
    );
    expect(hash).toMatch(/^\$2[aby]\$/);
    expect(hash).not.toContain('twelve');
  });
});

/**
 * No personal data in the logs: the real start command (API + worker in one process) runs with
 * LOG_LEVEL=info, the test registers participants with names, birth dates, national ids, e-mail
 * addresses, phone numbers and street addresses through it, reads and corrects identities, sends
 * invalid identity data, takes them through the pathway and randomises them (so the worker runs
 * jobs), and takes the public pre-screening route; then none of those values may appear anywhere
 * in what the process wrote.
 */
describe('no personal data in the logs (e2e)', () => {
  let database: string;
  let app: NodeProcess;
  let db: Client;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawnNode('start', 'src/start.ts', {
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: serverUrl(database),
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: redisUrl(),
      QUEUE_PREFIX: `test:${database}`,
      JWT_SECRET: 'log-test-secret-log-test-secret-log-test-0001',
      BCRYPT_ROUNDS: '4',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      OUTBOX_POLL_MS: '200',
    });
    await waitFor(
      'the API to be ready',
      async () => {
        if (app.child.exitCode !== null) {
          throw new Error(`start exited:\n${app.output()}`);
        }
        return fetch(`${base}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      90_000,
      250,
    );
    db = new Client({ connectionString: serverUrl(database) });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await db?.end();
    await dropTestDatabase(database);
    await deleteRedisPrefix(`test:${database}`);
  });

  it('[REQ-PRIV-003] writes request lines but no name, birth date, national id, e-mail, phone or address of anyone', async () => {
    const http = httpAt(base);
    const hash = bcrypt.hashSync(TEST_PASSWORD, 4);
    const {
      rows: [site],
    } = await db.query(`SELECT id FROM sites WHERE country_code = 'NL' AND code = 'AMS'`);
    const staffEmail = (role: string) =>
      `${role}.${randomBytes(3).toString('hex')}@hospital-staff.example`;
    const emails: Record<string, string> = {};
    for (const role of ['coordinator', 'investigator', 'statistician']) {
      emails[role] = staffEmail(role);
      const { rows } = await db.query(
        `INSERT INTO users (email, display_name, password_hash, roles, trial_wide) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [emails[role], `Staff ${role}`, hash, [role], role === 'statistician'],
      );
      if (role !== 'statistician') {
        await db.query(`INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)`, [
          rows[0].id,
          site.id,
        ]);
      }
    }
    const coordinator = await login(http, emails.coordinator);
    const investigator = await login(http, emails.investigator);
    const statistician = await login(http, emails.statistician);
    // A failed sign-in with an e-mail address and a password.
    await http()
      .post('/auth/login')
      .send({ email: emails.coordinator, password: 'Hunter2-not-the-password' })
      .expect(401);
    await http()
      .post('/randomization/config/production/go-live')
      .set(bearerOf(statistician))
      .expect(200);

    const secrets: string[] = [
      emails.coordinator,
      emails.investigator,
      emails.statistician,
      'Hunter2-not-the-password',
      TEST_PASSWORD,
    ];
    const today = todayUtc();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tag = randomBytes(3).toString('hex');
      const identity = {
        givenName: `Ingeborg${tag}`,
        familyName: `Vanderkolk${tag}`,
        birthDate: `198${i}-0${i + 4}-1${i + 3}`,
        nationalId: { type: 'nl_bsn', value: bsn(Number.parseInt(tag, 16)) },
        contact: {
          email: `ingeborg.${tag}@patient-mail.example`,
          phone: `+31 6 ${String(10_000_000 + Number.parseInt(tag, 16)).slice(0, 8)}`,
          address: {
            line1: `Keizersgracht ${tag}`,
            postalCode: `10${i}5 AB`,
            city: `Amsterdam${tag}`,
            country: 'NL',
          },
        },
      };
      secrets.push(
        identity.givenName,
        identity.familyName,
        identity.birthDate,
        identity.nationalId.value,
        identity.contact.email,
        identity.contact.phone,
        identity.contact.address.line1,
        identity.contact.address.city,
      );
      const id = await consentedParticipantVia(
        http,
        { coordinator, investigator, siteId: site.id },
        { today, identity },
      );
      ids.push(id);
      // Read and correct the identity (both audited), and send invalid identity data.
      await http().get(`/participants/${id}/identity`).set(bearerOf(coordinator)).expect(200);
      const corrected = `Corrected${tag}`;
      secrets.push(corrected);
      await http()
        .patch(`/participants/${id}/identity`)
        .set(bearerOf(coordinator))
        .send({ familyName: corrected, reason: 'spelling' })
        .expect(200);
      const invalidBsn = `12345678${i}`;
      secrets.push(`Wrongname${tag}`);
      const refused = await http()
        .post('/participants')
        .set(bearerOf(coordinator))
        .send({
          siteId: site.id,
          identity: {
            givenName: `Wrongname${tag}`,
            familyName: 'X',
            birthDate: '1990-02-30',
            nationalId: { type: 'nl_bsn', value: invalidBsn },
          },
        });
      expect(refused.status).toBe(400);
      // A search by name in the query string (refused: only study ids are searchable).
      await http()
        .get(
          `/participants?q=${encodeURIComponent(identity.familyName)}&name=${encodeURIComponent(identity.givenName)}`,
        )
        .set(bearerOf(coordinator));
      await http()
        .post(`/participants/${id}/randomization`)
        .set(bearerOf(investigator))
        .expect(201);
    }
    // The public pre-screening registration, with a name and contact details.
    const publicTag = randomBytes(3).toString('hex');
    const publicPerson = {
      givenName: `Publicus${publicTag}`,
      familyName: `Registrant${publicTag}`,
      email: `publicus.${publicTag}@patient-mail.example`,
    };
    secrets.push(publicPerson.givenName, publicPerson.familyName, publicPerson.email);
    const answers = {
      birthDate: '1991-07-23',
      msType: 'RRMS',
      currentTreatment: 'interferon_beta',
      currentTreatmentSince: '2024-01-01',
      priorTreatments: [],
      relapseLastYear: 'yes',
      relapseSteroids: 'yes',
      mriActivityLastYear: 'yes',
      pregnantOrBreastfeeding: 'no',
      neurologist: 'yes',
      willingToBeRandomised: 'yes',
      willingToLearnInfectionResults: 'yes',
    };
    secrets.push('1991-07-23');
    const pub = await http()
      .post('/public/prescreening/registrations')
      .send({
        answers,
        siteId: site.id,
        givenName: publicPerson.givenName,
        familyName: publicPerson.familyName,
        contact: { email: publicPerson.email },
        agreeToContact: 'yes',
      });
    expect(pub.status).toBe(201);

    // A calendar subscription: its address holds a secret, which the request log must not keep.
    const feed = await http()
      .post(`/follow-up/sites/${site.id}/calendar-feeds`)
      .set(bearerOf(coordinator))
      .send({})
      .expect(201);
    const feedPath = feed.body.path as string;
    secrets.push(feedPath.split('/')[3]);
    await http().get(feedPath).expect(200);

    // The worker has run the jobs of the randomisations (its log lines are in the same output).
    await waitFor(
      'the schedules',
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM follow_up_schedules WHERE generated_at IS NOT NULL`,
          )
        ).rows[0].n === ids.length,
      30_000,
      200,
    );
    await app.stop();

    const output = app.output();
    // The capture works: request lines of this run are there, as JSON, with the route and status.
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const requests = lines
      .map(
        (l) =>
          JSON.parse(l) as { req?: { method: string; path: string }; res?: { statusCode: number } },
      )
      .filter((l) => l.req);
    expect(
      requests.some(
        (l) =>
          l.req!.method === 'POST' && l.req!.path === '/participants' && l.res?.statusCode === 201,
      ),
    ).toBe(true);
    expect(requests.some((l) => l.req!.path.startsWith(`/participants/${ids[0]}/identity`))).toBe(
      true,
    );
    expect(requests.length).toBeGreaterThan(40);
    expect(requests.some((l) => l.req!.path === '/follow-up/feeds/[secret]/visits.ics')).toBe(true);

    const haystack = output.toLowerCase();
    const found = secrets.filter((s) => haystack.includes(s.toLowerCase()));
    expect(found).toEqual([]);
    // National ids and phone numbers also not as bare digits (spaces and dashes removed).
    const digits = output.replace(/[\s-]/g, '');
    const digitSecrets = secrets
      .filter((s) => /^\+?[\d\s-]{9,}$/.test(s))
      .map((s) => s.replace(/[\s+-]/g, ''));
    expect(digitSecrets.length).toBeGreaterThan(3);
    expect(digitSecrets.filter((d) => digits.includes(d))).toEqual([]);
  }, 180_000);
});
