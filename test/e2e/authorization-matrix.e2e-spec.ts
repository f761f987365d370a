import { AppModule } from 'src/app.module';
import { ROLES, TRIAL_WIDE_BY_NATURE, type Role } from 'src/common/context/roles';
import { createTestApp, TestApp } from '../harness/app';
import { armRevealing, TRIAL_REFERENCE_ROUTES } from '../harness/arm-revealing';
import { bearer, TEST_PASSWORD, TestUser } from '../harness/factory';
import {
  AN_ADVERSE_EVENT,
  FIXTURE_DAY,
  fixturePath,
  NO_RELAPSE,
  SiteFixture,
  siteFixture,
} from '../harness/fixtures';
import { OpenApiDoc } from '../harness/openapi';
import { bodySchema, validValue } from '../harness/openapi-values';
import { PATHWAY_NOW } from '../harness/pathway';
import { collectRoutes, RouteInfo } from '../unit/routes';

/**
 * The authorisation matrix, generated from the route metadata (the same walk as the unit test
 * route-access.spec.ts): every route × every role × three scopes, each with the status it must
 * get.
 *   own site:   a user of NL-AMS on NL-AMS records;
 *   other site: the same user on NO-BER records;
 *   trial-wide: a trial-wide user of that role on NO-BER records.
 * Expected: 401 without a token; 403 for a role the route does not declare (whatever the scope);
 * for a declared role, 404 for another site's record wherever a site-scoped id is in the path or
 * the body, and otherwise an answer that is neither 401, 403, 404 nor 5xx (a 2xx, or a 4xx such
 * as 409 for a state the record is in). Statisticians and monitors are trial-wide by nature. The
 * few documented exceptions are in OTHER_SITE_STATUS and TRIAL_WIDE_NOT_FOUND. Every answer a
 * blinded assessor gets is free of arm-revealing fields. Writes run for real, with valid bodies,
 * so the scope check is reached. Users holding an allowed combination of roles (coordinator +
 * investigator + site staff; statistician + monitor) run the same matrix acting in each of their
 * roles, judged exactly as that role alone: the other roles they hold widen nothing.
 */

const OWN = 'NL-AMS';
const OTHER = 'NO-BER';
const DAY = FIXTURE_DAY;

type Fixture = SiteFixture;
type Scope = 'own' | 'other' | 'trial-wide';
type Result = {
  route: string;
  role: Role | 'anonymous';
  scope: Scope | '-';
  status: number;
  problem: string | null;
};

const key = (r: RouteInfo) => `${r.method} ${r.path}`;

/** Path parameters that name a record of one site: another site's must be a 404. */
function scopedParams(path: string): string[] {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  return names.filter((n) => {
    if (
      ['participantId', 'assessmentId', 'visitId', 'bookingId', 'siteId', 'centreId'].includes(n)
    ) {
      return true;
    }
    if (n === 'id') {
      return (
        path.startsWith('/participants/') ||
        path.startsWith('/follow-up/adverse-events/') ||
        path.startsWith('/fhir/ResearchSubject/')
      );
    }
    return false;
  });
}

/** Routes whose body names a site-scoped record (its participant). */
const SCOPED_BODY = new Set(['POST /randomization/unblinding-events']);

/**
 * Where another site's answer is not a 404, and why. Sites are reference data every role may read
 * (GET /sites/:id), so naming another site when registering is a refusal (403), not a secret.
 */
const OTHER_SITE_STATUS: Record<string, [number, string]> = {
  'POST /participants': [
    403,
    'registering at a site one does not belong to; the site itself is public reference data',
  ],
};

/** Required query parameters. */
const QUERY: Record<string, string> = { 'GET /randomization/sequence': 'stratum=country%3DNL' };

