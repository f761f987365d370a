import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';

/** Withdrawal, death and loss to follow-up of a randomised participant end the visit schedule. */
describe('ending follow-up cancels the remaining visits (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;
  let investigator: TestUser;
  let ams: string;

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
  }, 60_000);
  afterAll(() => t.close());

  async function randomisedWithSchedule(): Promise<string> {
    const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
    await t.http().post(`/participants/${id}/randomization`).set(bearer(investigator)).expect(201);
    await t.drainJobs(30_000);
    return id;
  }
  const statuses = async (id: string) => {
    const rows: { status: string }[] = await t.dataSource.query(
      `SELECT status FROM visits WHERE participant_id = $1`,
      [id],
    );
    return rows.map((r) => r.status);
  };

  it('[REQ-PART-003] cancels the open visits on withdrawal, in the same transaction', async () => {
    const id = await randomisedWithSchedule();
    const before = await statuses(id);
    expect(before.length).toBeGreaterThanOrEqual(9);
    expect(before.every((s) => s === 'scheduled')).toBe(true);
    await t
      .http()
      .post(`/participants/${id}/withdraw`)
      .set(bearer(coordinator))
      .send({ destroySamples: false })
      .expect(200);
    expect(new Set(await statuses(id))).toEqual(new Set(['cancelled']));
    expect(
      await t.factory.auditRows({ action: 'follow-up.visits_cancelled', entityId: id }),
    ).toHaveLength(1);
  }, 60_000);

  it('records death and loss to follow-up as outcomes that end the schedule', async () => {
    const died = await randomisedWithSchedule();
    const res = await t
      .http()
      .post(`/participants/${died}/outcome`)
      .set(bearer(investigator))
      .send({ outcome: 'died', reason: 'reported by the GP' })
      .expect(200);
    expect(res.body.status).toBe('died');
    expect(new Set(await statuses(died))).toEqual(new Set(['cancelled']));

    const lost = await randomisedWithSchedule();
    await t
      .http()
      .post(`/participants/${lost}/outcome`)
      .set(bearer(coordinator))
      .send({ outcome: 'lost_to_follow_up', reason: 'no contact since 2026-02' })
      .expect(200);
    expect(new Set(await statuses(lost))).toEqual(new Set(['cancelled']));
    // Nothing leaves a terminal state, and a candidate who was never randomised has no outcome.
    const again = await t
      .http()
      .post(`/participants/${lost}/outcome`)
      .set(bearer(coordinator))
      .send({ outcome: 'died', reason: 'x' })
      .expect(409);
    expect(again.body.code).toBe('PARTICIPANT_ILLEGAL_TRANSITION');
    const candidate = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({ siteId: ams, identity: { givenName: 'A', familyName: 'B', birthDate: '1990-01-01' } })
      .expect(201);
    await t
      .http()
      .post(`/participants/${candidate.body.id}/outcome`)
      .set(bearer(coordinator))
      .send({ outcome: 'completed', reason: 'x' })
      .expect(409);
    await t
      .http()
      .post(`/participants/${candidate.body.id}/outcome`)
      .set(bearer(coordinator))
      .send({ outcome: 'finished', reason: 'x' })
      .expect(400);
  }, 90_000);
});
