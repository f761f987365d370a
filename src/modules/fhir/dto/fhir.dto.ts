import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryInt, ValidateMatches, ValidateUuid } from 'src/common/validation/validators';

/** FHIR R4 resources as this API answers them, described loosely (https://hl7.org/fhir/R4/). */

const FHIR_ID = 'FHIR id (here a UUID)';

export class FhirCodingDto {
  @ApiPropertyOptional() system?: string;
  @ApiProperty() code: string;
  @ApiPropertyOptional() display?: string;
}

export class FhirCodeableConceptDto {
  @ApiPropertyOptional({ type: [FhirCodingDto] }) coding?: FhirCodingDto[];
  @ApiPropertyOptional() text?: string;
}

export class FhirIdentifierDto {
  @ApiProperty({ description: 'A URI naming the kind of identifier' }) system: string;
  @ApiProperty() value: string;
}

export class FhirReferenceDto {
  @ApiPropertyOptional({ example: 'ResearchStudy/3f0c…' }) reference?: string;
  @ApiPropertyOptional({ type: FhirIdentifierDto }) identifier?: FhirIdentifierDto;
  @ApiPropertyOptional() display?: string;
}

export class FhirAddressDto {
  @ApiPropertyOptional({ example: 'NL' }) country?: string;
}

/** A site as a FHIR Location, contained in the ResearchStudy. */
export class FhirLocationDto {
  @ApiProperty({ enum: ['Location'] }) resourceType: 'Location';
  @ApiProperty({ example: 'site-3f0c…' }) id: string;
  @ApiProperty({ type: [FhirIdentifierDto] }) identifier: FhirIdentifierDto[];
  @ApiProperty({ enum: ['active', 'inactive'] }) status: 'active' | 'inactive';
  @ApiProperty() name: string;
  @ApiProperty({ type: FhirAddressDto }) address: FhirAddressDto;
}

export class FhirResearchStudyArmDto {
  @ApiProperty({ example: 'A', description: 'The arm code; ResearchSubject.assignedArm names it' })
  name: string;
  @ApiProperty({ type: FhirCodeableConceptDto }) type: FhirCodeableConceptDto;
  @ApiProperty() description: string;
}

export class FhirResearchStudyDto {
  @ApiProperty({ enum: ['ResearchStudy'] }) resourceType: 'ResearchStudy';
  @ApiProperty({ format: 'uuid', description: `${FHIR_ID}: the trial's id` }) id: string;
  @ApiProperty({ type: [FhirIdentifierDto] }) identifier: FhirIdentifierDto[];
  @ApiProperty() title: string;
  @ApiProperty({ example: 'active' }) status: string;
  @ApiProperty({ type: FhirCodeableConceptDto }) primaryPurposeType: FhirCodeableConceptDto;
  @ApiProperty({ type: FhirCodeableConceptDto }) phase: FhirCodeableConceptDto;
  @ApiProperty({ type: [FhirCodeableConceptDto] }) condition: FhirCodeableConceptDto[];
  @ApiProperty() description: string;
  @ApiProperty({ type: [FhirLocationDto], description: 'The sites, as Locations' })
  contained: FhirLocationDto[];
  @ApiProperty({ type: [FhirReferenceDto], description: 'References to the contained sites' })
  site: FhirReferenceDto[];
  @ApiProperty({ type: [FhirResearchStudyArmDto] }) arm: FhirResearchStudyArmDto[];
}

export class FhirResearchSubjectDto {
  @ApiProperty({ enum: ['ResearchSubject'] }) resourceType: 'ResearchSubject';
  @ApiProperty({ format: 'uuid', description: `${FHIR_ID}: the participant's record id` })
  id: string;
  @ApiPropertyOptional({ type: [FhirIdentifierDto], description: 'The study id, once assigned' })
  identifier?: FhirIdentifierDto[];
  @ApiProperty({
    example: 'on-study',
    description: 'FHIR R4 ResearchSubjectStatus, mapped from the pathway status',
  })
  status: string;
  @ApiProperty({ type: FhirReferenceDto }) study: FhirReferenceDto;
  @ApiProperty({
    type: FhirReferenceDto,
    description: 'The participant by study id only: never a name, birth date or contact',
  })
  individual: FhirReferenceDto;
  @ApiPropertyOptional({ description: 'The allocated arm (never to a blinded role)' })
  assignedArm?: string;
  @ApiPropertyOptional({
    description: 'The arm received, once recorded as received (never to a blinded role)',
  })
  actualArm?: string;
}

export class FhirBundleLinkDto {
  @ApiProperty({ enum: ['self', 'next'] }) relation: string;
  @ApiProperty() url: string;
}

export class FhirBundleSearchDto {
  @ApiProperty({ enum: ['match'] }) mode: 'match';
}

