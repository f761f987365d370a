import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { AppModule } from 'src/app.module';
import { OutboxSignal } from 'src/kernel/outbox/outbox-signal';
import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';
import { databaseFingerprint, fingerprintDiff, installChangeCounter } from '../harness/fingerprint';
import { FIXTURE_DAY, fixturePath, SiteFixture, siteFixture } from '../harness/fixtures';
import { OpenApiDoc, Operation, writeOperations, WriteOperation } from '../harness/openapi';
import {
  bodySchema,
  deletePath,
  invalidValues,
  propertyPaths,
  setPath,
  validValue,
} from '../harness/openapi-values';
import { PATHWAY_NOW } from '../harness/pathway';
import { RoleUsers, roleUsers, userForRoute } from '../harness/role-users';
import { collectRoutes } from '../unit/routes';

/** Requests in all (FUZZ_REQUESTS), spread evenly over the write operations. */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);

/** Odd path-parameter values (already URL-encoded where they need it). */
const ODD_PATH = [
  'abc',
  '1',
  '-1',
  '0',
  '1e999',
  'NaN',
  '9999-12-31',
  '0000-01-01',
  '2026-W49',
  '2027-Q5',
  '%00',
  'a%00b',
  '..%2F..%2Fetc%2Fpasswd',
  '...',
  'x'.repeat(5000),
  '%F0%9F%98%80',
  '%E2%80%AE%C3%A9',
  '%ZZ',
  'null',
  '%27%20OR%201%3D1--',
  '00000000-0000-0000-0000-000000000000',
  '00000000-0000-4000-8000-000000000000',
  '{id}',
  '%20',
];
/**
 * Odd query strings for a parameter name and a real id (raw: repeated keys, brackets and bad
 * escapes as sent).
 */
const ODD_QUERY: ((n: string, id: string) => string)[] = [
  (n, id) => `${n}=${id.toUpperCase()}`,
  (n) => `${n}=`,
  (n) => n,
  (n) => `${n}=a&${n}=b`,
  (n) => `${n}[]=a`,
  (n) => `${n}[x]=1`,
  (n) => `${n}=%00`,
  (n) => `${n}=${'x'.repeat(5000)}`,
  (n) => `${n}=-1`,
  (n) => `${n}=0`,
  (n) => `${n}=NaN`,
  (n) => `${n}=Infinity`,
  (n) => `${n}=1e308`,
  (n) => `${n}=1.5`,
  (n) => `${n}=99999999999999999999`,
  (n) => `${n}=true`,
  (n) => `${n}=9999-12-31`,
  (n) => `${n}=0000-01-01`,
  (n) => `${n}=2026-W49`,
  (n) => `${n}=2026-02-30`,
  (n) => `${n}=2026-Q5`,
  (n) => `${n}=%F0%9F%98%80`,
  (n) => `${n}=%27%20OR%201%3D1--`,
  (n) => `${n}=%ZZ`,
  (n) => `${n}=00000000-0000-0000-0000-000000000000`,
  (n) => `${n}=..%2F..%2Fetc`,
  (n) => `${n}=1&${n}=2&${n}=3`,
];
/** Odd values tried per path parameter and per query parameter (rotating through the lists). */
const PATH_SAMPLE = 14;
const QUERY_SAMPLE = 12;

type DocOperation = Operation & { 'x-roles'?: string[]; 'x-public'?: boolean };

/** Every operation of the document, reads included. */
function allOperations(doc: OpenApiDoc): { method: string; path: string; op: DocOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, op: op as DocOperation })),
  );
}

type Mutation =
  | { kind: 'valid' }
  | { kind: 'set'; target: number; value: number }
  | { kind: 'drop'; target: number }
  | { kind: 'unknown'; name: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; text: string };

const RAW_BODIES = [
  '{"broken": ',
  '[1, 2, 3]',
  '"just a string"',
  'null',
  '0',
  '{"a":1}{"b":2}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
  '\u0000',
  '{'.repeat(500),
];
const BAD_IDS = [
  'abc',
  '1',
  '-1',
  '%20',
  '..%2F..%2Fetc',
  'x'.repeat(300),
  '%F0%9F%98%80',
  'null',
  "'",
  '00000000-0000-4000-8000-000000000000',
  '11111111-1111-1111-1111-111111111111',
];

/**
 * Generated input over every write endpoint of the OpenAPI document (fast-check): a valid body
 * built from the operation's schema, then mutated (a property set to a wrong type or an
 * out-of-range value, a required property dropped, an unknown property added, random JSON,
 * malformed or hostile raw bodies), with path ids that name real records, name nothing, or are
 * not ids at all, each sent by a user acting in a role the route declares. At least 10,000 requests: none may be
 * answered with a 5xx, every refusal is a JSON error with a code and a message, and a refused
 * request leaves the database exactly as it was (fingerprint of every table).
 */
