import type { ArmOf } from 'src/modules/randomization/allocations.reader';
import type { ParticipantSummary } from 'src/modules/participants/participants.reader';
import type { SiteSummary } from 'src/modules/sites/sites.reader';
import type {
  FhirBundleLinkDto,
  FhirCapabilityStatementDto,
  FhirLocationDto,
  FhirResearchStudyDto,
  FhirResearchSubjectDto,
} from './dto/fhir.dto';

/**
 * Pure builders of the FHIR R4 resources (https://hl7.org/fhir/R4/researchstudy.html,
 * researchsubject.html). Identifiers are the system's own: URNs under `urn:ram-ms:`.
 */

export const FHIR_SYSTEM = {
  trialCode: 'urn:ram-ms:trial-code',
  site: 'urn:ram-ms:site',
  studyId: 'urn:ram-ms:study-id',
  participant: 'urn:ram-ms:participant-record',
  registry: 'https://clinicaltrials.gov',
  eudract: 'https://www.clinicaltrialsregister.eu',
} as const;

/**
 * The two arms (docs/domain/ram-ms.md). `name` is the arm code the allocations use, so
 * ResearchSubject.assignedArm / actualArm name one of these.
 */
const ARMS: FhirResearchStudyDto['arm'] = [
  {
    name: 'A',
    type: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/research-study-arm-type',
          code: 'experimental',
          display: 'Experimental',
        },
      ],
    },
    description: 'Autologous haematopoietic stem cell transplantation (aHSCT)',
  },
  {
    name: 'B',
    type: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/research-study-arm-type',
          code: 'active-comparator',
          display: 'Active Comparator',
        },
      ],
    },
    description:
      'Best available high-efficacy disease-modifying therapy (alemtuzumab, cladribine or ocrelizumab)',
  },
];

export const siteLocationId = (siteId: string) => `site-${siteId}`;

function toLocation(s: SiteSummary): FhirLocationDto {
  return {
    resourceType: 'Location',
    id: siteLocationId(s.id),
    identifier: [{ system: FHIR_SYSTEM.site, value: `${s.countryCode}-${s.code}` }],
    status: s.active ? 'active' : 'inactive',
    name: s.name,
    address: { country: s.countryCode },
  };
}

/** The trial as a ResearchStudy: its arms, and its sites as contained Locations. */
export function toResearchStudy(
  trial: { id: string; code: string; name: string },
  sites: readonly SiteSummary[],
): FhirResearchStudyDto {
  return {
    resourceType: 'ResearchStudy',
    id: trial.id,
    identifier: [
      { system: FHIR_SYSTEM.trialCode, value: trial.code },
      { system: FHIR_SYSTEM.registry, value: 'NCT03477500' },
      { system: FHIR_SYSTEM.eudract, value: '2017-001362-25' },
    ],
    title: trial.name,
    status: 'active',
    primaryPurposeType: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type',
          code: 'treatment',
          display: 'Treatment',
        },
      ],
    },
    phase: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/research-study-phase',
          code: 'phase-3',
          display: 'Phase 3',
        },
      ],
    },
    condition: [{ text: 'Relapsing-remitting multiple sclerosis (RRMS)' }],
    description:
      'Randomised, open-label, rater-blinded phase 3 trial comparing aHSCT with the best available ' +
      'high-efficacy disease-modifying therapy in very active relapsing-remitting multiple sclerosis.',
    contained: sites.map(toLocation),
    site: sites.map((s) => ({
      reference: `#${siteLocationId(s.id)}`,
      display: `${s.countryCode}-${s.code}`,
    })),
    arm: ARMS,
  };
}

/**
 * A participant as a ResearchSubject. The individual is named by the study id only (a record id
 * while none is assigned): never a name, birth date or contact. `arm` is absent for a role that
 * may not see it (the allocations reader answers nothing then), so assignedArm and actualArm are
 * too. actualArm is set once the allocated intervention is recorded as received.
 */
export function toResearchSubject(
  p: ParticipantSummary,
  arm: ArmOf | undefined,
): FhirResearchSubjectDto {
  const individual = p.studyId
    ? { system: FHIR_SYSTEM.studyId, value: p.studyId }
    : { system: FHIR_SYSTEM.participant, value: p.id };
  return {
    resourceType: 'ResearchSubject',
    id: p.id,
    ...(p.studyId ? { identifier: [{ system: FHIR_SYSTEM.studyId, value: p.studyId }] } : {}),
    status: p.fhirStatus,
    study: { reference: `ResearchStudy/${p.trialId}` },
    individual: { identifier: individual },
    ...(arm ? { assignedArm: arm.arm } : {}),
    ...(arm?.received === true ? { actualArm: arm.arm } : {}),
  };
}

/** A searchset Bundle: `entry` left out when nothing matches (FHIR JSON has no empty arrays). */
export function searchset<R extends { resourceType: string; id: string }>(
  base: string,
  resources: readonly R[],
  total: number,
  link: FhirBundleLinkDto[],
) {
  return {
    resourceType: 'Bundle' as const,
    type: 'searchset' as const,
    total,
    link,
    ...(resources.length
      ? {
          entry: resources.map((resource) => ({
            fullUrl: `${base}/fhir/${resource.resourceType}/${resource.id}`,
            resource,
            search: { mode: 'match' as const },
          })),
        }
      : {}),
  };
}

/** When the capabilities below last changed (CapabilityStatement.date): change it with them. */
export const CAPABILITIES_CHANGED = '2026-12-04';

const SEARCH_PARAM_TYPES: Record<string, { type: string; documentation: string }> = {
  _id: { type: 'token', documentation: 'The study id (the trial id)' },
  study: { type: 'reference', documentation: 'The study: <id> or ResearchStudy/<id>' },
  _count: { type: 'number', documentation: 'Page size, 1–200 (default 50)' },
  _offset: { type: 'number', documentation: 'Matches to skip (the next link sets it)' },
};

/**
 * The server's CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html): the two
 * resources, read and search, and exactly the search parameters each search accepts.
 */
export function capabilityStatement(
  base: string,
  searchParameters: Record<'ResearchStudy' | 'ResearchSubject', readonly string[]>,
): FhirCapabilityStatementDto {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: CAPABILITIES_CHANGED,
    kind: 'instance',
    software: { name: 'RAM-MS trial system' },
    implementation: { description: 'RAM-MS trial: read-only FHIR R4', url: `${base}/fhir` },
    // R4 as first published: HL7's R4 JSON schema (the one the tests validate with) lists 4.0.0;
    // 4.0.1 is a technical correction of the same release, with the same resources.
    fhirVersion: '4.0.0',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'A bearer access token of the trial system (Authorization: Bearer …). ResearchSubjects ' +
            "are limited to the acting role's sites and carry arms only for unblinded roles.",
        },
        resource: (['ResearchStudy', 'ResearchSubject'] as const).map((type) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: searchParameters[type].map((name) => ({
            name,
            ...SEARCH_PARAM_TYPES[name],
          })),
        })),
      },
    ],
  };
}
