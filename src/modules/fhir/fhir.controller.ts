import {
  Controller,
  Get,
  Header,
  Param,
  ParseUUIDPipe,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { CLINICAL_ROLES, ROLES } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import {
  FhirCapabilityStatementDto,
  FhirResearchStudyBundleDto,
  FhirResearchStudyDto,
  FhirResearchSubjectBundleDto,
  FhirResearchSubjectDto,
  RESEARCH_STUDY_SEARCH_PARAMETERS,
  RESEARCH_SUBJECT_SEARCH_PARAMETERS,
  ResearchStudySearchDto,
  ResearchSubjectSearchDto,
} from './dto/fhir.dto';
import { FhirSearchParameters } from './fhir-search.interceptor';
import { FhirErrors } from './fhir.errors';
import { FhirService } from './fhir.service';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** A path id; a malformed one is a 400 naming the parameter. */
const uuid = (name: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => FhirErrors.badId(name) });

/**
 * FHIR R4, read only: the trial as a ResearchStudy and its participants as ResearchSubjects, in
 * the FHIR JSON media type (`Accept: application/fhir+json` or `application/json`). Errors keep
 * the API's one error body. ResearchStudy is trial reference data (every role, like GET /trial);
 * ResearchSubjects are clinical (not the admin), within the actor's sites, and carry the arm only
 * for roles that may see it (never a blinded assessor).
 */
@ApiTags('fhir')
@ApiBearerAuth()
@ApiProduces('application/fhir+json', 'application/json')
@Controller('fhir')
export class FhirController {
  constructor(private readonly fhir: FhirService) {}

  /**
   * The server's CapabilityStatement: FHIR R4, JSON, read and search of ResearchStudy and
   * ResearchSubject with their search parameters.
   */
  @Get('metadata')
  @Roles(...ROLES)
  @Header('Content-Type', FHIR_JSON)
  @ApiErrors(400)
  @ApiOkResponse({ type: FhirCapabilityStatementDto })
  metadata(): FhirCapabilityStatementDto {
    return this.fhir.capabilities();
  }

  /** Searches ResearchStudy: a searchset Bundle holding the trial (by `_id`, or all). */
  @Get('ResearchStudy')
  @Roles(...ROLES)
  @Header('Content-Type', FHIR_JSON)
  @UseInterceptors(new FhirSearchParameters('ResearchStudy', RESEARCH_STUDY_SEARCH_PARAMETERS))
  @ApiErrors({
    400: 'A malformed _id, or an unknown search parameter (FHIR_UNKNOWN_SEARCH_PARAMETER)',
  })
  @ApiOkResponse({ type: FhirResearchStudyBundleDto })
  searchStudies(@Query() q: ResearchStudySearchDto): Promise<FhirResearchStudyBundleDto> {
    return this.fhir.searchStudies(q._id);
  }

  /** Reads the trial as a FHIR ResearchStudy: identifiers, title, phase, arms and sites. */
  @Get('ResearchStudy/:id')
  @Roles(...ROLES)
  @Header('Content-Type', FHIR_JSON)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: FhirResearchStudyDto })
  study(@Param('id', uuid('id')) id: string): Promise<FhirResearchStudyDto> {
    return this.fhir.study(id);
  }

  /**
   * Searches ResearchSubject within the actor's sites (by `study`), paged by `_count` with a
   * `next` link: status, study, the individual by study id only, and the arm where the role may see it.
   */
  @Get('ResearchSubject')
  @Roles(...CLINICAL_ROLES)
  @Header('Content-Type', FHIR_JSON)
  @UseInterceptors(new FhirSearchParameters('ResearchSubject', RESEARCH_SUBJECT_SEARCH_PARAMETERS))
  @ApiErrors({
    400: 'A malformed study, _count or _offset, or an unknown search parameter (FHIR_UNKNOWN_SEARCH_PARAMETER)',
  })
  @ApiOkResponse({ type: FhirResearchSubjectBundleDto })
  searchSubjects(
    @Query() q: ResearchSubjectSearchDto,
    @CurrentActor() actor: Actor,
  ): Promise<FhirResearchSubjectBundleDto> {
    return this.fhir.searchSubjects(actor, {
      study: q.study,
      count: q._count,
      offset: q._offset,
    });
  }

  /** Reads one participant as a FHIR ResearchSubject (within the actor's sites; 404 otherwise). */
  @Get('ResearchSubject/:id')
  @Roles(...CLINICAL_ROLES)
  @Header('Content-Type', FHIR_JSON)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: FhirResearchSubjectDto })
  subject(
    @Param('id', uuid('id')) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<FhirResearchSubjectDto> {
    return this.fhir.subject(actor, id);
  }
}
