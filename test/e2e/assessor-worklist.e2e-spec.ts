import { FollowUpService } from 'src/modules/follow-up/follow-up.service';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';

const RANDOMISED = '2026-03-28T23:30:00Z'; // week 0 = 2026-03-29 at Amsterdam

type Item = {
  visitId: string;
  code: string;
  kind: string;
  status: string;
  missing: string[];
  needs: string[];
};

/**
 * The blinded assessor's worklist (issue 15): every visit that needs the blinded EDSS or an MRI
 * read, logged by the site or not, with what is still missing — reached from their menu, not by
 * typing a visit's address. Nothing on it reveals the arm.
 */
describe("the blinded assessor's worklist (e2e)", () => {
  let t: TestApp;
  let staff: TestUser;
  let assessor: TestUser;
  let otherAssessor: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: '2026-07-10T10:00:00Z' });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    otherAssessor = await t.factory.user('blinded_assessor', { sites: ['NO-BER'] });
  });
  afterAll(() => t.close());

  async function participant(arm: 'A' | 'B') {
    const p = await t.factory.participant('NL-AMS');
    await t.factory.allocation(p.id, arm, RANDOMISED);
    await t.app.get(FollowUpService).generateSchedule(p.id);
    if (arm === 'A') {
      await t.app.get(FollowUpService).reanchor(p.id, '2026-04-20');
    }
    return p;
  }
  const visitOf = async (participantId: string, code: string): Promise<string> =>
    (
      (await t.dataSource.query(`SELECT id FROM visits WHERE participant_id = $1 AND code = $2`, [
        participantId,
        code,
      ])) as { id: string }[]
    )[0].id;
  const worklist = async (user: TestUser, query: Record<string, string | number> = {}) =>
    (
      await t
        .http()
        .get('/follow-up/assessor-worklist')
        .query({ pageSize: 100, ...query })
        .set(bearer(user))
        .expect(200)
    ).body as { items: Item[]; total: number };

  it('lists a visit the site logged, with EDSS and MRI missing, until both are recorded', async () => {
    const p = await participant('A');
    const w012 = await visitOf(p.id, 'W012');
    await t
      .http()
      .post(`/follow-up/visits/${w012}/log`)
      .set(bearer(staff))
      .send({ visitDate: '2026-06-20', relapseAssessment: { newRelapse: false } })
      .expect(200);

    const listed = (await worklist(assessor)).items.find((i) => i.visitId === w012);
    expect(listed).toMatchObject({
      code: 'W012',
      status: 'logged',
      needs: ['edss', 'mri'],
      missing: ['edss', 'mri'],
    });
    // From the worklist the assessor opens the visit and records the reads.
    await t.http().get(`/follow-up/visits/${w012}`).set(bearer(assessor)).expect(200);
    await t
      .http()
      .post(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({ edss: { score: 2.5, assessedOn: '2026-06-22', rater: 'R1' } })
      .expect(200);
    expect((await worklist(assessor)).items.find((i) => i.visitId === w012)?.missing).toEqual([
      'mri',
    ]);
    expect(
      (await worklist(assessor, { missing: 'edss' })).items.some((i) => i.visitId === w012),
    ).toBe(false);
    await t
      .http()
      .post(`/follow-up/visits/${w012}/assessment`)
      .set(bearer(assessor))
      .send({
        mri: {
          examDate: '2026-06-23',
          gdLesions: 0,
          newOrEnlargingT2: 0,
          comparedWith: '2026-03-20',
        },
      })
      .expect(200);
    expect((await worklist(assessor)).items.some((i) => i.visitId === w012)).toBe(false);
  });

  it('lists visits the site has not logged yet, never an arm-A weekly visit, nothing of other sites', async () => {
    const a = await participant('A');
    const b = await participant('B');
    const { items } = await worklist(assessor, { status: 'scheduled' });
    const bW012 = await visitOf(b.id, 'W012');
    const aW240 = await visitOf(a.id, 'W240');
    expect(items.every((i) => i.status === 'scheduled')).toBe(true);
    expect(items.some((i) => i.visitId === bW012)).toBe(true);
    expect(items.some((i) => i.kind === 'arm_a_weekly' || /^A-/.test(i.code))).toBe(false);
    expect(JSON.stringify(items)).not.toMatch(/"arm"|aHSCT|transplant/i);
    // Far-off visits are not on it yet (week 240 is years away).
    expect(items.some((i) => i.visitId === aW240)).toBe(false);
    // The Bergen assessor sees none of Amsterdam's visits.
    expect((await worklist(otherAssessor)).total).toBe(0);
  });

  it('is the blinded assessor’s alone; bad filters are a 400', async () => {
    await t.http().get('/follow-up/assessor-worklist').set(bearer(staff)).expect(403);
    await t
      .http()
      .get('/follow-up/assessor-worklist')
      .query({ missing: 'bloods' })
      .set(bearer(assessor))
      .expect(400);
    await t
      .http()
      .get('/follow-up/assessor-worklist')
      .query({ siteId: 'not-a-uuid' })
      .set(bearer(assessor))
      .expect(400);
  });
});
