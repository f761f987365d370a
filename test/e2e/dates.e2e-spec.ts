import { AppModule } from 'src/app.module';
import { OutboxSignal } from 'src/kernel/outbox/outbox-signal';
import { PublicThrottlerGuard } from 'src/modules/public/public-throttler.guard';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { installChangeCounter } from '../harness/fingerprint';
import { FIXTURE_DAY, fixturePath, SiteFixture, siteFixture } from '../harness/fixtures';
import { OpenApiDoc, resolve, Schema } from '../harness/openapi';
import { FullSchema, validValue } from '../harness/openapi-values';
import { PATHWAY_NOW } from '../harness/pathway';
import { RoleUsers, roleUsers, userForRoute } from '../harness/role-users';
import { collectRoutes } from '../unit/routes';

/** Forms of a date this trial never has: each must be a 400 naming the field, never a 500. */
const ODD_DATES = [
  '0000-01-01',
  '9999-12-31',
  '+010000-01-01',
  '2026-W49',
  '2026-W49-4',
  '2026-337',
  '2026-02-30',
  '1899-12-31',
  '2101-01-01',
];
const ODD_INSTANTS = [
  ...ODD_DATES.map((d) => `${d}T09:00:00Z`),
  '2026-03-01T24:00:00Z',
  '2026-03-01T09:00:00',
];

type DateField = { path: (string | number)[]; format: 'date' | 'date-time' };

/** Every date and date-time property of a schema, in nested objects and in arrays' first item. */
function dateFields(
  doc: OpenApiDoc,
  schema: Schema | undefined,
  prefix: (string | number)[] = [],
  depth = 0,
): DateField[] {
  const s = resolve(doc, schema) as FullSchema | undefined;
  if (!s || depth > 5) {
    return [];
  }
  if (s.type === 'string' && (s.format === 'date' || s.format === 'date-time')) {
    return [{ path: prefix, format: s.format }];
  }
  if (s.type === 'array') {
    return dateFields(doc, s.items, [...prefix, 0], depth + 1);
  }
  return Object.entries(s.properties ?? {}).flatMap(([key, child]) =>
    dateFields(doc, child, [...prefix, key], depth + 1),
  );
}

/** Sets a value at a path, creating the objects and arrays on the way. */
function setDeep(target: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let node: Record<string | number, unknown> = target;
  path.slice(0, -1).forEach((key, i) => {
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (typeof node[key] !== 'object' || node[key] === null) {
      node[key] = nextIsIndex ? [{}] : {};
    }
    node = node[key] as Record<string | number, unknown>;
  });
  node[path[path.length - 1]] = value;
}

type Answer = {
  status: number;
  body: { code?: string; errors?: { path: string; code: string }[] };
};

/**
 * Plausible dates (issue 15). Generated from the OpenAPI document: every date and date-time field
 * of every write body and every date query parameter of every operation, sent in the forms a
 * trial never has (year 0000, 9999-12-31, +010000, ISO week and ordinal forms, 2026-02-30, years
 * outside 1900–2100): always a 400 that names the field, never a 500, nothing stored. Then the
 * rules of the registry on real records: dates of things that happened after today, treatment and
 * visit dates before randomisation.
 */
