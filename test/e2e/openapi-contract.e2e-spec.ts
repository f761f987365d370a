import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';

type Response = { description?: string; content?: Record<string, { schema?: unknown }> };
type Operation = {
  summary?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, Response>;
  'x-public'?: boolean;
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const ERROR_REF = '#/components/schemas/ErrorResponseDto';

/** The keys of the one error body, exactly. */
const ERROR_KEYS = ['code', 'errors', 'message', 'requestId', 'statusCode'];
const FIELD_ERROR_KEYS = ['code', 'message', 'params', 'path'];

describe('the OpenAPI contract and the one error shape (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ worker: false });
  });
  afterAll(() => t.close());

  it('documents every operation with a success schema, a summary and its 4xx, each 4xx/5xx the one error body', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.components.schemas.ErrorResponseDto).toBeDefined();
    const wrong: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) {
          continue;
        }
        operations++;
        const at = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        const success = statuses.filter((s) => /^2\d\d$/.test(s));
        const typed = success.some(
          (s) =>
            s === '204' ||
            Object.values(op.responses[s].content ?? {}).some((c) => c.schema !== undefined),
        );
        if (!typed) {
          wrong.push(`${at}: no success schema`);
        }
        if (!op.summary?.trim()) {
          wrong.push(`${at}: no summary`);
        }
        const needed = new Set<string>();
        if (!op['x-public']) {
          needed.add('401').add('403');
        }
        if ((op.parameters ?? []).length > 0 || op.requestBody) {
          needed.add('400');
        }
        if ((op.parameters ?? []).some((p) => p.in === 'path' && /^id$|Id$/.test(p.name))) {
          needed.add('404');
        }
        for (const status of needed) {
          if (!statuses.includes(status)) {
            wrong.push(`${at}: no ${status}`);
          }
        }
        for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
          const refs = Object.values(op.responses[status].content ?? {}).map(
            (c) => (c.schema as { $ref?: string } | undefined)?.$ref,
          );
          if (refs.length === 0 || refs.some((r) => r !== ERROR_REF)) {
            wrong.push(`${at}: ${status} is not the one error body`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(operations).toBeGreaterThan(100);
  });

  /** The body has exactly the one shape, and its requestId is the answer's X-Request-Id. */
  const oneShape = (res: {
    status: number;
    headers: Record<string, string>;
    body: Record<string, unknown>;
  }) => {
    expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
    expect(res.body.statusCode).toBe(res.status);
    expect(res.body.code).toEqual(expect.any(String));
    expect(res.body.message).toEqual(expect.any(String));
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    const errors = res.body.errors as Record<string, unknown>[];
    expect(Array.isArray(errors)).toBe(true);
    for (const e of errors) {
      expect(Object.keys(e).sort()).toEqual(FIELD_ERROR_KEYS);
      expect(typeof e.path).toBe('string');
      expect(typeof e.code).toBe('string');
      expect(typeof e.message).toBe('string');
      expect(typeof e.params).toBe('object');
    }
    return errors;
  };

  it('answers validation 400, 401, 403, 404 and 409 with exactly the one error body', async () => {
    const admin = await t.factory.user('admin', { trialWide: true });
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });

    // 400: each field error with its constraint code and params.
    const invalid = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .set('X-Request-Id', 'contract-400')
      .send({ email: 'not-an-email', displayName: 'x'.repeat(500), roles: ['wizard'], extra: 1 })
      .expect(400);
    const fields = oneShape(invalid);
    expect(invalid.body).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'contract-400' });
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'email', code: 'isEmail' }),
        expect.objectContaining({
          path: 'displayName',
          code: 'maxLength',
          params: { max: expect.any(Number) },
        }),
        expect.objectContaining({ path: 'extra', code: 'whitelistValidation' }),
      ]),
    );

    // 400 on a malformed list item: the nested path.
    const nested = await t
      .http()
      .get('/participants')
      .query({ pageSize: 0 })
      .set(bearer(coordinator))
      .expect(400);
    expect(oneShape(nested)).toEqual([
      expect.objectContaining({ path: 'pageSize', code: 'min', params: { min: 1 } }),
    ]);

    // 401: no token; the request id is made up when the caller sends none.
    const anonymous = await t.http().get('/participants').expect(401);
    expect(oneShape(anonymous)).toEqual([]);
    expect(anonymous.body.requestId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));

    // 403: a role the route does not allow.
    const forbidden = await t.http().get('/users').set(bearer(coordinator)).expect(403);
    oneShape(forbidden);

    // 404: a domain "not found" and an unknown route.
    const missing = await t
      .http()
      .get('/users/00000000-0000-4000-8000-000000000000')
      .set(bearer(admin))
      .expect(404);
    expect(oneShape(missing)).toEqual([]);
    expect(missing.body.code).toBe('USER_NOT_FOUND');
    oneShape(await t.http().get('/no-such-route').set(bearer(admin)).expect(404));

    // 409: a domain conflict whose rule travels as an errors[] entry with its params.
    const conflict = await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email: 'contract-409@test.local',
        displayName: 'Contract',
        password: 'a long enough password 1',
        roles: ['blinded_assessor', 'investigator'],
        siteIds: [coordinator.siteIds[0]],
      })
      .expect(409);
    expect(conflict.body.code).toBe('ROLE_COMBINATION_FORBIDDEN');
    expect(oneShape(conflict)).toEqual([
      expect.objectContaining({
        path: 'roles',
        code: 'BLINDED_WITH_ARM_ROLE',
        params: { roles: ['blinded_assessor', 'investigator'] },
      }),
    ]);
  });
});
