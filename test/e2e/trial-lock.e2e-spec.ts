import { AppModule } from 'src/app.module';
import type { Role } from 'src/common/context/roles';
import { FollowUpSweepService } from 'src/modules/follow-up/follow-up-sweep.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { FIXTURE_DAY, fixturePath, SiteFixture, siteFixture } from '../harness/fixtures';
import type { OpenApiDoc } from '../harness/openapi';
import { PATHWAY_NOW } from '../harness/pathway';
import { collectRoutes, type RouteInfo } from '../unit/routes';

/**
 * The final trial lock (issue 18), generated over every route of the app: after a statistician
 * and an admin lock the trial together, every clinical write (every non-GET route not marked
 * @NotClinicalWrite, public ones included), sent by a user of a role the route permits, answers
 * 409 DATABASE_LOCKED naming the lock, and no table changes. Safety reporting (@SafetyReporting)
 * still works, each write recorded as an audited exception. The sweep marks nothing missed while
 * locked. Locking and unlocking need two different people, one in each of the two roles.
 */

const OWN = 'NL-AMS';
const SITE_ROLES: Role[] = ['coordinator', 'investigator', 'site_staff', 'blinded_assessor'];
const PREFERRED: Role[] = [...SITE_ROLES, 'statistician', 'monitor', 'admin'];
const ANY_ID = '00000000-0000-4000-8000-0000000b10c0';

const key = (r: RouteInfo) => `${r.method} ${r.path}`;

