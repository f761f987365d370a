import { ramMsEligibleRecord } from 'src/modules/eligibility/engine/testing/screening.builders';
import { createTestApp, TestApp } from '../harness/app';
import { bearer, TestUser } from '../harness/factory';
import { assessedParticipant, PATHWAY_NOW } from '../harness/pathway';

type Notice = { kind: string; subject: string; body: string; data: Record<string, unknown> };

/**
 * Work waiting reaches people (issue 18): a new public pre-screening registration reaches the
 * site's coordinators, an assessment waiting for a signature the site's investigators; once each,
 * nobody at another site, never a blinded assessor, and never a name.
 */
describe('work waiting reaches people (e2e)', () => {
  let t: TestApp;
  let ams: string;
  let coordinator: TestUser;
  let secondCoordinator: TestUser;
  let investigator: TestUser;
  let assessor: TestUser;
  let otherSite: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, now: PATHWAY_NOW });
    ams = await t.factory.site('NL-AMS');
    coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    secondCoordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    investigator = await t.factory.user('investigator', { sites: ['NL-AMS'] });
    assessor = await t.factory.user('blinded_assessor', { sites: ['NL-AMS'] });
    otherSite = await t.factory.user('coordinator', { sites: ['NO-BER'] });
  });
  afterAll(() => t.close());

  const inbox = async (u: TestUser, kind: string): Promise<Notice[]> => {
    const res = await t.http().get('/notifications?pageSize=100').set(bearer(u)).expect(200);
    return (res.body.items as Notice[]).filter((n) => n.kind === kind);
  };

  it('tells the site coordinators of a public pre-screening registration, without the name', async () => {
    await t
      .http()
      .post('/public/prescreening/registrations')
      .send({
        siteId: ams,
        answers: {
          birthDate: '1990-05-10',
          msType: 'RRMS',
          currentTreatment: 'interferon_beta',
          currentTreatmentSince: '2024-01-01',
          priorTreatments: [],
          relapseLastYear: 'yes',
          relapseOnsetDate: '2025-09-01',
          relapseSteroids: 'yes',
          mriActivityLastYear: 'unknown',
          pregnantOrBreastfeeding: 'no',
          neurologist: 'yes',
          willingToBeRandomised: 'yes',
          willingToLearnInfectionResults: 'yes',
        },
        givenName: 'Wilhelmina',
        familyName: 'Oosterhuis',
        contact: { email: 'w.oosterhuis@example.org' },
        agreeToContact: 'yes',
      })
      .expect(201);
    const [participant]: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM participants WHERE status = 'pre_screened' ORDER BY registered_at NULLS FIRST LIMIT 1`,
    );
    for (const u of [coordinator, secondCoordinator]) {
      const notices = await inbox(u, 'eligibility.prescreening_registered');
      expect(notices).toHaveLength(1);
      expect(notices[0].subject).toBe('New pre-screening registration at NL-AMS');
      expect(notices[0].data).toEqual({ participantId: participant.id, siteId: ams });
      expect(JSON.stringify(notices[0])).not.toMatch(/Wilhelmina|Oosterhuis|oosterhuis|1990-05-10/);
    }
    expect(await inbox(otherSite, 'eligibility.prescreening_registered')).toEqual([]);
    expect(await inbox(investigator, 'eligibility.prescreening_registered')).toEqual([]);
    expect(await inbox(assessor, 'eligibility.prescreening_registered')).toEqual([]);
  });

  it('does not tell coordinators of a candidate a coordinator registered as registered', async () => {
    const before = (await inbox(secondCoordinator, 'eligibility.prescreening_registered')).length;
    await assessedParticipant(t, { coordinator, siteId: ams });
    expect(await inbox(secondCoordinator, 'eligibility.prescreening_registered')).toHaveLength(
      before,
    );
  });

  it('tells the site investigators of an assessment waiting for their signature, once per assessment', async () => {
    const { id, assessmentId } = await assessedParticipant(t, { coordinator, siteId: ams });
    const [{ study_id: studyId }]: { study_id: string }[] = await t.dataSource.query(
      `SELECT study_id FROM participants WHERE id = $1`,
      [id],
    );
    const notices = (await inbox(investigator, 'eligibility.awaiting_signature')).filter(
      (n) => n.data.assessmentId === assessmentId,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0].subject).toBe(`${studyId}: eligibility assessment waits for your signature`);
    expect(notices[0].data).toEqual({ participantId: id, assessmentId });
    expect(notices[0].body).toContain('found the participant eligible');
    for (const u of [coordinator, assessor, otherSite]) {
      expect(await inbox(u, 'eligibility.awaiting_signature')).toEqual([]);
    }
  });

  it('tells nobody of an incomplete assessment, which cannot be signed', async () => {
    const before = (await inbox(investigator, 'eligibility.awaiting_signature')).length;
    const { edss: _e, ...incomplete } = ramMsEligibleRecord() as Record<string, unknown>;
    await expect(
      assessedParticipant(t, { coordinator, siteId: ams }, incomplete as never),
    ).rejects.toThrow(/assessment: 201 .*"incomplete"/);
    expect(await inbox(investigator, 'eligibility.awaiting_signature')).toHaveLength(before);
  });
});
