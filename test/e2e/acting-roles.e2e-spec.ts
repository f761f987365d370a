import { AppModule } from 'src/app.module';
import { actingRoles, ROLES, roleConflicts, type Role } from 'src/common/context/roles';
import { createTestApp, TestApp } from '../harness/app';
import { armRevealing, TRIAL_REFERENCE_ROUTES } from '../harness/arm-revealing';
import { bearer, TEST_PASSWORD, TestUser } from '../harness/factory';
import { fixturePath, SiteFixture, siteFixture } from '../harness/fixtures';
import { PATHWAY_NOW } from '../harness/pathway';
import { collectRoutes } from '../unit/routes';

/**
 * One acting role per request (issue 12). A user with several roles acts in one at a time, chosen
 * at sign-in or switched later, carried in the token; scope, blinding and permissions follow that
 * role alone. The combination rules are declared once (src/common/context/roles.ts) and enforced on
 * create and update; accounts that break them (made by hand) act only in their least privileged role.
 */

/** Every unordered pair of roles. */
const PAIRS: [Role, Role][] = ROLES.flatMap((a, i) =>
  ROLES.slice(i + 1).map((b) => [a, b] as [Role, Role]),
);
const FORBIDDEN = PAIRS.filter((p) => roleConflicts(p).length > 0);
const ALLOWED_COMBINATIONS: Role[][] = [
  ...PAIRS.filter((p) => roleConflicts(p).length === 0),
  ['coordinator', 'investigator', 'site_staff'],
];

/** Answers that are about the caller itself, not about the data: they differ between two users by nature. */
const PER_USER = new Set(['/auth/me', '/notifications', '/notifications/unread-count']);