describe('generated input on every write endpoint, from the OpenAPI document (e2e)', () => {
  let t: TestApp;
  let base: string;
  let users: RoleUsers;
  const routes = collectRoutes(AppModule);
  let doc: OpenApiDoc;
  let fixture: SiteFixture;
  let fingerprint: () => Promise<string>;
  let changes: () => Promise<number>;
  let serial = 0;

  beforeAll(async () => {
    // No relay after commits (the fixture's jobs are drained explicitly): accepted requests must
    // not change the database later, in the middle of a refused one.
    t = await createTestApp({
      now: PATHWAY_NOW,
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' },
      overrides: [[OutboxSignal, { kick: () => undefined, onKick: () => undefined }]],
    });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    fixture = await siteFixture(t, 'NL-AMS');
    users = await roleUsers(t, { trialWide: true, sites: ['NL-AMS'] });
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDoc;
    // Refusals that are recorded on purpose: a failed sign-in (also single sign-on), a failed electronic signature
    // (eligibility, casebook sign-off, and the signature lockout's counter), a wrong current password, an unusable
    // password-reset link, a wrong second-factor code, a failed proof for a signing password.
    const ignoreAuditActions = [
      'auth.login_failed',
      'eligibility.signature_failed',
      'verification.casebook_signature_failed',
      'auth.signature_failed',
      'auth.signature_locked',
      'user.password_change_failed',
      'auth.password_reset_failed',
      'auth.second_factor_failed',
      'auth.sso_failed',
      'auth.signing_password_failed',
    ];
    const ignoreTables = ['signature_attempts'];
    changes = await installChangeCounter(t.dataSource, { ignoreAuditActions, ignoreTables });
    fingerprint = await databaseFingerprint(t.dataSource, { ignoreAuditActions, ignoreTables });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => t.close());

  it('has every write route of the controllers in the document', () => {
    const documented = new Set(
      writeOperations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`),
    );
    const routes = collectRoutes(AppModule)
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
    expect(documented.size).toBeGreaterThan(35);
  });

  const ctx = () => ({
    ids: {
      siteId: fixture.site,
      participantId: fixture.participant,
      centreId: fixture.site,
      disclosedTo: users.blinded_assessor.id,
      visitId: fixture.visit,
    },
    date: FIXTURE_DAY,
    next: () => ++serial,
  });

  function bodyOf(op: WriteOperation, m: Mutation): { text: string | null } {
    const schema = bodySchema(doc, op.op);
    if (m.kind === 'raw') {
      return { text: m.text };
    }
    if (m.kind === 'json') {
      return { text: JSON.stringify(m.value) ?? 'null' };
    }
    if (!schema) {
      return { text: m.kind === 'valid' ? null : JSON.stringify({ unexpected: true }) };
    }
    const body = validValue(doc, schema, ctx()) as Record<string, unknown>;
    const props = propertyPaths(doc, schema);
    if (m.kind === 'set' && props.length) {
      const target = props[m.target % props.length];
      const values = invalidValues(doc, target.schema);
      setPath(body, target.path, values[m.value % values.length]);
    } else if (m.kind === 'drop') {
      const required = props.filter((p) => p.required);
      if (required.length) {
        deletePath(body, required[m.target % required.length].path);
      }
    } else if (m.kind === 'unknown') {
      body[m.name] = 'surplus';
    }
    return { text: JSON.stringify(body) };
  }

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'valid' as const }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        target: fc.nat(1000),
        value: fc.nat(1000),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('drop' as const), target: fc.nat(1000) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('unknown' as const),
        name: fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'id', 'siteId2', 'isAdmin'),
          fc.string({ minLength: 1, maxLength: 20 }),
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('json' as const),
        value: fc.jsonValue({ maxDepth: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        text: fc.oneof(fc.constantFrom(...RAW_BODIES), fc.string({ maxLength: 40 })),
      }),
    },
  );
  /** Path ids: mostly the fixture's real records, sometimes ids that name nothing or are not ids. */
  const pathChoice = fc.oneof(
    { weight: 5, arbitrary: fc.constant(-1) },
    { weight: 2, arbitrary: fc.nat(BAD_IDS.length - 1) },
  );

  it('[REQ-INPUT-002] refuses odd content types, charsets, encodings and sizes with a 4xx', async () => {
    const body = JSON.stringify({
      siteId: fixture.site,
      identity: { givenName: 'A', familyName: 'B', birthDate: '1990-01-01' },
    });
    const cases: [string, Record<string, string>, string | Buffer][] = [
      ['latin1 charset', { 'Content-Type': 'application/json; charset=latin1' }, body],
      ['unknown charset', { 'Content-Type': 'application/json; charset=x-nonsense' }, body],
      [
        'gzip that is not gzip',
        { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body,
      ],
      ['unknown encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'br2' }, body],
      [
        'form encoded',
        { 'Content-Type': 'application/x-www-form-urlencoded' },
        'siteId=1&identity=2',
      ],
      ['plain text', { 'Content-Type': 'text/plain' }, body],
      ['no content type', {}, body],
      [
        'too large',
        { 'Content-Type': 'application/json' },
        JSON.stringify({ identity: { givenName: 'x'.repeat(300_000) } }),
      ],
      [
        'invalid utf-8',
        { 'Content-Type': 'application/json' },
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      ],
      ['NUL in JSON', { 'Content-Type': 'application/json' }, body.replace('"A"', '"A\\u0000"')],
    ];
    const wrong: string[] = [];
    for (const [what, headers, payload] of cases) {
      const res = await fetch(`${base}/participants`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${users.coordinator.token}`, ...headers },
        body: payload,
      });
      const text = await res.text();
      if (res.status < 400 || res.status >= 500) {
        wrong.push(`${what}: ${res.status} ${text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it(`[REQ-INPUT-001] answers ${TOTAL} generated requests without a 5xx, and refusals change nothing`, async () => {
    // Signing out everywhere ends every token of the user it picks: the last operation.
    const last = (o: WriteOperation) => (o.path === '/auth/logout-everywhere' ? 1 : 0);
    const ops = writeOperations(doc).sort((a, b) => last(a) - last(b));
    const perOp = Math.ceil(TOTAL / ops.length);
    let sent = 0;
    let accepted = 0;
    let current = await changes();
    for (const op of ops) {
      const acceptedBefore = accepted;
      const whole = await fingerprint();
      await fc.assert(
        fc.asyncProperty(
          mutation,
          fc.array(pathChoice, { minLength: 3, maxLength: 3 }),
          async (m, ids) => {
            // Path parameters: the fixture's real record, or (by choice) an id that names nothing or is no id.
            const real = fixturePath(op.path, fixture).split('/');
            let param = 0;
            const concrete = op.path
              .split('/')
              .map((segment, i) => {
                if (!/^\{\w+\}$/.test(segment)) {
                  return segment;
                }
                const choice = ids[param++ % ids.length];
                return choice < 0 ? real[i] : BAD_IDS[choice];
              })
              .join('/');
            const { text } = bodyOf(op, m);
            const res = await fetch(`${base}${concrete}`, {
              method: op.method.toUpperCase(),
              headers: {
                Authorization: `Bearer ${userForRoute(users, routes, op.method, op.path).token}`,
                ...(text === null ? {} : { 'Content-Type': 'application/json' }),
              },
              body: text ?? undefined,
            });
            const answer = await res.text();
            sent++;
            const where = `${op.method.toUpperCase()} ${concrete} with ${(text ?? '').slice(0, 300)}`;
            if (res.status >= 500) {
              throw new Error(`${where} answered ${res.status} ${answer.slice(0, 300)}`);
            }
            const after = await changes();
            if (res.status < 400) {
              accepted++;
              current = after;
              return;
            }
            const body = JSON.parse(answer) as { code?: unknown; message?: unknown };
            if (typeof body.code !== 'string' || typeof body.message !== 'string') {
              throw new Error(
                `${where}: ${res.status} without code and message: ${answer.slice(0, 200)}`,
              );
            }
            if (after !== current) {
              throw new Error(
                `${where} was refused (${res.status}) but changed ${after - current} rows`,
              );
            }
          },
        ),
        { numRuns: perOp, seed: SEED, endOnFailure: true },
      );
      // Cross-check with the full fingerprint (row counts and xmin of every table) where nothing was accepted.
      if (accepted === acceptedBefore) {
        const now = await fingerprint();
        expect({ op: `${op.method} ${op.path}`, changed: fingerprintDiff(whole, now) }).toEqual({
          op: `${op.method} ${op.path}`,
          changed: [],
        });
      }
    }
    process.stdout.write(
      `generated input: ${sent} requests over ${ops.length} write operations, ${accepted} accepted, ${sent - accepted} refused\n`,
    );
    expect(sent).toBeGreaterThanOrEqual(TOTAL);
    // The counter saw the accepted writes (it counts, so its silence on refusals means something).
    expect(current).toBeGreaterThan(accepted / 2);
    // Most generated requests are refused, but valid ones get through too (the generator reaches the services).
    expect(accepted).toBeGreaterThan(ops.length);
  }, 600_000);
  /**
   * Path and query parameters of EVERY operation (reads too), each sent by a user of the site
   * acting in a role the operation declares (`x-roles`): each path parameter in turn replaced by
   * an odd value (not an id, an id of another site's record or of another kind, huge, NUL,
   * traversal, unicode, numbers, extreme and odd dates), each query parameter in turn set to one
   * (wrong types, repeated keys, empty, huge, negative or NaN numbers, odd dates, bad escapes),
   * the other parameters real, and a valid body where the operation takes one. None may be
   * answered with a 5xx; every 4xx is the one error shape.
   */
  it('[REQ-INPUT-001] answers odd path and query parameters on every operation without a 5xx', async () => {
    const scoped = await roleUsers(t, { sites: ['NL-AMS'] });
    const other = await siteFixture(t, 'NO-BER');
    const ops = allOperations(doc);
    /** A real id of another kind of record (a site's where a participant's is expected, and so on). */
    const otherKind = (value: string) =>
      value === fixture.site ? fixture.participant : fixture.site;
    const queue: (() => Promise<void>)[] = [];
    const problems: string[] = [];
    let sent = 0;
    let pathCursor = 0;
    let queryCursor = 0;
    for (const { method, path, op } of ops) {
      const roles = op['x-roles'] ?? [];
      const user = op['x-public'] ? null : scoped[roles[0] as keyof RoleUsers];
      if (!op['x-public'] && !user) {
        problems.push(`${method.toUpperCase()} ${path}: no x-roles`);
        continue;
      }
      const real = fixturePath(path, fixture).split('/');
      const theirs = fixturePath(path, other).split('/');
      const segments = path.split('/');
      const schema = method === 'get' ? undefined : bodySchema(doc, op);
      const body = schema ? JSON.stringify(validValue(doc, schema, ctx())) : null;
      const params = op.parameters ?? [];
      const send = async (concrete: string, query: string, what: string) => {
        const url = `${base}${concrete}${query ? `?${query}` : ''}`;
        const res = await fetch(url, {
          method: method.toUpperCase(),
          headers: {
            ...(user ? { Authorization: `Bearer ${user.token}` } : {}),
            ...(body === null ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body ?? undefined,
        });
        const text = await res.text();
        sent++;
        const where = `${method.toUpperCase()} ${path} (${what}): ${res.status}`;
        if (res.status >= 500) {
          problems.push(`${where} ${text.slice(0, 200)}`);
        } else if (res.status >= 400) {
          let parsed: Record<string, unknown> | null = null;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // reported below
          }
          if (
            !parsed ||
            parsed.statusCode !== res.status ||
            typeof parsed.code !== 'string' ||
            typeof parsed.message !== 'string' ||
            !Array.isArray(parsed.errors) ||
            typeof parsed.requestId !== 'string'
          ) {
            problems.push(`${where} not the error shape: ${text.slice(0, 200)}`);
          }
        }
      };
      await send(real.join('/'), '', 'real parameters');
      // Each path parameter in turn.
      segments.forEach((segment, i) => {
        if (!/^\{\w+\}$/.test(segment)) {
          return;
        }
        const values = [theirs[i], otherKind(real[i]), real[i].toUpperCase(), ...ODD_PATH];
        for (let k = 0; k < PATH_SAMPLE; k++) {
          const value = k < 3 ? values[k] : values[3 + ((pathCursor + k) % ODD_PATH.length)];
          const concrete = real.map((r, j) => (j === i ? value : r)).join('/');
          queue.push(() => send(concrete, '', `${segment}=${value.slice(0, 40)}`));
        }
        pathCursor += PATH_SAMPLE;
      });
      // Each query parameter in turn.
      for (const param of params.filter((p) => p.in === 'query')) {
        for (let k = 0; k < QUERY_SAMPLE; k++) {
          const id = /site|centre/i.test(param.name) ? fixture.site : fixture.participant;
          const raw = ODD_QUERY[(queryCursor + k) % ODD_QUERY.length](param.name, id);
          queue.push(() => send(real.join('/'), raw, raw.slice(0, 60)));
        }
        queryCursor += QUERY_SAMPLE;
      }
      for (const next of queue.splice(0)) {
        await next();
      }
    }
    process.stdout.write(`odd parameters: ${sent} requests over ${ops.length} operations\n`);
    expect(problems).toEqual([]);
    expect(ops.length).toBeGreaterThan(100);
    expect(sent).toBeGreaterThan(ops.length * 5);
  }, 600_000);
});
