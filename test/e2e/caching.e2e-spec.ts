import { createTestApp, TestApp } from '../harness/app';
import { bearer, TEST_PASSWORD, type TestUser } from '../harness/factory';

/**
 * No browser or proxy keeps a copy of a sign-in token or a participant's identity: every API
 * answer says `Cache-Control: no-store` (errors too); the OpenAPI document keeps its own caching.
 */
describe('no caching of API answers (e2e)', () => {
  let t: TestApp;
  let coordinator: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ worker: false });
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
  });
  afterAll(() => t.close());

  it('sends no-store on sign-in answers, refused or not', async () => {
    const ok = await t
      .http()
      .post('/auth/login')
      .send({ email: coordinator.email, password: TEST_PASSWORD })
      .expect(200);
    expect(ok.body.accessToken).toEqual(expect.any(String));
    expect(ok.headers['cache-control']).toBe('no-store');
    const refused = await t
      .http()
      .post('/auth/login')
      .send({ email: coordinator.email, password: 'wrong-password-123' })
      .expect(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it("[REQ-PRIV-003] sends no-store on a participant's identity and on other authenticated answers", async () => {
    const created = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({
        siteId: coordinator.siteIds[0],
        identity: { givenName: 'Cache', familyName: 'Less', birthDate: '1990-01-01' },
      })
      .expect(201);
    const identity = await t
      .http()
      .get(`/participants/${created.body.id}/identity`)
      .set(bearer(coordinator))
      .expect(200);
    expect(identity.body.familyName).toBe('Less');
    expect(identity.headers['cache-control']).toBe('no-store');
    expect(created.headers['cache-control']).toBe('no-store');
    const list = await t.http().get('/participants').set(bearer(coordinator)).expect(200);
    expect(list.headers['cache-control']).toBe('no-store');
    const unauthenticated = await t.http().get('/participants').expect(401);
    expect(unauthenticated.headers['cache-control']).toBe('no-store');
  });

  it('leaves the OpenAPI document alone', async () => {
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.headers['cache-control']).not.toBe('no-store');
  });
});