describe('one acting role per request, and role combinations that cannot break blinding (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let fixture: SiteFixture;
  let ams: string;
  const routes = collectRoutes(AppModule);

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    admin = await t.factory.user('admin', { trialWide: true });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    fixture = await siteFixture(t, 'NL-AMS');
    ams = fixture.site;
  }, 180_000);
  afterAll(() => t.close());

  const createUser = (roles: Role[], extra: object = {}) =>
    t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email: `combo.${Math.random().toString(36).slice(2)}@test.local`,
        displayName: 'Combo',
        password: 'a long enough passphrase',
        roles,
        siteIds: [ams],
        ...extra,
      });

  it('declares the rules so that a blinded assessor can hold no arm-revealing role, statisticians and monitors no site role, admins no clinical role', () => {
    for (const r of ROLES.filter((r) => r !== 'blinded_assessor')) {
      expect(roleConflicts(['blinded_assessor', r]).length).toBeGreaterThan(0);
    }
    for (const r of ['coordinator', 'investigator', 'site_staff', 'blinded_assessor'] as Role[]) {
      expect(roleConflicts(['statistician', r]).length).toBeGreaterThan(0);
      expect(roleConflicts(['monitor', r]).length).toBeGreaterThan(0);
    }
    for (const r of ROLES.filter((r) => r !== 'admin')) {
      expect(roleConflicts(['admin', r]).length).toBeGreaterThan(0);
    }
    expect(FORBIDDEN.length).toBeGreaterThan(10);
    // A conflicted account acts in one role only, and a blinded role wins.
    expect(actingRoles(['investigator', 'blinded_assessor'])).toEqual(['blinded_assessor']);
    expect(actingRoles(['coordinator', 'statistician'])).toEqual(['coordinator']);
  });

  it('[REQ-BLIND-002] refuses every forbidden combination on create and on update with a 409 naming the conflict, and changes nothing', async () => {
    const target = (await createUser(['site_staff']).expect(201)).body as {
      id: string;
      roles: Role[];
    };
    const count = async () =>
      Number((await t.dataSource.query(`SELECT count(*) AS n FROM users`))[0].n);
    const wrong: string[] = [];
    for (const pair of FORBIDDEN) {
      const before = await count();
      const created = await createUser(pair);
      const codes = roleConflicts(pair).map((c) => c.code);
      if (
        created.status !== 409 ||
        created.body.code !== 'ROLE_COMBINATION_FORBIDDEN' ||
        !codes.every(
          (c) => created.body.message.includes(pair[0]) && JSON.stringify(created.body).includes(c),
        )
      ) {
        wrong.push(`create ${pair}: ${created.status} ${JSON.stringify(created.body)}`);
      }
      if ((await count()) !== before) {
        wrong.push(`create ${pair} changed the users`);
      }
      const updated = await t
        .http()
        .patch(`/users/${target.id}`)
        .set(bearer(admin))
        .send({ roles: pair, reason: 'combination' });
      if (updated.status !== 409 || updated.body.code !== 'ROLE_COMBINATION_FORBIDDEN') {
        wrong.push(`update ${pair}: ${updated.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(
      (await t.http().get(`/users/${target.id}`).set(bearer(admin)).expect(200)).body.roles,
    ).toEqual(['site_staff']);
    for (const combo of ALLOWED_COMBINATIONS) {
      const extra =
        combo.includes('admin') || combo.some((r) => r === 'statistician' || r === 'monitor')
          ? { siteIds: [], trialWide: true }
          : {};
      await createUser(combo, extra).expect(201);
    }
  });

  it('[REQ-ACC-001] documents every operation with the roles it declares (x-roles) or as public (x-public)', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { 'x-roles'?: string[]; 'x-public'?: boolean }>>;
    };
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const op = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (!op) {
        wrong.push(`${route.method} ${route.path}: not in the document`);
        continue;
      }
      checked++;
      const ok = route.isPublic
        ? op['x-public'] === true
        : JSON.stringify(op['x-roles']) === JSON.stringify(route.roles);
      if (!ok) {
        wrong.push(
          `${route.method} ${route.path}: ${JSON.stringify(op['x-roles'] ?? op['x-public'])}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(90);
  });

  it('[REQ-BLIND-002] signs in acting in one role: the least privileged unless chosen, switchable, never one the account does not hold', async () => {
    const created = (await createUser(['investigator', 'coordinator']).expect(201)).body as {
      email: string;
    };
    const email = created.email;
    const plain = await t
      .http()
      .post('/auth/login')
      .send({ email, password: 'a long enough passphrase' })
      .expect(200);
    expect(plain.body.actingRole).toBe('coordinator');
    expect(plain.body.user.actingRoles).toEqual(['coordinator', 'investigator']);
    const chosen = await t
      .http()
      .post('/auth/login')
      .send({ email, password: 'a long enough passphrase', role: 'investigator' })
      .expect(200);
    expect(chosen.body.actingRole).toBe('investigator');
    const refused = await t
      .http()
      .post('/auth/login')
      .send({ email, password: 'a long enough passphrase', role: 'statistician' })
      .expect(403);
    expect(refused.body.code).toBe('ROLE_NOT_ALLOWED');
    // As coordinator: the randomisation route (investigator only) is refused; after the switch it is reached.
    const asCoordinator = { Authorization: `Bearer ${plain.body.accessToken}` };
    await t
      .http()
      .get('/randomization/sequence?stratum=country%3DNL')
      .set(asCoordinator)
      .expect(403);
    expect(
      (await t.http().post(`/participants/${fixture.participant}/randomization`).set(asCoordinator))
        .status,
    ).toBe(403);
    const switched = await t
      .http()
      .post('/auth/role')
      .set(asCoordinator)
      .send({ role: 'investigator' })
      .expect(200);
    expect(switched.body.actingRole).toBe('investigator');
    const asInvestigator = { Authorization: `Bearer ${switched.body.accessToken}` };
    expect(
      (
        await t
          .http()
          .post(`/participants/${fixture.participant}/randomization`)
          .set(asInvestigator)
      ).status,
    ).toBe(200);
    await t.http().post('/auth/role').set(asInvestigator).send({ role: 'admin' }).expect(403);
    // The audit records the acting role of each action.
    const rows: { actor_role: string; action: string }[] = await t.dataSource.query(
      `SELECT actor_role, action FROM audit_log WHERE action = 'auth.role_switched' ORDER BY seq DESC LIMIT 1`,
    );
    expect(rows[0]).toMatchObject({ actor_role: 'coordinator' });
  });

  it('[REQ-BLIND-002] answers every GET route for each allowed combination exactly as for the acting role alone, response by response', async () => {
    const gets = routes.filter(
      (r) =>
        r.method === 'GET' &&
        !r.isPublic &&
        !PER_USER.has(r.path) &&
        !r.path.startsWith('/admin/queues'),
    );
    const differences: string[] = [];
    let compared = 0;
    for (const combo of ALLOWED_COMBINATIONS) {
      const wide = combo.some((r) => r === 'statistician' || r === 'monitor' || r === 'admin');
      const scope = wide ? { trialWide: true } : { sites: ['NL-AMS'] };
      const multi = await t.factory.user(combo, scope);
      for (const role of combo) {
        const single = await t.factory.user(role, scope);
        const acting = await t.factory.actingAs(multi, role);
        for (const route of gets) {
          const path =
            fixturePath(route.path, fixture) +
            (route.path === '/randomization/sequence' ? '?stratum=country%3DNL' : '');
          const a = await t.http().get(path).set(bearer(acting));
          const b = await t.http().get(path).set(bearer(single));
          compared++;
          // Request ids differ by nature, and a history download is itself a line of the history
          // (audited on the participant, so the second request also lists the first); everything
          // else must be the same.
          const norm = (r: { text?: string; body: unknown }) =>
            (
              r.text ??
              (Buffer.isBuffer(r.body) ? r.body.toString('base64') : JSON.stringify(r.body))
            )
              .replace(/"requestId":"[^"]*"/g, '')
              .replace(/^.*,audit\.history_exported,.*\n/gm, '');
          if (a.status !== b.status || norm(a) !== norm(b)) {
            differences.push(
              `${route.path} as ${role} of [${combo}]: ${a.status} vs ${b.status} ${norm(a).slice(0, 120)} | ${norm(b).slice(0, 120)}`,
            );
          }
        }
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(500);
  }, 300_000);

  it('lets a legacy account that breaks the rules act only in its least privileged role, a blinded one, and lists it for the admin', async () => {
    // Made by hand in the database, as accounts from before the rules were.
    const legacy = await t.factory.user(['investigator', 'blinded_assessor', 'coordinator'], {
      sites: ['NL-AMS'],
      email: 'legacy.blinded@test.local',
    });
    expect(legacy.acting).toBe('blinded_assessor');
    const listed = await t.http().get('/users/role-conflicts').set(bearer(admin)).expect(200);
    const entry = (
      listed.body as { id: string; conflicts: { code: string }[]; actingRoles: Role[] }[]
    ).find((u) => u.id === legacy.id);
    expect(entry?.actingRoles).toEqual(['blinded_assessor']);
    expect(entry?.conflicts.map((c) => c.code)).toContain('BLINDED_WITH_ARM_ROLE');
    const login = await t
      .http()
      .post('/auth/login')
      .send({ email: legacy.email, password: TEST_PASSWORD })
      .expect(200);
    expect(login.body.actingRole).toBe('blinded_assessor');
    await t
      .http()
      .post('/auth/login')
      .send({ email: legacy.email, password: TEST_PASSWORD, role: 'investigator' })
      .expect(403);
    // A token that claims the arm-revealing role is not honoured.
    const forged = await t.factory.actingAs(legacy, 'investigator');
    await t.http().get('/allocations').set(bearer(forged)).expect(401);
    // Every GET answer to the legacy account is free of arm-revealing fields.
    const leaks: string[] = [];
    let read = 0;
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !TRIAL_REFERENCE_ROUTES.includes(r.path),
    )) {
      const res = await t.http().get(fixturePath(route.path, fixture)).set(bearer(legacy));
      if (res.status >= 500) {
        leaks.push(`${route.path}: ${res.status}`);
      }
      if (res.status !== 200) {
        continue;
      }
      read++;
      const found = armRevealing(res.text);
      if (found.length) {
        leaks.push(`${route.path}: ${found.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(read).toBeGreaterThan(5);
    await t.http().get('/allocations').set(bearer(legacy)).expect(403);
  });

  it('[REQ-RAND-006] keeps the sequence number within the stratum for statisticians and monitors only', async () => {
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const monitor = await t.factory.user('monitor', { trialWide: true });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    const path = `/participants/${fixture.participant}/randomization`;
    expect(
      (await t.http().get(path).set(bearer(investigator)).expect(200)).body,
    ).not.toHaveProperty('sequenceNumber');
    const list = await t.http().get('/allocations').set(bearer(investigator)).expect(200);
    for (const item of list.body.items as object[]) {
      expect(item).not.toHaveProperty('sequenceNumber');
    }
    expect((await t.http().get(path).set(bearer(monitor)).expect(200)).body.sequenceNumber).toEqual(
      expect.any(Number),
    );
    expect(
      (await t.http().get(path).set(bearer(statistician)).expect(200)).body.sequenceNumber,
    ).toEqual(expect.any(Number));
    await t
      .http()
      .get('/randomization/sequence?stratum=country%3DNL')
      .set(bearer(monitor))
      .expect(403);
    await t
      .http()
      .get('/randomization/sequence?stratum=country%3DNL')
      .set(bearer(investigator))
      .expect(403);
  });

  it('[REQ-ACC-002] dates site memberships: outside its dates a membership gives no access', async () => {
    const day = PATHWAY_NOW.slice(0, 10);
    const make = (startsOn: string | null, endsOn: string | null) =>
      createUser(['coordinator'], {
        siteIds: undefined,
        memberships: [{ siteId: ams, startsOn, endsOn }],
      }).expect(201);
    const cases: [string | null, string | null, number][] = [
      [null, null, 200],
      ['2026-01-01', day, 200],
      [day, null, 200],
      ['2025-01-01', '2026-02-28', 404],
      ['2026-03-02', null, 404],
    ];
    for (const [startsOn, endsOn, status] of cases) {
      const created = (await make(startsOn, endsOn)).body as {
        email: string;
        memberships: unknown[];
        siteIds: string[];
      };
      expect(created.memberships).toEqual([{ siteId: ams, startsOn, endsOn }]);
      expect(created.siteIds).toEqual(status === 200 ? [ams] : []);
      const login = await t
        .http()
        .post('/auth/login')
        .send({ email: created.email, password: 'a long enough passphrase' })
        .expect(200);
      const res = await t
        .http()
        .get(`/participants/${fixture.participant}`)
        .set('Authorization', `Bearer ${login.body.accessToken}`);
      expect([startsOn, endsOn, res.status]).toEqual([startsOn, endsOn, status]);
    }
    for (const bad of [
      { memberships: [{ siteId: ams, startsOn: '2026-05-01', endsOn: '2026-04-01' }] },
      { memberships: [{ siteId: ams, startsOn: '0000-01-01' }] },
      { memberships: [{ siteId: ams, endsOn: '9999-12-31' }] },
      { memberships: [{ siteId: ams }, { siteId: ams }] },
      { memberships: [{ siteId: ams, startsOn: '2026-W10' }] },
      { memberships: [{ siteId: ams }], siteIds: [ams] },
    ]) {
      const res = await createUser(['coordinator'], { siteIds: undefined, ...bad });
      expect([JSON.stringify(bad), res.status]).toEqual([JSON.stringify(bad), 400]);
    }
  });
});

describe('an admin is configuration only (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let monitor: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW });
    admin = await t.factory.user('admin', { trialWide: true });
    monitor = await t.factory.user('monitor', { trialWide: true });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    // An arm-A participant with its booking, schedule and a logged visit; then an arm-B one with its drug.
    const f = await siteFixture(t, 'NL-AMS');
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const { consentedParticipant } = await import('../harness/pathway');
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    for (let i = 0; i < 12; i++) {
      const id = await consentedParticipant(t, { coordinator, investigator, siteId: f.site });
      const res = await t
        .http()
        .post(`/participants/${id}/randomization`)
        .set(bearer(investigator))
        .expect(201);
      if (res.body.arm === 'B') {
        await t
          .http()
          .put(`/participants/${id}/arm-b-drug`)
          .set(bearer(investigator))
          .send({ drug: 'ocrelizumab', startDate: PATHWAY_NOW.slice(0, 10) })
          .expect(200);
        break;
      }
    }
    await t.drainJobs(30_000);
  }, 180_000);
  afterAll(() => t.close());

  const allRows = async (user: TestUser, query = '') => {
    const rows: {
      entity: string;
      action: string;
      before: unknown;
      after: unknown;
      reason: unknown;
      redacted: boolean;
    }[] = [];
    for (let page = 1; ; page++) {
      const res = await t
        .http()
        .get(`/audit?pageSize=100&page=${page}${query}`)
        .set(bearer(user))
        .expect(200);
      rows.push(...res.body.items);
      if (page * 100 >= res.body.total) {
        return { rows, text: JSON.stringify(rows) };
      }
    }
  };

  it("[REQ-AUD-004] shows the admin's audit trail with no arm and no clinical value, and the monitor's whole", async () => {
    await t
      .http()
      .post('/users')
      .set(bearer(admin))
      .send({
        email: 'config.row@test.local',
        displayName: 'Config',
        password: 'a long enough passphrase',
        roles: ['monitor'],
        siteIds: [],
        trialWide: true,
      })
      .expect(201);
    const seen = await allRows(admin);
    expect(seen.rows.length).toBeGreaterThan(30);
    expect(seen.rows.filter((r) => armRevealing(JSON.stringify(r)).length > 0)).toEqual([]);
    const clinical = seen.rows.filter((r) => !['user', 'site'].includes(r.entity));
    expect(clinical.length).toBeGreaterThan(20);
    for (const r of clinical) {
      expect([r.action, r.before, r.after, r.reason, r.redacted]).toEqual([
        r.action,
        null,
        null,
        null,
        true,
      ]);
    }
    expect(seen.rows.some((r) => r.action === 'treatment.recorded')).toBe(true);
    // Configuration rows keep their values.
    expect(seen.rows.find((r) => r.action === 'user.created' && r.after)).toBeDefined();
    // A filter by an arm-specific action finds every arm-specific row, so it tells nothing either.
    const bySlot = await allRows(admin, '&action=scheduling.slot_booked');
    const byDrug = await allRows(admin, '&action=randomization.arm_b_drug_chosen');
    expect(bySlot.rows.length).toBeGreaterThan(1);
    expect(bySlot.text).toBe(byDrug.text);
    // The monitor sees arms and values.
    const whole = await allRows(monitor);
    expect(armRevealing(whole.text).length).toBeGreaterThan(0);
    expect(whole.rows.some((r) => r.action === 'randomization.allocated' && r.after)).toBe(true);
  });

  it('[REQ-ACC-003] refuses self-escalation, clinical roles for admins, and leaving no admin', async () => {
    const self = await t
      .http()
      .patch(`/users/${admin.id}`)
      .set(bearer(admin))
      .send({ roles: ['investigator'], trialWide: true, reason: 'escalate' });
    expect([self.status, self.body.code]).toEqual([409, 'USER_SELF_ROLE_CHANGE']);
    const both = await t
      .http()
      .patch(`/users/${admin.id}`)
      .set(bearer(admin))
      .send({ roles: ['admin', 'investigator'], reason: 'escalate' });
    expect(both.status).toBe(409);
    await t
      .http()
      .post(`/users/${admin.id}/deactivate`)
      .set(bearer(admin))
      .send({ reason: 'leaving' })
      .expect(409);
    // Another admin cannot be given a clinical role either.
    const second = await t.factory.user('admin', { trialWide: true });
    const grant = await t
      .http()
      .patch(`/users/${second.id}`)
      .set(bearer(admin))
      .send({ roles: ['admin', 'monitor'], reason: 'grant' });
    expect([grant.status, grant.body.code]).toEqual([409, 'ROLE_COMBINATION_FORBIDDEN']);
    expect(
      (await t.http().get(`/users/${second.id}`).set(bearer(admin)).expect(200)).body.roles,
    ).toEqual(['admin']);
    // Leave exactly two active admins, then each removes the other at the same instant: one must stay.
    const others: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM users WHERE active AND 'admin' = ANY(roles) AND id <> ALL($1)`,
      [[admin.id, second.id]],
    );
    for (const { id } of others) {
      await t
        .http()
        .post(`/users/${id}/deactivate`)
        .set(bearer(admin))
        .send({ reason: 'leaving' })
        .expect(200);
    }
    for (let round = 0; round < 5; round++) {
      const keeper = round === 0 ? second : await t.factory.user('admin', { trialWide: true });
      const current: { id: string }[] = await t.dataSource.query(
        `SELECT id FROM users WHERE active AND 'admin' = ANY(roles)`,
      );
      const last = current.find((u) => u.id !== keeper.id) as { id: string };
      const lastUser =
        last.id === admin.id ? admin : await t.factory.actingAs({ ...admin, id: last.id }, 'admin');
      const results = await Promise.all([
        t
          .http()
          .post(`/users/${keeper.id}/deactivate`)
          .set(bearer(lastUser))
          .send({ reason: 'race' }),
        t
          .http()
          .patch(`/users/${last.id}`)
          .set(bearer(keeper))
          .send({ roles: ['monitor'], trialWide: true, reason: 'race' }),
      ]);
      const statuses = results.map((r) => r.status);
      // One wins; the other is refused as the last admin (409), or finds its own token revoked (401).
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => [200, 401, 409].includes(s))).toBe(true);
      const left: { id: string }[] = await t.dataSource.query(
        `SELECT id FROM users WHERE active AND 'admin' = ANY(roles)`,
      );
      expect(left).toHaveLength(1);
    }
  });
});
