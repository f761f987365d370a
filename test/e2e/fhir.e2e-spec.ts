import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import Client from 'fhir-kit-client';
import net from 'node:net';
import { createTestApp, TestApp } from '../harness/app';
import { armRevealing } from '../harness/arm-revealing';
import { bearer, TestUser } from '../harness/factory';
import { consentedParticipant, PATHWAY_NOW } from '../harness/pathway';

type Json = Record<string, unknown>;
type Entry = { fullUrl: string; resource: Json; search: { mode: string } };
type Bundle = {
  resourceType: 'Bundle';
  type: string;
  total: number;
  link: { relation: string; url: string }[];
  entry?: Entry[];
};

/** Identity data of one participant: none of it may appear in any FHIR answer. */
const IDENTITY = {
  givenName: 'Ingeborg',
  familyName: 'Vanderhoeven',
  birthDate: '1987-11-23',
  contact: { email: 'ingeborg.vanderhoeven@example.org', phone: '+31 20 444 4444' },
  nationalId: { type: 'nl_bsn', value: '111222333' },
};
const IDENTITY_VALUES = [
  'Ingeborg',
  'Vanderhoeven',
  '1987-11-23',
  'ingeborg.vanderhoeven@example.org',
  '444 4444',
  '111222333',
];

/**
 * FHIR R4 read-only endpoints (issue 17): ResearchStudy and ResearchSubject, valid against HL7's
 * R4 JSON schema, read by a real FHIR client over a real port, scoped to the caller's sites, with
 * no arm for a blinded assessor and no identity data for anyone.
 */