export class FhirResearchStudyEntryDto {
  @ApiProperty() fullUrl: string;
  @ApiProperty({ type: FhirResearchStudyDto }) resource: FhirResearchStudyDto;
  @ApiProperty({ type: FhirBundleSearchDto }) search: FhirBundleSearchDto;
}

export class FhirResearchSubjectEntryDto {
  @ApiProperty() fullUrl: string;
  @ApiProperty({ type: FhirResearchSubjectDto }) resource: FhirResearchSubjectDto;
  @ApiProperty({ type: FhirBundleSearchDto }) search: FhirBundleSearchDto;
}

class FhirSearchsetDto {
  @ApiProperty({ enum: ['Bundle'] }) resourceType: 'Bundle';
  @ApiProperty({ enum: ['searchset'] }) type: 'searchset';
  @ApiProperty({ description: 'Matches over every page' }) total: number;
  @ApiProperty({ type: [FhirBundleLinkDto] }) link: FhirBundleLinkDto[];
}

/** A searchset Bundle of ResearchStudy resources. */
export class FhirResearchStudyBundleDto extends FhirSearchsetDto {
  @ApiPropertyOptional({
    type: [FhirResearchStudyEntryDto],
    description: 'Absent when nothing matches',
  })
  entry?: FhirResearchStudyEntryDto[];
}

/** A searchset Bundle of ResearchSubject resources. */
export class FhirResearchSubjectBundleDto extends FhirSearchsetDto {
  @ApiPropertyOptional({
    type: [FhirResearchSubjectEntryDto],
    description: 'Absent when nothing matches',
  })
  entry?: FhirResearchSubjectEntryDto[];
}

export class FhirCapabilitySearchParamDto {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['token', 'reference', 'number'] }) type: string;
  @ApiPropertyOptional() documentation?: string;
}

export class FhirCapabilityInteractionDto {
  @ApiProperty({ enum: ['read', 'search-type'] }) code: string;
}

export class FhirCapabilityResourceDto {
  @ApiProperty({ enum: ['ResearchStudy', 'ResearchSubject'] }) type: string;
  @ApiProperty({ type: [FhirCapabilityInteractionDto] })
  interaction: FhirCapabilityInteractionDto[];
  @ApiProperty({ type: [FhirCapabilitySearchParamDto] })
  searchParam: FhirCapabilitySearchParamDto[];
}

export class FhirCapabilitySecurityDto {
  @ApiProperty() description: string;
}

export class FhirCapabilityRestDto {
  @ApiProperty({ enum: ['server'] }) mode: 'server';
  @ApiProperty({ type: FhirCapabilitySecurityDto }) security: FhirCapabilitySecurityDto;
  @ApiProperty({ type: [FhirCapabilityResourceDto] }) resource: FhirCapabilityResourceDto[];
}

export class FhirSoftwareDto {
  @ApiProperty() name: string;
}

export class FhirImplementationDto {
  @ApiProperty() description: string;
  @ApiProperty() url: string;
}

/** What this FHIR server does (GET /fhir/metadata), as FHIR clients read it first. */
export class FhirCapabilityStatementDto {
  @ApiProperty({ enum: ['CapabilityStatement'] }) resourceType: 'CapabilityStatement';
  @ApiProperty({ enum: ['active'] }) status: 'active';
  @ApiProperty({ description: 'When the capabilities last changed' }) date: string;
  @ApiProperty({ enum: ['instance'] }) kind: 'instance';
  @ApiProperty({ type: FhirSoftwareDto }) software: FhirSoftwareDto;
  @ApiProperty({ type: FhirImplementationDto }) implementation: FhirImplementationDto;
  @ApiProperty({ example: '4.0.0' }) fhirVersion: string;
  @ApiProperty({ type: [String] }) format: string[];
  @ApiProperty({ type: [FhirCapabilityRestDto] }) rest: FhirCapabilityRestDto[];
}

/** Search parameters of GET /fhir/ResearchStudy. */
export class ResearchStudySearchDto {
  @ValidateUuid({ optional: true, description: 'The study id (the trial id)' })
  _id?: string;
}

export const RESEARCH_STUDY_SEARCH_PARAMETERS = ['_id'];

/** Search parameters of GET /fhir/ResearchSubject. */
export class ResearchSubjectSearchDto {
  @ValidateMatches(
    /^(ResearchStudy\/)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'must be a ResearchStudy id or reference (ResearchStudy/<id>)',
    { optional: true, description: 'The study: <id> or ResearchStudy/<id>' },
  )
  study?: string;

  @QueryInt(1, 200, { description: 'Page size (default 50)' })
  _count?: number;

  @QueryInt(0, 10_000_000, { description: 'Matches to skip (the next link sets it)' })
  _offset?: number;
}

export const RESEARCH_SUBJECT_SEARCH_PARAMETERS = ['study', '_count', '_offset'];
