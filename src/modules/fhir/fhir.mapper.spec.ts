import { FHIR_SYSTEM, searchset, toResearchStudy, toResearchSubject } from './fhir.mapper';

const participant = {
  id: '5b1d3c1e-7f0a-4d8e-9a51-0c2b7a9e4f10',
  trialId: '0d3c8f52-2a8e-4f0e-8b5e-9a7c1f2e3d40',
  siteId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  studyId: 'NL-AMS-0007',
  fhirStatus: 'on-study' as const,
};

describe('FHIR mapper', () => {
  it('names the individual by study id only, and the arm only when given one', () => {
    expect(toResearchSubject(participant, undefined)).toEqual({
      resourceType: 'ResearchSubject',
      id: participant.id,
      identifier: [{ system: FHIR_SYSTEM.studyId, value: 'NL-AMS-0007' }],
      status: 'on-study',
      study: { reference: `ResearchStudy/${participant.trialId}` },
      individual: { identifier: { system: FHIR_SYSTEM.studyId, value: 'NL-AMS-0007' } },
    });
    expect(toResearchSubject(participant, { arm: 'B', received: null })).toMatchObject({
      assignedArm: 'B',
    });
    expect(toResearchSubject(participant, { arm: 'B', received: false }).actualArm).toBeUndefined();
    expect(toResearchSubject(participant, { arm: 'A', received: true })).toMatchObject({
      assignedArm: 'A',
      actualArm: 'A',
    });
  });

  it('names a participant without a study id by its record id', () => {
    const s = toResearchSubject(
      { ...participant, studyId: null, fhirStatus: 'potential-candidate' },
      undefined,
    );
    expect(s.identifier).toBeUndefined();
    expect(s.individual).toEqual({
      identifier: { system: FHIR_SYSTEM.participant, value: participant.id },
    });
  });

  it('references each site as a contained Location, and leaves out an empty entry list', () => {
    const study = toResearchStudy({ id: participant.trialId, code: 'RAM-MS', name: 'RAM-MS' }, [
      {
        id: participant.siteId,
        code: 'AMS',
        name: 'Amsterdam UMC',
        countryCode: 'NL',
        active: true,
      },
    ]);
    expect(study.site).toEqual([{ reference: `#site-${participant.siteId}`, display: 'NL-AMS' }]);
    expect(study.contained[0]).toMatchObject({
      id: `site-${participant.siteId}`,
      status: 'active',
    });
    expect(study.arm.map((a) => a.name)).toEqual(['A', 'B']);
    expect(searchset('http://x', [], 0, [])).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 0,
      link: [],
    });
  });
});