describe('the final trial lock: every clinical write refused, safety reporting excepted (e2e)', () => {
  let t: TestApp;
  let f: SiteFixture;
  let doc: OpenApiDoc;
  const users = {} as Record<Role, TestUser>;
  let admin2: TestUser;
  let statistician2: TestUser;
  const routes = collectRoutes(AppModule);

  const flag = (r: RouteInfo, name: string): boolean => {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method.toLowerCase()] as Record<string, unknown> | undefined;
    if (!op) {
      throw new Error(`${key(r)} is not in the OpenAPI document`);
    }
    return op[name] === true;
  };
  const clinical = (r: RouteInfo) => r.method !== 'GET' && !flag(r, 'x-not-clinical-write');

  const pathOf = (r: RouteInfo): string =>
    r.path.replace(/:(\w+)/g, (param: string) => {
      try {
        return fixturePath(param, f);
      } catch {
        return ANY_ID;
      }
    });

  const tableCounts = async (): Promise<Record<string, number>> => {
    const tables = (await t.dataSource.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
    )) as { tablename: string }[];
    const out: Record<string, number> = {};
    for (const { tablename } of tables) {
      const [{ n }] = (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM "${tablename}"`,
      )) as { n: number }[];
      out[tablename] = n;
    }
    return out;
  };
  /** A fingerprint of the clinical rows that may change in place (not only by count). */
  const fingerprint = async (): Promise<string> => {
    const [{ h }] = (await t.dataSource.query(
      `SELECT md5(
         (SELECT coalesce(string_agg(p::text, '|' ORDER BY p.id), '') FROM participants p) ||
         (SELECT coalesce(string_agg(v::text, '|' ORDER BY v.id), '') FROM visits v) ||
         (SELECT coalesce(string_agg(a::text, '|' ORDER BY a.id), '') FROM adverse_events a) ||
         (SELECT coalesce(string_agg(b::text, '|' ORDER BY b.id), '') FROM transplant_bookings b)
       ) AS h`,
    )) as { h: string }[];
    return h;
  };

  const request = (user: TestUser, action: 'lock' | 'unlock', reason: string) =>
    t.http().post('/trial-lock/requests').set(bearer(user)).send({ action, reason });
  const approve = (user: TestUser, id: string) =>
    t.http().post(`/trial-lock/requests/${id}/approve`).set(bearer(user));

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW });
    for (const role of PREFERRED) {
      users[role] = SITE_ROLES.includes(role)
        ? await t.factory.user(role, { sites: [OWN] })
        : await t.factory.user(role, { trialWide: true });
    }
    admin2 = await t.factory.user('admin', { trialWide: true });
    statistician2 = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(users.statistician))
      .expect(200);
    f = await siteFixture(t, OWN);
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDoc;
  }, 180_000);
  afterAll(() => t.close());

  let lockId = '';

  it('locks only with two different people, a statistician and an admin', async () => {
    const asked = await request(users.statistician, 'lock', 'database lock for the final analysis');
    expect(asked.status).toBe(201);
    const id = (asked.body as { id: string }).id;
    // The requester cannot approve their own request, nor can someone in the same role.
    const self = await approve(users.statistician, id);
    expect([self.status, self.body.code]).toEqual([403, 'SECOND_PERSON_REQUIRED']);
    const sameRole = await approve(statistician2, id);
    expect([sameRole.status, sameRole.body.code]).toEqual([403, 'LOCK_ROLES_REQUIRED']);
    expect((await t.http().get('/trial-lock').set(bearer(users.monitor))).body.lock).toBeNull();
    const approved = await approve(users.admin, id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', action: 'lock' });
    const state = await t.http().get('/trial-lock').set(bearer(users.monitor)).expect(200);
    expect(state.body.lock).toMatchObject({ reason: 'database lock for the final analysis' });
    lockId = (state.body.lock as { id: string }).id;
    const audit = await t.factory.auditRows({ action: 'data-lock.trial_locked' });
    expect(audit).toHaveLength(1);
    // Already locked: a second lock request is refused.
    expect((await request(admin2, 'lock', 'again')).status).toBe(409);
  });

  it('[REQ-MON-005] answers every clinical write 409 DATABASE_LOCKED naming the lock, and changes nothing', async () => {
    expect(lockId).not.toBe('');
    const writes = routes.filter((r) => clinical(r) && !flag(r, 'x-safety-reporting'));
    // The generated set is the app's whole clinical surface, not a hand-picked few.
    expect(writes.length).toBeGreaterThan(30);
    for (const must of [
      'POST /participants',
      'POST /follow-up/visits/:visitId/log',
      'PATCH /follow-up/visits/:visitId/log',
      'POST /participants/:id/randomization',
      'POST /public/prescreening/registrations',
      'POST /data-cuts/unfreezes',
    ]) {
      expect(writes.map(key)).toContain(must);
    }
    const countsBefore = await tableCounts();
    const before = await fingerprint();
    const wrong: string[] = [];
    for (const route of writes) {
      const role = PREFERRED.find((r) => route.roles?.includes(r));
      let req = t
        .http()
        [route.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete'](pathOf(route));
      if (!route.isPublic) {
        if (!role) {
          wrong.push(`${key(route)}: no role`);
          continue;
        }
        req = req.set(bearer(users[role]));
      }
      const res = await req.send({});
      const body = res.body as {
        code?: string;
        errors?: { params?: { lock?: { id?: string } } }[];
      };
      if (
        res.status !== 409 ||
        body.code !== 'DATABASE_LOCKED' ||
        body.errors?.[0]?.params?.lock?.id !== lockId
      ) {
        wrong.push(`${key(route)} as ${role ?? 'anonymous'}: ${res.status} ${body.code}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(countsBefore);
    expect(await fingerprint()).toBe(before);
  }, 120_000);

  it('still refuses a token-less or wrong-role write first (the lock guard runs after the auth guard)', async () => {
    await t.http().post(`/follow-up/visits/${f.visit}/log`).send({}).expect(401);
    const res = await t
      .http()
      .post(`/follow-up/visits/${f.visit}/log`)
      .set(bearer(users.monitor))
      .send({});
    expect(res.status).toBe(403);
  });

  it('lets writes that change no clinical data through (e.g. read-marks)', async () => {
    await t
      .http()
      .post('/notifications/read')
      .set(bearer(users.site_staff))
      .send({ all: true })
      .expect((res) => expect(res.status).toBeLessThan(300));
  });

  it('accepts an SAE report under the lock as an audited exception', async () => {
    // A refused report (invalid) passes the lock but stores nothing, and records no exception.
    await t
      .http()
      .post(`/follow-up/participants/${f.participant}/adverse-events`)
      .set(bearer(users.site_staff))
      .send({ adverseEvents: [{ term: '' }] })
      .expect(400);
    expect(await t.factory.auditRows({ action: 'data-lock.safety_exception' })).toHaveLength(0);
    const countsBefore = await tableCounts();
    const res = await t
      .http()
      .post(`/follow-up/participants/${f.participant}/adverse-events`)
      .set(bearer(users.site_staff))
      .send({
        adverseEvents: [
          {
            term: 'Sepsis',
            onsetDate: FIXTURE_DAY,
            awareDate: FIXTURE_DAY,
            severity: 'severe',
            serious: true,
            seriousnessCriteria: ['hospitalisation'],
            outcome: 'recovering',
          },
        ],
      });
    expect(res.status).toBe(201);
    const exceptions = await t.factory.auditRows({ action: 'data-lock.safety_exception' });
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]).toMatchObject({
      entity: 'trial_lock',
      entity_id: lockId,
      after: { route: 'POST /follow-up/participants/:participantId/adverse-events' },
    });
    const after = await tableCounts();
    expect(after.adverse_events).toBe(countsBefore.adverse_events + 1);
    // In the same transaction as the report: the report's audit row is next to it.
    const report = await t.factory.auditRows({ action: 'follow-up.adverse_event_recorded' });
    const last = report[report.length - 1] as unknown as { request_id: string };
    expect((exceptions[0] as unknown as { request_id: string }).request_id).toBe(last.request_id);
  });

  it("stops the system's own writes: the sweep marks nothing missed while locked", async () => {
    const sweep = t.app.get(FollowUpSweepService);
    const scheduled = async () =>
      (
        (await t.dataSource.query(
          `SELECT count(*)::int AS n FROM visits WHERE status = 'scheduled'`,
        )) as { n: number }[]
      )[0].n;
    const before = await scheduled();
    expect(before).toBeGreaterThan(0);
    const later = new Date(new Date(PATHWAY_NOW).getTime() + 400 * 86_400_000);
    const locked = await sweep.sweep(later);
    expect(locked.counts.markedMissed).toBe(0);
    expect(locked.counts.enqueued).toBe(0);
    expect(await scheduled()).toBe(before);
  });

  it('[REQ-MON-005] unlocks only with a reason and two different people; then writes flow again', async () => {
    const noReason = await t
      .http()
      .post('/trial-lock/requests')
      .set(bearer(users.admin))
      .send({ action: 'unlock' });
    expect(noReason.status).toBe(400);
    const asked = await request(users.admin, 'unlock', 'late query resolution agreed with sponsor');
    expect(asked.status).toBe(201);
    const id = (asked.body as { id: string }).id;
    const self = await approve(users.admin, id);
    expect([self.status, self.body.code]).toEqual([403, 'SECOND_PERSON_REQUIRED']);
    // Still locked after the refused approval.
    const still = await t
      .http()
      .patch(`/follow-up/visits/${f.visit}/log`)
      .set(bearer(users.site_staff))
      .send({ reason: 'typo', notes: 'seen' });
    expect(still.body.code).toBe('DATABASE_LOCKED');
    await approve(users.statistician, id).expect(200);
    expect((await t.http().get('/trial-lock').set(bearer(users.admin))).body.lock).toBeNull();
    const audit = await t.factory.auditRows({ action: 'data-lock.trial_unlocked' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: 'late query resolution agreed with sponsor' });
    const corrected = await t
      .http()
      .patch(`/follow-up/visits/${f.visit}/log`)
      .set(bearer(users.site_staff))
      .send({ reason: 'typo', notes: 'seen' });
    expect(corrected.status).toBe(200);
    // And the sweep works again: the same late date now marks visits missed.
    const later = new Date(new Date(PATHWAY_NOW).getTime() + 400 * 86_400_000);
    const swept = await t.app.get(FollowUpSweepService).sweep(later);
    expect(swept.counts.markedMissed).toBeGreaterThan(0);
  });
});