describe('[REQ-CORR-003] plausible dates on every write and query (e2e)', () => {
  let t: TestApp;
  let users: RoleUsers;
  let doc: OpenApiDoc;
  let fixture: SiteFixture;
  let changes: () => Promise<number>;
  const routes = collectRoutes(AppModule);
  let serial = 0;

  beforeAll(async () => {
    // The public routes' per-address limits are not what this file tests (public-prescreening does).
    jest.spyOn(PublicThrottlerGuard.prototype, 'canActivate').mockResolvedValue(true);
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
    changes = await installChangeCounter(t.dataSource, {
      ignoreAuditActions: [
        'auth.login_failed',
        'eligibility.signature_failed',
        'auth.signature_failed',
        'auth.signature_locked',
      ],
      ignoreTables: ['signature_attempts'],
    });
  }, 180_000);
  afterAll(() => t.close());

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

  const send = async (
    method: string,
    path: string,
    user: TestUser,
    opts: { body?: unknown; query?: Record<string, string> },
  ): Promise<Answer> => {
    const req = (t.http() as unknown as Record<string, (p: string) => import('supertest').Test>)
      [method](path)
      .set(bearer(user));
    if (opts.query) {
      req.query(opts.query);
    }
    const res = await (opts.body === undefined ? req : req.send(opts.body as object));
    return { status: res.status, body: res.body as Answer['body'] };
  };

  it('refuses every odd date form in every body and query date field, naming it, changing nothing', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const concrete = fixturePath(path, fixture);
        const user = userForRoute(users, routes, method, path);
        const schema = op.requestBody?.content['application/json']?.schema;
        const cases: {
          field: string;
          make: (v: string) => { body?: unknown; query?: Record<string, string> };
          format: string;
        }[] = [];
        for (const f of dateFields(doc, schema)) {
          cases.push({
            field: f.path.join('.'),
            format: f.format,
            make: (v) => {
              const body = validValue(doc, schema, ctx()) as Record<string, unknown>;
              setDeep(body, f.path, v);
              return { body };
            },
          });
        }
        for (const p of op.parameters ?? []) {
          const ps = resolve(doc, p.schema);
          if (p.in === 'query' && (ps?.format === 'date' || ps?.format === 'date-time')) {
            cases.push({
              field: p.name,
              format: ps.format,
              make: (v) => ({
                query: { [p.name]: v },
                ...(schema ? { body: validValue(doc, schema, ctx()) } : {}),
              }),
            });
          }
        }
        for (const c of cases) {
          for (const value of c.format === 'date' ? ODD_DATES : ODD_INSTANTS) {
            const before = await changes();
            const res = await send(method, concrete, user, c.make(value));
            sent++;
            const where = `${method.toUpperCase()} ${path} ${c.field}=${value}`;
            if (res.status !== 400) {
              failures.push(`${where}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            } else if (!(res.body.errors ?? []).some((e) => e.path === c.field)) {
              failures.push(`${where}: 400 without naming it: ${JSON.stringify(res.body.errors)}`);
            }
            if ((await changes()) !== before) {
              failures.push(`${where}: changed the database`);
            }
          }
        }
      }
    }
    process.stdout.write(`odd dates: ${sent} requests\n`);
    expect(failures).toEqual([]);
    // The generator found the date fields (visit dates, relapse onsets, memberships, filters…).
    expect(sent).toBeGreaterThan(300);
  }, 300_000);

  describe('the registry rules on real records', () => {
    const TOMORROW = '2026-03-02';
    const BEFORE_RANDOMISATION = '2026-02-28';

    async function refused(req: () => Promise<Answer>, path: string, code: string): Promise<void> {
      const before = await changes();
      const res = await req();
      expect({ status: res.status, errors: res.body.errors }).toEqual({
        status: 400,
        errors: expect.arrayContaining([expect.objectContaining({ path, code })]),
      });
      expect(await changes()).toBe(before);
    }

    it('visit dates and relapse onsets: not after today, the visit not before randomisation', async () => {
      const unscheduled = (body: object) =>
        send(
          'post',
          `/follow-up/participants/${fixture.participant}/unscheduled-visits`,
          users.site_staff,
          {
            body: { reason: 'other', relapseAssessment: { newRelapse: false }, ...body },
          },
        );
      await refused(() => unscheduled({ visitDate: TOMORROW }), 'visitDate', 'DATE_IN_FUTURE');
      await refused(
        () => unscheduled({ visitDate: BEFORE_RANDOMISATION }),
        'visitDate',
        'DATE_BEFORE_RANDOMISATION',
      );
      await refused(
        () =>
          unscheduled({
            visitDate: FIXTURE_DAY,
            relapseAssessment: {
              newRelapse: true,
              relapses: [{ onsetDate: TOMORROW, steroidTreated: false }],
            },
          }),
        'relapseAssessment.relapses.0.onsetDate',
        'DATE_IN_FUTURE',
      );
      // The identity vault answers whether the participant was born by then (born in the 1980s–90s).
      await refused(
        () =>
          unscheduled({
            visitDate: FIXTURE_DAY,
            relapseAssessment: {
              newRelapse: true,
              relapses: [{ onsetDate: '1950-06-01', steroidTreated: false }],
            },
          }),
        'relapseAssessment.relapses.0.onsetDate',
        'DATE_BEFORE_BIRTH',
      );
      const ok = await unscheduled({ visitDate: FIXTURE_DAY });
      expect(ok.status).toBe(201);
    });

    it('the blinded assessor’s exam dates: not after today', async () => {
      await refused(
        () =>
          send('post', `/follow-up/visits/${fixture.visit}/assessment`, users.blinded_assessor, {
            body: { edss: { score: 3, assessedOn: TOMORROW, rater: 'R1' } },
          }),
        'edss.assessedOn',
        'DATE_IN_FUTURE',
      );
    });

    it('the arm-B drug start: not before randomisation, not after today', async () => {
      const p = await t.factory.participant('NL-AMS');
      await t.factory.allocation(p.id, 'B', PATHWAY_NOW);
      const put = (startDate: string) =>
        send('put', `/participants/${p.id}/arm-b-drug`, users.investigator, {
          body: { drug: 'ocrelizumab', startDate },
        });
      await refused(() => put(BEFORE_RANDOMISATION), 'startDate', 'DATE_BEFORE_RANDOMISATION');
      await refused(() => put(TOMORROW), 'startDate', 'DATE_IN_FUTURE');
      expect((await put(FIXTURE_DAY)).status).toBe(200);
    });

    it('transplant phases: not after today, not before randomisation, in plan order', async () => {
      const phase = (name: string, body: object) =>
        send('put', `/scheduling/bookings/${fixture.booking}/phases/${name}`, users.coordinator, {
          body: { outcome: 'done', ...body },
        });
      await refused(
        () => phase('evaluation', { actualStart: TOMORROW }),
        'actualStart',
        'DATE_IN_FUTURE',
      );
      await refused(
        () => phase('evaluation', { actualStart: BEFORE_RANDOMISATION }),
        'actualStart',
        'DATE_BEFORE_RANDOMISATION',
      );
      expect((await phase('mobilisation', { actualStart: FIXTURE_DAY })).status).toBe(200);
      // Evaluation comes before mobilisation in the plan: it cannot start after it.
      t.clock?.set('2026-03-05T10:00:00Z');
      try {
        await refused(
          () => phase('evaluation', { actualStart: '2026-03-03' }),
          'actualStart',
          'DATE_ORDER',
        );
      } finally {
        t.clock?.set(PATHWAY_NOW);
      }
    });

    it('an unblinding event: not in the future', async () => {
      await refused(
        () =>
          send('post', '/randomization/unblinding-events', users.investigator, {
            body: {
              participantId: fixture.participant,
              disclosedToRole: 'blinded_assessor',
              kind: 'accidental',
              occurredAt: `${TOMORROW}T09:00:00Z`,
              reason: 'letter copied to the assessor',
              impact: 'assessor replaced',
            },
          }),
        'occurredAt',
        'DATE_IN_FUTURE',
      );
    });
  });
});
