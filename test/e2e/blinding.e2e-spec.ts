import { createTestApp, TestApp } from '../harness/app';
import { armRevealing } from '../harness/arm-revealing';
import { bearer, TestUser } from '../harness/factory';
import { OpenApiDoc } from '../harness/openapi';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';

/**
 * Reference data about the trial as a whole, the same for every participant: the trial's title,
 * the sites' roles, the arm definitions in the public commitment. They name the arms but say
 * nothing about any participant's.
 */
// The data dictionary is metadata (no participant's data); its blinded form is checked field by
// field and word by word, apart from screening's prior-treatment code list, in
// test/e2e/exports-dictionary.e2e-spec.ts.
const REFERENCE_DATA = [
  '/trial',
  '/sites',
  '/sites/{id}',
  '/randomization/commitment',
  '/exports/dictionary',
  '/fhir/ResearchStudy',
  '/fhir/ResearchStudy/{id}',
];

/**
 * Walks every GET endpoint of the OpenAPI document as a blinded assessor of the site of an
 * arm-A participant (with its transplant booking and visit schedule generated) and fails on any
 * arm-revealing field in any answer.
 */
describe('[REQ-BLIND-001] a blinded assessor never sees the arm (e2e)', () => {
  let t: TestApp;
  let blinded: TestUser;
  let armA: string;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    t = await createTestApp({ now: PATHWAY_NOW });
    const ams = await t.factory.site('NL-AMS');
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    const statistician = await t.factory.user('statistician', { trialWide: true });
    blinded = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    for (let i = 0; i < 12 && !armA; i++) {
      const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
      const res = await t
        .http()
        .post(`/participants/${id}/randomization`)
        .set(bearer(investigator))
        .expect(201);
      if (res.body.arm === 'A') {
        armA = id;
      }
    }
    expect(armA).toBeDefined();
    await t.drainJobs(30_000);
    doc = (await t.http().get('/docs-json').expect(200)).body as OpenApiDoc;
  }, 120_000);
  afterAll(() => t.close());

  it('gets no arm-revealing field from any GET endpoint', async () => {
    const visited: string[] = [];
    const leaks: string[] = [];
    for (const path of Object.keys(doc.paths)) {
      if (!doc.paths[path].get || path.startsWith('/docs') || REFERENCE_DATA.includes(path)) {
        continue;
      }
      const concrete = path.replace(/\{([^}]+)\}/g, (_, name: string) =>
        /quarter/i.test(name) ? '2026-Q2' : armA,
      );
      const res = await t.http().get(concrete).set(bearer(blinded));
      if (res.status >= 500) {
        leaks.push(`${path}: ${res.status}`);
      }
      if (res.status !== 200) {
        continue;
      }
      visited.push(path);
      const text = res.text;
      for (const found of armRevealing(text)) {
        leaks.push(`${path}: ${found} in ${text.slice(0, 300)}`);
      }
    }
    expect(leaks).toEqual([]);
    process.stdout.write(`blinded walk visited: ${visited.join(', ')}\n`);
    // The walk really read participant data: the assessor's own participant and lists.
    expect(visited).toEqual(expect.arrayContaining(['/participants', '/participants/{id}']));
  });

  it('is refused the allocation endpoints outright', async () => {
    await t.http().get(`/participants/${armA}/randomization`).set(bearer(blinded)).expect(403);
    await t.http().get('/allocations').set(bearer(blinded)).expect(403);
  });
});
