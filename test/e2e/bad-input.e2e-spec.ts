import fc from 'fast-check';
import { AppModule } from 'src/app.module';
import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';
import { concretePath, OpenApiDoc, resolve, writeOperations, wrongType } from '../harness/openapi';
import { RoleUsers, roleUsers, userForRoute } from '../harness/role-users';
import { collectRoutes } from '../unit/routes';

/**
 * Generated bad input for every write endpoint in the OpenAPI document: malformed JSON, wrong
 * types, unknown fields, missing fields, over-long strings and random JSON. The answer is a 4xx
 * with a message, never a 5xx, and a rejected request changes nothing.
 */
describe('bad input on every write endpoint (e2e)', () => {
  let t: TestApp;
  let users: RoleUsers;
  const routes = collectRoutes(AppModule);
  let doc: OpenApiDoc;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    users = await roleUsers(t, { trialWide: true });
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDoc;
  });
  afterAll(() => t.close());

  const snapshot = async () => {
    const rows: { n: number }[] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM audit_log WHERE action <> 'auth.login_failed') + (SELECT count(*) FROM outbox) AS n`,
    );
    return Number(rows[0].n);
  };

  const send = (method: string, path: string, body: unknown, raw = false) => {
    const req = t
      .http()
      [method as 'post'](concretePath(path))
      .set(bearer(userForRoute(users, routes, method, path)));
    return raw
      ? req.set('Content-Type', 'application/json').send(body as string)
      : req.send(body as object);
  };

  const expectRejected = (res: { status: number; body: { message?: unknown } }, what: string) => {
    if (res.status >= 500 || res.status < 400) {
      throw new Error(`${what}: answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(typeof res.body.message).toBe('string');
  };

  it('covers the write endpoints', () => {
    expect(writeOperations(doc).length).toBeGreaterThan(8);
  });

  it('[REQ-INPUT-001] rejects malformed JSON, wrong types, unknown and missing fields and over-long strings with 4xx', async () => {
    const before = await snapshot();
    for (const { method, path, body } of writeOperations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      expectRejected(await send(method, path, '{"broken": ', true), `${where} malformed JSON`);
      expectRejected(await send(method, path, '[1, 2, 3]', true), `${where} array body`);
      expectRejected(await send(method, path, '"just a string"', true), `${where} string body`);
      if (!body?.properties) {
        continue;
      }
      expectRejected(await send(method, path, { __unknownField: 1 }), `${where} unknown field`);
      if (body.required?.length) {
        expectRejected(await send(method, path, {}), `${where} missing fields`);
      }
      for (const [name, raw] of Object.entries(body.properties)) {
        const prop = resolve(doc, raw);
        const wrong = await send(method, path, { [name]: wrongType(prop) });
        expectRejected(wrong, `${where} wrong type for ${name}`);
        if (wrong.status === 400) {
          expect(wrong.body.message).toContain(name);
        }
        if (prop?.type === 'string' && prop.maxLength) {
          expectRejected(
            await send(method, path, { [name]: 'x'.repeat(prop.maxLength + 1) }),
            `${where} over-long ${name}`,
          );
        }
      }
    }
    expect(await snapshot()).toBe(before);
  }, 120_000);

  it('[REQ-INPUT-001] never answers 5xx to random JSON bodies, and rejected requests change nothing', async () => {
    // Not signing out everywhere: an empty body would end the test users' tokens for the rest.
    const ops = writeOperations(doc).filter((o) => o.path !== '/auth/logout-everywhere');
    const jsonBody = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: ops.length - 1 }), jsonBody, async (i, body) => {
        const { method, path } = ops[i];
        const before = await snapshot();
        const res = await send(method, path, JSON.stringify(body), true);
        if (res.status >= 500) {
          throw new Error(`${method} ${path} answered ${res.status} to ${JSON.stringify(body)}`);
        }
        if (res.status >= 400) {
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  }, 120_000);
});

/**
 * Hostile JSON is refused before any guard, validation or handler, on public routes too: nesting
 * deeper than 32 levels, prototype-reaching keys at any depth, lone UTF-16 surrogates; truncated
 * JSON is MALFORMED_JSON. Nothing is stored.
 */
