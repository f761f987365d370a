import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from 'src/common/errors/api-errors';
import { RecordVersionDto } from 'src/kernel/record-history';
import type { Actor } from 'src/common/context/request-context';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import { ParticipantResponseDto } from 'src/modules/participants/dto/participant.dto';
import { toParticipantResponse } from 'src/modules/participants/participants.mapper';
import {
  CorrectConsentDto,
  AssessmentResponseDto,
  ConsentDto,
  CreateAssessmentDto,
  EligibilityQueryDto,
  EligibilityResponseDto,
  RescreenDto,
  SignAssessmentDto,
} from './dto/eligibility.dto';
import { toAssessmentResponse, toEligibilityResponse } from './eligibility.mapper';
import { EligibilityService } from './eligibility.service';
import { Idempotent } from 'src/kernel/idempotency/idempotent.decorator';

const READERS = ['coordinator', 'investigator', 'monitor', 'statistician'] as const;

@ApiTags('eligibility')
@ApiBearerAuth()
@Controller('participants/:id')
export class EligibilityController {
  constructor(private readonly eligibility: EligibilityService) {}

  /** Side-by-side evaluation, e.g. ?sets=ram-ms-v2,zin-2022 (nothing stored). */
  @Get('eligibility')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async evaluate(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: EligibilityQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<EligibilityResponseDto> {
    const sets = query.sets ? query.sets.split(',') : undefined;
    return toEligibilityResponse(
      await this.eligibility.evaluate(id, sets, query.source ?? 'screening', actor),
    );
  }

  /** Assesses eligibility of the current screening data under the active criteria set (stored, unsigned). */
  @Post('assessments')
  @Idempotent(AssessmentResponseDto)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async assess(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateAssessmentDto,
    @CurrentActor() actor: Actor,
  ): Promise<AssessmentResponseDto> {
    return toAssessmentResponse(
      await this.eligibility.createAssessment(id, dto.criteriaSetId, actor),
      true,
    );
  }

  /** The participant's assessments, newest first. */
  @Get('assessments')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async assessments(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<AssessmentResponseDto[]> {
    const { items, currentHashes } = await this.eligibility.assessments(id, actor);
    return items.map((a) => toAssessmentResponse(a, currentHashes.get(a.id) ?? false));
  }

  /** One assessment with its criteria results. */
  @Get('assessments/:assessmentId')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  async assessment(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('assessmentId', ParseUUIDPipe) assessmentId: string,
    @CurrentActor() actor: Actor,
  ): Promise<AssessmentResponseDto> {
    const { item, matchesCurrentData } = await this.eligibility.assessment(id, assessmentId, actor);
    return toAssessmentResponse(item, matchesCurrentData);
  }

  /** The investigator's electronic signature; the password is entered again. */
  @Post('assessments/:assessmentId/sign')
  @HttpCode(200)
  @Roles('investigator')
  @ApiErrors(400, 404, 409)
  @ApiErrors({
    429: 'SIGNATURE_LOCKED: signing is locked after repeated wrong passwords (until errors[0].params.lockedUntil); TOO_MANY_REQUESTS: too many attempts',
  })
  async sign(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('assessmentId', ParseUUIDPipe) assessmentId: string,
    @Body() dto: SignAssessmentDto,
    @CurrentActor() actor: Actor,
  ): Promise<AssessmentResponseDto> {
    return toAssessmentResponse(await this.eligibility.sign(id, assessmentId, dto, actor), true);
  }

  /** Records the informed consent of an eligible participant (version, date; age at consent checked). */
  @Post('consent')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async consent(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ConsentDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.eligibility.consent(id, dto, actor), true);
  }

  /** Corrects the recorded consent: only the fields sent change, with a reason; every version is kept. */
  @Patch('consent')
  @Roles('coordinator', 'investigator')
  @ApiErrors({
    404: 'No such participant in your sites',
    409: 'No consent recorded, a stale version, or an age at consent out of range',
  })
  @ApiErrors(400)
  async correctConsent(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CorrectConsentDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.eligibility.correctConsent(id, dto, actor), true);
  }

  /** Every kept version of the recorded consent (who, when, reason, fields before → after), newest first. */
  @Get('consent/history')
  @Roles('coordinator', 'investigator', 'monitor')
  @ApiErrors({ 404: 'No such participant in your sites' })
  @ApiErrors(400)
  async consentHistory(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVersionDto[]> {
    return this.eligibility.consentHistory(id, actor);
  }

  /** Opens a new screening episode for a screen failure (at most the configured number of times). */
  @Post('rescreen')
  @HttpCode(200)
  @Roles('coordinator', 'investigator')
  @ApiErrors(400, 404, 409)
  async rescreen(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RescreenDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponseDto> {
    return toParticipantResponse(await this.eligibility.rescreen(id, dto.reason, actor), true);
  }
}