describe('FHIR R4 ResearchStudy and ResearchSubject (e2e)', () => {
  let t: TestApp;
  let base: string;
  let trialId: string;
  let validator: JSONSchemaValidator;
  let coordinator: TestUser;
  let investigator: TestUser;
  let statistician: TestUser;
  let blinded: TestUser;
  let admin: TestUser;
  let berCoordinator: TestUser;
  /** AMS participants randomised through the real pathway, with their arms. */
  const randomised: { id: string; arm: string }[] = [];
  let received: string;
  let registeredWithIdentity: string;
  let ber: { id: string; studyId: string };

  const get = (path: string, user: TestUser) =>
    t.http().get(path).set(bearer(user)).set('Accept', 'application/fhir+json');

  const valid = (resource: Json) => validator.validate(resource, true);

  beforeAll(async () => {
    // A real port for the FHIR client, known before the app starts: Bundle links start at
    // APP_PUBLIC_URL (where people reach the system), which must point at this app.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(free));
      });
    });
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ now: PATHWAY_NOW, worker: false, env: { APP_PUBLIC_URL: base } });
    validator = new JSONSchemaValidator();
    const ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    blinded = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    berCoordinator = await t.factory.user('coordinator', { sites: ['NO-BER'] });
    statistician = await t.factory.user('statistician', { trialWide: true });
    admin = await t.factory.user('admin');
    trialId = ((await t.http().get('/trial').set(bearer(admin)).expect(200)).body as Json)
      .id as string;
    await t
      .http()
      .post('/randomization/config/production/go-live')
      .set(bearer(statistician))
      .expect(200);
    // Through the real pathway until both arms are among the AMS participants (at most 10).
    for (let i = 0; i < 10 && new Set(randomised.map((r) => r.arm)).size < 2; i++) {
      const id = await consentedParticipant(t, { coordinator, investigator, siteId: ams });
      const res = await t
        .http()
        .post(`/participants/${id}/randomization`)
        .set(bearer(investigator))
        .expect(201);
      randomised.push({ id, arm: (res.body as Json).arm as string });
    }
    expect(new Set(randomised.map((r) => r.arm))).toEqual(new Set(['A', 'B']));
    // One arm-B participant received the allocated drug: actualArm then says so.
    received = randomised.find((r) => r.arm === 'B')!.id;
    await t
      .http()
      .put(`/participants/${received}/intervention`)
      .set(bearer(investigator))
      .send({ received: true })
      .expect(200);
    // A registered candidate with full identity data (vault), not randomised.
    const reg = await t
      .http()
      .post('/participants')
      .set(bearer(coordinator))
      .send({ siteId: ams, identity: IDENTITY })
      .expect(201);
    registeredWithIdentity = (reg.body as Json).id as string;
    // Another site's randomised participant.
    ber = await t.factory.participant('NO-BER');
    await t.factory.allocation(ber.id, 'A', PATHWAY_NOW);
    await t.app.listen(port, '127.0.0.1');
  }, 180_000);
  afterAll(() => t.close());

  describe('HL7 R4 JSON schema', () => {
    it('validates the ResearchStudy, its search bundle, and a mutated one fails', async () => {
      const read = await get(`/fhir/ResearchStudy/${trialId}`, coordinator).expect(200);
      expect(read.headers['content-type']).toMatch(/^application\/fhir\+json/);
      const study = read.body as Json;
      expect(valid(study)).toEqual([]);
      expect(study).toMatchObject({ resourceType: 'ResearchStudy', id: trialId });
      const arms = study.arm as { name: string; description: string }[];
      expect(arms.map((a) => a.name)).toEqual(['A', 'B']);
      expect(arms[0].description).toMatch(/aHSCT/);
      expect(arms[1].description).toMatch(/high-efficacy/);
      // Every site, as a contained Location the site list references.
      const sites = (await t.http().get('/sites').set(bearer(admin)).expect(200)).body as Json[];
      const contained = study.contained as Json[];
      expect(contained).toHaveLength(sites.length);
      for (const ref of study.site as { reference: string }[]) {
        expect(contained.map((c) => `#${c.id as string}`)).toContain(ref.reference);
      }

      const bundle = (await get('/fhir/ResearchStudy', admin).expect(200)).body as Bundle;
      expect(valid(bundle)).toEqual([]);
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      expect(bundle.entry?.[0].resource).toEqual(study);
      const byId = (await get(`/fhir/ResearchStudy?_id=${trialId}`, admin).expect(200))
        .body as Bundle;
      expect(byId.total).toBe(1);
      const none = (
        await get('/fhir/ResearchStudy?_id=00000000-0000-4000-8000-000000000000', admin).expect(200)
      ).body as Bundle;
      expect(none.total).toBe(0);
      expect(valid(none)).toEqual([]);

      // The schema really judges: a wrong status code, a Location of a wrong type, an unknown element.
      expect(valid({ ...study, status: 'bogus' }).length).toBeGreaterThan(0);
      expect(valid({ ...study, title: 42 }).length).toBeGreaterThan(0);
      expect(valid({ ...study, sponsorName: 'HUS' }).length).toBeGreaterThan(0);
    });

    it('validates every ResearchSubject answered, and a mutated one fails', async () => {
      const bundle = (await get(`/fhir/ResearchSubject?study=${trialId}`, statistician).expect(200))
        .body as Bundle;
      expect(valid(bundle)).toEqual([]);
      expect(bundle.entry?.length).toBe(bundle.total);
      for (const e of bundle.entry ?? []) {
        expect(valid(e.resource)).toEqual([]);
        const one = (await get(
          `/fhir/ResearchSubject/${e.resource.id as string}`,
          statistician,
        ).expect(200)) as { body: Json; headers: Record<string, string> };
        expect(one.headers['content-type']).toMatch(/^application\/fhir\+json/);
        expect(one.body).toEqual(e.resource);
        expect(e.fullUrl).toBe(`${base}/fhir/ResearchSubject/${e.resource.id as string}`);
      }
      const subject = bundle.entry![0].resource;
      expect(valid(subject)).toEqual([]);
      const { study: _study, ...withoutStudy } = subject;
      expect(valid(withoutStudy).length).toBeGreaterThan(0);
      expect(valid({ ...subject, status: 'bogus' }).length).toBeGreaterThan(0);
      expect(valid({ ...subject, assignedArm: 7 }).length).toBeGreaterThan(0);
      expect(valid({ ...bundle, type: 'nonsense' }).length).toBeGreaterThan(0);
    });
  });

  it('maps status, study, individual and arms', async () => {
    const one = async (id: string, user = statistician) =>
      (await get(`/fhir/ResearchSubject/${id}`, user).expect(200)).body as Json;
    for (const r of randomised) {
      const s = await one(r.id);
      expect(s.status).toBe('on-study');
      expect(s.study).toEqual({ reference: `ResearchStudy/${trialId}` });
      const individual = (s.individual as { identifier: { system: string; value: string } })
        .identifier;
      expect(individual.value).toMatch(/^NL-AMS-\d{4}$/);
      expect(s.individual).toEqual({ identifier: individual });
      expect(s.assignedArm).toBe(r.arm);
      expect(s.actualArm).toBe(r.id === received ? 'B' : undefined);
    }
    const candidate = await one(registeredWithIdentity);
    expect(candidate.status).toBe('candidate');
    expect(candidate.assignedArm).toBeUndefined();
    expect(await one(ber.id)).toMatchObject({ status: 'on-study', assignedArm: 'A' });
  });

  it('states its capabilities: valid, read by the FHIR client, the search parameters it takes', async () => {
    const res = await get('/fhir/metadata', coordinator).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const statement = res.body as Json;
    expect(valid(statement)).toEqual([]);
    // The R4 schema requires only resourceType here; a code outside its value set fails.
    expect(valid({ ...statement, kind: 'server' })).not.toEqual([]);
    const client = new Client({
      baseUrl: `${base}/fhir`,
      customHeaders: { Authorization: `Bearer ${statistician.token}` },
    });
    const read = (await client.capabilityStatement()) as Json;
    expect(read).toEqual(statement);
    type Resource = { type: string; searchParam: { name: string }[] };
    const resources = (statement.rest as { resource: Resource[] }[])[0].resource;
    const declared = Object.fromEntries(
      resources.map((r) => [r.type, r.searchParam.map((p) => p.name)]),
    );
    expect(declared).toEqual({
      ResearchStudy: ['_id'],
      ResearchSubject: ['study', '_count', '_offset'],
    });
    // What it declares is what the searches take: an undeclared parameter is refused.
    await get('/fhir/ResearchSubject?name=x', statistician).expect(400);
    await t.http().get('/fhir/metadata').expect(401);
  });

  it('is read by a real FHIR client (fhir-kit-client) over a real port, page by page', async () => {
    const client = new Client({
      baseUrl: `${base}/fhir`,
      customHeaders: { Authorization: `Bearer ${statistician.token}` },
    });
    const study = (await client.read({ resourceType: 'ResearchStudy', id: trialId })) as Json;
    expect(study.id).toBe(trialId);
    let page = (await client.search({
      resourceType: 'ResearchSubject',
      searchParams: { study: `ResearchStudy/${trialId}`, _count: 2 },
    })) as Bundle;
    const total = page.total;
    expect(total).toBe(randomised.length + 2);
    const ids: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      expect(page.resourceType).toBe('Bundle');
      expect(valid(page as unknown as Json)).toEqual([]);
      expect(page.entry!.length).toBeLessThanOrEqual(2);
      ids.push(...page.entry!.map((e) => e.resource.id as string));
      const next = (await client.nextPage({ bundle: page } as never)) as Bundle | undefined;
      if (!next) {
        break;
      }
      page = next;
    }
    expect(pages).toBe(Math.ceil(total / 2));
    expect(new Set(ids).size).toBe(total);
    expect(ids).toEqual(
      expect.arrayContaining([...randomised.map((r) => r.id), registeredWithIdentity, ber.id]),
    );
  });

  it('shows a site coordinator only its own sites', async () => {
    const own = (
      await get(`/fhir/ResearchSubject?study=ResearchStudy/${trialId}`, coordinator).expect(200)
    ).body as Bundle;
    const ids = (own.entry ?? []).map((e) => e.resource.id);
    expect(ids.sort()).toEqual([...randomised.map((r) => r.id), registeredWithIdentity].sort());
    expect(own.total).toBe(ids.length);
    await get(`/fhir/ResearchSubject/${ber.id}`, coordinator).expect(404);
    const other = (await get('/fhir/ResearchSubject', berCoordinator).expect(200)).body as Bundle;
    expect((other.entry ?? []).map((e) => e.resource.id)).toEqual([ber.id]);
    await get(`/fhir/ResearchSubject/${randomised[0].id}`, berCoordinator).expect(404);
  });

  it('[REQ-BLIND-001] never gives a blinded assessor an arm, which the unblinded roles get', async () => {
    const open = await get('/fhir/ResearchSubject', coordinator).expect(200);
    expect(open.text).toMatch(/"assignedArm"/);
    expect(open.text).toMatch(/"actualArm"/);
    const answers = [
      await get('/fhir/ResearchSubject', blinded).expect(200),
      await get(`/fhir/ResearchSubject?study=${trialId}&_count=1`, blinded).expect(200),
      ...(await Promise.all(
        randomised.map((r) => get(`/fhir/ResearchSubject/${r.id}`, blinded).expect(200)),
      )),
    ];
    const list = answers[0].body as Bundle;
    expect(list.total).toBe(randomised.length + 1);
    for (const res of answers) {
      expect(res.text).not.toMatch(/assignedArm|actualArm|"arm"/);
      expect(armRevealing(res.text)).toEqual([]);
      for (const e of (res.body as Bundle).entry ?? []) {
        expect(valid(e.resource)).toEqual([]);
      }
    }
    // The same participant's resource for an unblinded role does name the arm.
    const armA = randomised.find((r) => r.arm === 'A')!.id;
    const unblinded = await get(`/fhir/ResearchSubject/${armA}`, investigator).expect(200);
    expect((unblinded.body as Json).assignedArm).toBe('A');
  });

  it('[REQ-PRIV-003] never answers identity data', async () => {
    const texts = [
      (await get('/fhir/ResearchSubject?_count=200', statistician).expect(200)).text,
      (await get('/fhir/ResearchSubject', coordinator).expect(200)).text,
      (await get(`/fhir/ResearchSubject/${registeredWithIdentity}`, coordinator).expect(200)).text,
      (await get(`/fhir/ResearchStudy/${trialId}`, coordinator).expect(200)).text,
    ];
    // The identity is really stored (the vault answers it), so its absence here means something.
    const vault = await t
      .http()
      .get(`/participants/${registeredWithIdentity}/identity`)
      .set(bearer(coordinator))
      .expect(200);
    expect(vault.text).toContain('Vanderhoeven');
    for (const text of texts) {
      expect(text).toContain('ResearchS');
      for (const value of IDENTITY_VALUES) {
        expect(text).not.toContain(value);
      }
      // Names of the pathway participants (Test<hex> Participant), birth dates, e-mail addresses.
      expect(text).not.toMatch(/Test[0-9a-f]{8}|"Participant"|birthDate|"1990-05-10"|@/);
    }
  });

  it('answers malformed ids and parameters 400, unknown ids 404, roles it does not serve 403', async () => {
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const bad = async (path: string, code?: string) => {
      const res = await get(path, statistician);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body).toMatchObject({ statusCode: 400, ...(code ? { code } : {}) });
      return res.body as { message: string; errors: { path: string }[] };
    };
    await bad('/fhir/ResearchSubject/not-a-uuid');
    await bad('/fhir/ResearchStudy/RAM-MS');
    await bad('/fhir/ResearchStudy/1%27%20OR%201=1');
    await bad('/fhir/ResearchSubject?study=Patient/123');
    await bad('/fhir/ResearchSubject?study=not-a-uuid');
    await bad('/fhir/ResearchSubject?_count=0');
    await bad('/fhir/ResearchSubject?_count=many');
    await bad('/fhir/ResearchSubject?_offset=-1');
    await bad(`/fhir/ResearchSubject?study=${trialId}&study=${trialId}`);
    await bad('/fhir/ResearchStudy?_id=nope');
    const unknown = await bad(
      '/fhir/ResearchSubject?name=Ingeborg&birthdate=1987',
      'FHIR_UNKNOWN_SEARCH_PARAMETER',
    );
    expect(unknown.message).toMatch(/name, birthdate.*supported: study, _count, _offset/);
    expect(unknown.errors.map((e) => e.path)).toEqual(['name', 'birthdate']);
    await bad('/fhir/ResearchSubject?study:missing=true', 'FHIR_UNKNOWN_SEARCH_PARAMETER');
    await bad('/fhir/ResearchStudy?title=RAM', 'FHIR_UNKNOWN_SEARCH_PARAMETER');

    await get(`/fhir/ResearchSubject/${unknownId}`, statistician).expect(404);
    await get(`/fhir/ResearchStudy/${unknownId}`, statistician).expect(404);
    const otherStudy = (
      await get(`/fhir/ResearchSubject?study=${unknownId}`, statistician).expect(200)
    ).body as Bundle;
    expect(otherStudy).toMatchObject({ total: 0 });
    expect(otherStudy.entry).toBeUndefined();
    expect(valid(otherStudy as unknown as Json)).toEqual([]);

    // Upper-case ids name the same record.
    await get(`/fhir/ResearchSubject/${ber.id.toUpperCase()}`, statistician).expect(200);
    // application/json is accepted as well; the answer is still FHIR JSON.
    const plain = await t
      .http()
      .get(`/fhir/ResearchStudy/${trialId}`)
      .set(bearer(coordinator))
      .set('Accept', 'application/json')
      .expect(200);
    expect(plain.headers['content-type']).toMatch(/^application\/fhir\+json/);

    // The admin is configuration only: the study, not the subjects; no token: 401.
    await get(`/fhir/ResearchStudy/${trialId}`, admin).expect(200);
    await get('/fhir/ResearchSubject', admin).expect(403);
    await get(`/fhir/ResearchSubject/${ber.id}`, admin).expect(403);
    await t.http().get('/fhir/ResearchSubject').expect(401);
  });
});