describe('[REQ-INPUT-002] hostile JSON bodies (e2e)', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['factory']['user']>>;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    admin = await t.factory.user('admin', { trialWide: true });
  });
  afterAll(() => t.close());

  const stored = async () => {
    const rows: { n: number }[] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM outbox)
            + (SELECT count(*) FROM sites) AS n`,
    );
    return Number(rows[0].n);
  };
  const site = (extra: string) =>
    `{"code":"HOS","countryCode":"NL","name":"Hostile hospital","timeZone":"Europe/Amsterdam","roles":["screening"]${extra}}`;
  const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
  const routes: [string, Record<string, string>][] = [
    ['/sites', {}],
    ['/auth/login', {}],
    ['/public/prescreening/check', {}],
  ];
  const post = (path: string, raw: string, auth = true) => {
    const req = t.http().post(path).set('Content-Type', 'application/json');
    return (auth && path === '/sites' ? req.set(bearer(admin)) : req).send(raw);
  };
  const expectError = (
    res: { status: number; body: Record<string, unknown> },
    code: string,
    errorCode?: string,
  ) => {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      code,
      message: expect.any(String),
      errors: errorCode
        ? [
            {
              path: expect.any(String),
              code: errorCode,
              message: expect.any(String),
              params: expect.any(Object),
            },
          ]
        : [],
      requestId: expect.any(String),
    });
  };

  it('refuses nesting deeper than 32 levels (32 reaches validation)', async () => {
    const before = await stored();
    for (const [path] of routes) {
      expectError(await post(path, nested(33)), 'HOSTILE_JSON', 'TOO_DEEP');
      expectError(await post(path, `{"x":${nested(32)}}`), 'HOSTILE_JSON', 'TOO_DEEP');
      const ok = await post(path, nested(32));
      expect(ok.body.code).not.toBe('HOSTILE_JSON');
    }
    const inSite = await post('/sites', site(`,"extra":${nested(31)}`));
    expect(inSite.status).toBe(400);
    expect(inSite.body.code).toBe('VALIDATION_FAILED');
    expect(await stored()).toBe(before);
  });

  it('refuses __proto__, constructor and prototype keys at any depth', async () => {
    const before = await stored();
    for (const [path] of routes) {
      for (const raw of [
        '{"constructor":{"prototype":{}}}',
        '{"__proto__":{"admin":true}}',
        '{"\\u005f_proto__":{"admin":true}}',
        '{"a":[{"b":{"prototype":1}}]}',
        site(',"__proto__":{"admin":true}'),
      ]) {
        const res = await post(path, raw);
        expectError(res, 'HOSTILE_JSON', 'FORBIDDEN_KEY');
      }
    }
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
    expect(await stored()).toBe(before);
  });

  it('refuses lone UTF-16 surrogates in values and keys', async () => {
    const before = await stored();
    for (const [path] of routes) {
      for (const raw of [
        site('').replace('Hostile hospital', 'Hostile \\ud800 hospital'),
        site('').replace('Hostile hospital', 'Hostile \\udfff'),
        '{"\\udc00":1}',
        '{"a":["ok","\\ud83d"]}',
      ]) {
        expectError(await post(path, raw), 'HOSTILE_JSON', 'INVALID_CHARACTERS');
      }
    }
    // A surrogate pair (an emoji) is a character and passes.
    const pair = await post(
      '/sites',
      site('').replace('Hostile hospital', 'Hostile \\ud83d\\ude00'),
    );
    expect(pair.status).toBe(201);
    expect(await stored()).toBeGreaterThan(before);
  });

  it('refuses prototype keys in query strings, on signed-in and public routes', async () => {
    for (const url of [
      '/sites?__proto__=x',
      '/sites?constructor=1&page=1',
      '/audit?prototype=a',
      '/public/prescreening/sites?__proto__=1',
    ]) {
      const res = await t.http().get(url).set(bearer(admin));
      expectError(res, 'HOSTILE_QUERY', 'FORBIDDEN_KEY');
    }
    await t.http().get('/audit?page=1').set(bearer(admin)).expect(200);
  });

  it('answers truncated JSON with MALFORMED_JSON', async () => {
    const before = await stored();
    for (const [path] of routes) {
      for (const raw of ['{"broken": ', site('').slice(0, 40), '{'.repeat(500), '{"a":1}{"b":2}']) {
        expectError(await post(path, raw), 'MALFORMED_JSON');
      }
    }
    expect(await stored()).toBe(before);
  });
});