let serial = 0;
const relapse = NO_RELAPSE;
const adverseEvent = AN_ADVERSE_EVENT;
const answers = {
  birthDate: '1990-05-10',
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

/**
 * A valid body for every write route, so that validation passes and the scope check is what
 * answers: written by hand here, or (a route added since) generated from the OpenAPI document.
 */
function bodyFor(
  route: string,
  f: Fixture,
  login: TestUser,
  doc?: OpenApiDoc,
  acting: Role = 'coordinator',
): object | undefined {
  const n = ++serial;
  const code = `MX${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + (Math.floor(n / 26) % 26))}`;
  const bodies: Record<string, () => object | undefined> = {
    'POST /auth/login': () => ({ email: login.email, password: TEST_PASSWORD }),
    'POST /auth/role': () => ({ role: acting }),
    'POST /users': () => ({
      email: `matrix.${n}@test.local`,
      displayName: 'Matrix',
      password: 'a long enough passphrase',
      roles: ['site_staff'],
      siteIds: [f.site],
    }),
    'PATCH /users/:id': () => ({ displayName: `Renamed ${n}`, reason: 'matrix' }),
    'POST /users/:id/deactivate': () => ({ reason: 'matrix' }),
    'POST /users/:id/reactivate': () => ({ reason: 'matrix' }),
    'POST /sites': () => ({
      code,
      name: `Matrix site ${code}`,
      countryCode: 'NL',
      timeZone: 'Europe/Amsterdam',
      roles: ['screening'],
    }),
    'PATCH /sites/:id': () => ({ reason: 'matrix', active: true }),
    'PUT /sites/:id/capacity/:quarter': () => ({ capacity: 2, reason: 'matrix' }),
    'POST /notifications/read': () => ({ all: true }),
    'POST /exports': () => ({ format: 'csv' }),
    'POST /queries': () => ({
      recordEntity: 'visit_log',
      recordId: f.visit,
      itemId: 'visit_log.notes',
      text: 'matrix',
    }),
    'POST /queries/:id/answer': () => ({ text: 'matrix' }),
    'POST /queries/:id/close': () => ({ text: 'matrix' }),
    'POST /queries/:id/reopen': () => ({ text: 'matrix' }),
    'PATCH /scheduling/bookings/:bookingId/admission': () => ({
      plannedAdmissionDate: '2027-02-15',
      reason: 'matrix',
    }),
    'POST /scheduling/bookings/:bookingId/cancel': () => ({ reason: 'matrix' }),
    'POST /scheduling/bookings/:bookingId/review': () => ({
      outcome: 'accept_wait',
      reason: 'matrix',
    }),
    'PUT /scheduling/bookings/:bookingId/phases/:phase': () => ({
      outcome: 'not_done',
      reason: 'matrix',
    }),
    'POST /scheduling/participants/:participantId/booking': () => undefined,
    'POST /scheduling/centres/:centreId/fill': () => undefined,
    'POST /participants': () => ({
      siteId: f.site,
      identity: { givenName: 'Matrix', familyName: `Person${n}`, birthDate: '1990-01-01' },
    }),
    'POST /participants/:id/transitions': () => ({ to: 'in_follow_up', reason: 'matrix' }),
    'POST /participants/:id/withdraw': () => ({ destroySamples: false, reason: 'matrix' }),
    'POST /participants/:id/screen-failure': () => ({ reason: 'other', detail: 'matrix' }),
    'POST /participants/:id/transitions/undo': () => ({ reason: 'matrix' }),
    'POST /participants/:id/reconsent': () => ({ version: '4.0', date: DAY }),
    'POST /participants/:id/outcome': () => ({ outcome: 'completed', reason: 'matrix' }),
    'POST /participants/:id/sample-destruction/confirm': () => ({ note: 'matrix' }),
    'PATCH /participants/:id/identity': () => ({ familyName: `Matrix${n}`, reason: 'matrix' }),
    'PATCH /participants/:id/screening': () => ({ willingToBeRandomised: true, reason: 'matrix' }),
    'POST /participants/:id/assessments': () => ({}),
    'POST /participants/:id/assessments/:assessmentId/sign': () => ({
      password: TEST_PASSWORD,
      meaning: 'I confirm this eligibility decision',
    }),
    'POST /participants/:id/consent': () => ({ version: '3.0', date: DAY }),
    // The fixture's logged visit (a 409 once its version moved on: never a 404 on one's own site).
    'POST /participants/:id/verification': () => ({
      entity: 'visit_log',
      entityId: f.visit,
      version: 1,
    }),
    'POST /participants/:id/verification/undo': () => ({
      entity: 'visit_log',
      entityId: f.visit,
      reason: 'matrix',
    }),
    'POST /participants/:id/casebook-signature': () => ({ password: TEST_PASSWORD }),
    'POST /participants/:id/rescreen': () => ({ reason: 'matrix' }),
    'POST /follow-up/participants/:participantId/unscheduled-visits': () => ({
      visitDate: DAY,
      reason: 'other',
      relapseAssessment: relapse,
    }),
    'POST /follow-up/visits/:visitId/log': () => ({ visitDate: DAY, relapseAssessment: relapse }),
    'PATCH /follow-up/visits/:visitId/log': () => ({ reason: 'matrix', notes: `n${n}` }),
    'POST /follow-up/visits/:visitId/assessment': () => ({
      edss: { score: 3, rater: 'R1', assessedOn: DAY },
    }),
    'PATCH /follow-up/visits/:visitId/assessment': () => ({
      edss: { score: 3.5, rater: 'R1', assessedOn: DAY },
      reason: 'matrix',
    }),
    'POST /follow-up/visits/:visitId/adverse-events': () => ({ adverseEvents: [adverseEvent] }),
    'PATCH /follow-up/adverse-events/:id': () => ({ reason: 'matrix', term: `Headache ${n}` }),
    'POST /follow-up/adverse-events/:id/reported': () => ({ reference: `CASE-${n}` }),
    'POST /follow-up/adverse-events/:id/susar-reported': () => ({ reference: `SUSAR-${n}` }),
    'POST /follow-up/participants/:participantId/adverse-events': () => ({
      adverseEvents: [adverseEvent],
    }),
    'PUT /randomization/config/:environment': () => ({
      arms: [
        { code: 'A', label: 'aHSCT' },
        { code: 'B', label: 'Best available DMT' },
      ],
      blockSizes: [2, 4],
      strataFactors: ['country'],
    }),
    'POST /randomization/config/:environment/go-live': () => undefined,
    'POST /randomization/simulate': () => ({ participants: 50 }),
    'POST /randomization/unblinding-events': () => ({
      participantId: f.participant,
      disclosedToRole: 'blinded_assessor',
      kind: 'accidental',
      occurredAt: PATHWAY_NOW,
      reason: 'matrix',
      impact: 'none',
    }),
    'POST /participants/:id/randomization': () => undefined,
    'PUT /participants/:id/arm-b-drug': () => ({ drug: 'ocrelizumab', startDate: DAY }),
    'PUT /participants/:id/intervention': () => ({ received: true }),
    'POST /public/prescreening/check': () => ({ answers }),
    'POST /public/prescreening/registrations': () => ({
      answers,
      siteId: f.site,
      givenName: 'Matrix',
      familyName: 'Public',
      contact: { email: `public.${n}@test.local` },
      agreeToContact: 'yes',
    }),
  };
  const make = bodies[route];
  if (make) {
    return make();
  }
  const [method, path] = route.split(' ');
  const op = doc?.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
  if (!op) {
    throw new Error(`no body for ${route}: add one to the matrix`);
  }
  const schema = bodySchema(doc as OpenApiDoc, op);
  return schema
    ? (validValue(doc as OpenApiDoc, schema, {
        ids: { siteId: f.site, participantId: f.participant, centreId: f.site },
        date: DAY,
        next: () => ++serial,
      }) as object)
    : undefined;
}

/** Writes that change a record for good: run after every other route. */
const LAST = [
  'POST /scheduling/bookings/:bookingId/cancel',
  'POST /users/:id/deactivate',
  'POST /participants/:id/rescreen',
  'POST /participants/:id/outcome',
  'POST /participants/:id/withdraw',
  // Ends every token of the caller's account: the very last.
  'POST /auth/logout-everywhere',
];

/**
 * Reads of what each user writes first (a user's own form draft): run after the writes, the
 * deletion after the read.
 */
const AFTER_WRITES: Record<string, number> = {
  'GET /drafts/:formKey': 1.5,
  'DELETE /drafts/:formKey': 1.6,
};

/**
 * Public routes that authenticate by the session's httpOnly cookie instead of a bearer token:
 * without that cookie they answer 401 (and the matrix sends none).
 */
const COOKIE_ROUTES = ['POST /auth/refresh'];

/**
 * Where a trial-wide user of a declared role gets 404 on another site's record, and why: the
 * identity vault is read and corrected only by staff of the participant's own site (a
 * coordinating investigator sees the study data of every site, not the names).
 */
const TRIAL_WIDE_NOT_FOUND: Record<string, string> = {
  'GET /participants/:id/identity': "identity is for the staff of the participant's own site only",
  'PATCH /participants/:id/identity':
    "identity is for the staff of the participant's own site only",
};

/**
 * Records that belong to one user, not to a site: everyone else gets 404 whatever their role and
 * scope (the matrix names another user's subscription).
 */
/**
 * Routes of a feature the matrix's app leaves switched off (single sign-on has no provider here):
 * every declared role gets 404 with this code (sso.e2e-spec.ts runs them against a provider).
 */
const SWITCHED_OFF: Record<string, string> = {
  'POST /auth/sso/reauth': 'SSO_DISABLED',
  'POST /auth/sso/reauth/callback': 'SSO_DISABLED',
};

const OWNER_ONLY: Record<string, string> = {
  'DELETE /calendar-feeds/:id': "a calendar subscription is its owner's alone",
  'GET /exports/:id':
    "an export is its requester's (and the statistician's; the matrix names none)",
  'GET /exports/:id/files/:name':
    "an export is its requester's (and the statistician's; the matrix names none)",
  // Data queries: the matrix names no query (data-queries.e2e-spec.ts
  // covers raising, answering and the site scope).
  'GET /queries/:id': 'the matrix names no data query',
  'POST /queries/:id/answer': 'the matrix names no data query',
  'POST /queries/:id/close': 'the matrix names no data query',
  'POST /queries/:id/reopen': 'the matrix names no data query',
};

/**
 * Records the matrix does not create (a data cut to confirm, a lock request to approve: the
 * approval of a real one would lock the trial mid-matrix): every declared role gets 404. The
 * data-cuts and trial-lock e2e tests run them on real records.
 */
const NOT_CREATED: Record<string, string> = {
  'POST /data-cuts/:id/confirm': 'DATA_CUT_NOT_FOUND',
  'POST /trial-lock/requests/:id/approve': 'LOCK_REQUEST_NOT_FOUND',
};

describe('the authorisation matrix: every route × every role × own site / other site / trial-wide (e2e)', () => {
  let t: TestApp;
  const fixtures: Record<string, Fixture> = {};
  const siteUsers = {} as Record<Role, TestUser>;
  const wideUsers = {} as Record<Role, TestUser>;
  /** Users holding an allowed combination of roles, acting in one: they must answer exactly as that role alone. */
  const multiUsers = {} as Partial<Record<Role, TestUser>>;
  let loginUser: TestUser;
  let doc: OpenApiDoc;
  const routes = collectRoutes(AppModule);
  const results: Result[] = [];
  const blindedLeaks: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    fixtures[OWN] = await siteFixture(t, OWN);
    fixtures[OTHER] = await siteFixture(t, OTHER);
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDoc;
    for (const role of ROLES) {
      siteUsers[role] = await t.factory.user(role, { sites: [OWN] });
      wideUsers[role] = await t.factory.user(role, { trialWide: true });
    }
    const siteTeam = await t.factory.user(['coordinator', 'investigator', 'site_staff'], {
      sites: [OWN],
    });
    const trialTeam = await t.factory.user(['statistician', 'monitor'], { sites: [OWN] });
    for (const role of siteTeam.roles) {
      multiUsers[role] = await t.factory.actingAs(siteTeam, role);
    }
    for (const role of trialTeam.roles) {
      multiUsers[role] = await t.factory.actingAs(trialTeam, role);
    }
    loginUser = await t.factory.user('monitor', { trialWide: true });
  }, 180_000);
  afterAll(() => t.close());

  const send = (route: RouteInfo, f: Fixture, token: string | null, acting?: Role) => {
    const path = fixturePath(route.path, f);
    const query = QUERY[key(route)];
    const url = query ? `${path}?${query}` : path;
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = t.http()[method](url);
    if (token) {
      req = req.set('Authorization', `Bearer ${token}`);
    }
    // Without a token the guard answers before the body is read.
    if (method === 'get' || !token) {
      return req;
    }
    const body = bodyFor(key(route), f, loginUser, doc, acting);
    return body === undefined ? req : req.send(body);
  };

  function judge(
    route: RouteInfo,
    role: Role,
    scope: Scope,
    status: number,
    code?: unknown,
  ): string | null {
    if (route.isPublic && COOKIE_ROUTES.includes(key(route))) {
      return status === 401 ? null : 'expected 401 without the session cookie';
    }
    if (route.isPublic) {
      return status === 401 || status === 403 || status >= 500
        ? 'a public route refused or failed'
        : null;
    }
    if (!route.roles?.includes(role)) {
      return status === 403 ? null : 'expected 403: the route does not declare this role';
    }
    if (status >= 500) {
      return 'server error';
    }
    // Signing out everywhere ended the token for the account's next case (same user, another scope).
    if (status === 401 && key(route) === 'POST /auth/logout-everywhere') {
      return null;
    }
    if (status === 401) {
      return 'a declared role was refused (401)';
    }
    if (SWITCHED_OFF[key(route)]) {
      return status === 404 && code === SWITCHED_OFF[key(route)]
        ? null
        : `expected 404 ${SWITCHED_OFF[key(route)]}`;
    }
    // Statisticians and monitors see every site whatever their site list (TRIAL_WIDE_BY_NATURE).
    const effective: Scope =
      scope === 'other' && TRIAL_WIDE_BY_NATURE.includes(role) ? 'trial-wide' : scope;
    const scoped = scopedParams(route.path).length > 0 || SCOPED_BODY.has(key(route));
    if (NOT_CREATED[key(route)]) {
      return status === 404 && code === NOT_CREATED[key(route)]
        ? null
        : `expected 404 ${NOT_CREATED[key(route)]}`;
    }
    if (OWNER_ONLY[key(route)]) {
      return status === 404 ? null : "expected 404: another user's record";
    }
    if (effective === 'other' && OTHER_SITE_STATUS[key(route)]) {
      return status === OTHER_SITE_STATUS[key(route)][0]
        ? null
        : `expected ${OTHER_SITE_STATUS[key(route)][0]} for another site`;
    }
    if (status === 403) {
      return 'a declared role was refused';
    }
    if (effective === 'other' && scoped) {
      return status === 404 ? null : "expected 404: another site's record";
    }
    if (effective === 'trial-wide' && TRIAL_WIDE_NOT_FOUND[key(route)]) {
      return status === 404 ? null : 'expected 404 (own site only)';
    }
    if (status === 404) {
      return `${effective === 'trial-wide' ? 'a trial-wide user' : 'its own site'}'s record not found`;
    }
    return null;
  }

  it('[REQ-ACC-001] covers every route of every controller', () => {
    expect(routes.length).toBeGreaterThan(80);
    for (const r of routes) {
      if (r.method !== 'GET') {
        expect(() => bodyFor(key(r), fixtures[OWN], loginUser, doc)).not.toThrow();
      }
    }
  });

  it('[REQ-ACC-001] answers 401 to every non-public route without a token', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      const res = await send(route, fixtures[OWN], null);
      if (res.status !== 401) {
        wrong.push(`${key(route)}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('[REQ-ACC-002][REQ-BLIND-001] answers every role at every scope as the route declares, and never shows a blinded assessor an arm', async () => {
    const rank = (r: RouteInfo) =>
      AFTER_WRITES[key(r)] ??
      (r.method === 'GET' ? 0 : LAST.includes(key(r)) ? 2 + LAST.indexOf(key(r)) : 1);
    const ordered = [...routes].sort((a, b) => rank(a) - rank(b));
    for (const route of ordered) {
      for (const role of ROLES) {
        const cases: [Scope, TestUser, Fixture][] = [
          ['own', siteUsers[role], fixtures[OWN]],
          ['other', siteUsers[role], fixtures[OTHER]],
          ['trial-wide', wideUsers[role], fixtures[OTHER]],
        ];
        const multi = multiUsers[role];
        if (multi) {
          cases.push(['own', multi, fixtures[OWN]], ['other', multi, fixtures[OTHER]]);
        }
        for (const [scope, user, f] of cases) {
          const res = await send(route, f, user.token, user.acting);
          const label =
            user.roles.length > 1 ? (`${role} of [${user.roles.join(', ')}]` as Role) : role;
          results.push({
            route: key(route),
            role: label,
            scope,
            status: res.status,
            problem: judge(route, role, scope, res.status, (res.body as { code?: unknown }).code),
          });
          if (
            role === 'blinded_assessor' &&
            res.status < 300 &&
            !TRIAL_REFERENCE_ROUTES.includes(route.path)
          ) {
            const leaks = armRevealing(res.text ?? '');
            if (leaks.length) {
              blindedLeaks.push(
                `${key(route)} (${scope}): ${leaks.join(', ')} in ${(res.text ?? '').slice(0, 200)}`,
              );
            }
          }
        }
      }
    }
    const problems = results
      .filter((r) => r.problem)
      .map((r) => `${r.route} as ${r.role} (${r.scope}) → ${r.status}: ${r.problem}`);
    expect(problems).toEqual([]);
    expect(blindedLeaks).toEqual([]);
    // The matrix really exercised allowed access, refusals and other-site 404s.
    const count = (p: (r: Result) => boolean) => results.filter(p).length;
    expect(count((r) => r.status === 403)).toBeGreaterThan(500);
    expect(count((r) => r.scope === 'other' && r.status === 404)).toBeGreaterThan(60);
    expect(count((r) => r.status >= 200 && r.status < 300)).toBeGreaterThan(200);
    process.stdout.write(
      `authorisation matrix: ${routes.length} routes × ${ROLES.length} roles × 3 scopes = ${results.length} requests; ` +
        `${count((r) => r.status < 300)} 2xx, ${count((r) => r.status === 403)} 403, ${count((r) => r.status === 404)} 404, ` +
        `${count((r) => r.status >= 400 && r.status !== 403 && r.status !== 404)} other 4xx\n`,
    );
  }, 300_000);
});
