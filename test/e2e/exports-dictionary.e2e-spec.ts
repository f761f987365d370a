import { FIELD_ITEMS } from 'src/common/fields/registry';
import type { Dictionary } from 'src/modules/exports/dictionary/dictionary.types';
import { createTestApp, TestApp } from '../harness/app';
import { ARM_REVEALING_WORDS, armRevealingFields } from '../harness/arm-revealing';
import { bearer, TestUser } from '../harness/factory';

/** Issue 17 (data out), first slice: the data dictionary over HTTP. */
describe('GET /exports/dictionary (e2e)', () => {
  let t: TestApp;
  let statistician: TestUser;
  let assessor: TestUser;
  let staff: TestUser;
  const revealingItems = new Set(FIELD_ITEMS.filter((i) => i.revealsArm).map((i) => i.id));
  const revealingNames = new Set(FIELD_ITEMS.filter((i) => i.revealsArm).map((i) => i.name));

  const get = async (user: TestUser, query = '', status = 200) =>
    (await t.http().get(`/exports/dictionary${query}`).set(bearer(user)).expect(status))
      .body as Dictionary;

  const expectBlinded = (d: Dictionary) => {
    expect(d.blinded).toBe(true);
    expect(d.variables.filter((v) => v.revealsArm).map((v) => v.name)).toEqual([]);
    expect(d.variables.filter((v) => v.item && revealingItems.has(v.item))).toEqual([]);
    expect(d.variables.filter((v) => revealingNames.has(v.name))).toEqual([]);
    expect(d.variables.flatMap((v) => (v.codes ?? []).filter((c) => c.revealsArm))).toEqual([]);
    const names = new Set(d.variables.map((v) => v.name));
    expect(d.datasets.flatMap((ds) => ds.variables).filter((n) => !names.has(n))).toEqual([]);
    expect(armRevealingFields(d)).toEqual([]);
    // No word that names an arm's treatment, except in the prior treatments recorded at screening
    // (a code list of disease-modifying drugs, aHSCT among them: history, not the allocation).
    const rest = {
      ...d,
      variables: d.variables.filter((v) => v.item !== 'screening.treatmentDrug'),
    };
    const text = JSON.stringify(rest);
    expect(ARM_REVEALING_WORDS.filter((re) => re.test(text)).map(String)).toEqual([]);
  };

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    await t.factory.site('NL-AMS');
    statistician = await t.factory.user('statistician', { trialWide: true });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    staff = await t.factory.user('site_staff', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  it('gives the statistician the full dictionary: every registry item, arm variables included', async () => {
    const d = await get(statistician);
    expect(d.blinded).toBe(false);
    expect(d.variables.filter((v) => v.item).length).toBe(FIELD_ITEMS.length);
    const arm = d.variables.find((v) => v.name === 'arm');
    expect(arm).toMatchObject({ type: 'code', revealsArm: true, datasets: ['participants'] });
    expect(arm?.codes?.map((c) => [c.code, c.value])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
    expect(d.datasets.map((ds) => ds.name)).toContain('tx_phases');
    expect(d.codeRule).toMatch(/never renumbered/);
  });

  it('gives the blinded dictionary when asked', async () => {
    const d = await get(statistician, '?blinded=true');
    expectBlinded(d);
    expect(d.datasets.map((ds) => ds.name)).not.toContain('tx_phases');
  });

  it('[REQ-BLIND-003] gives a blinded assessor the blinded dictionary, even with blinded=false', async () => {
    const asked = await get(assessor, '?blinded=false');
    const plain = await get(assessor);
    expectBlinded(asked);
    expectBlinded(plain);
    expect(asked).toEqual(plain);
    expect(asked.version).toBe((await get(statistician, '?blinded=true')).version);
    expect(asked.version).not.toBe((await get(statistician)).version);
  });

  it('gives site staff (open label) the full dictionary', async () => {
    expect((await get(staff)).blinded).toBe(false);
  });

  it.each(['?blinded=yes', '?blinded=1', '?blinded=', '?other=x'])(
    'answers 400 to a bad query (%s)',
    async (query) => {
      const res = await t
        .http()
        .get(`/exports/dictionary${query}`)
        .set(bearer(statistician))
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors.length).toBeGreaterThan(0);
    },
  );

  it('answers 401 without a token', async () => {
    await t.http().get('/exports/dictionary').expect(401);
  });
});
