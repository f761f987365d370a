import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import type { Role } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import { CasebookService } from './casebook.service';
import {
  CasebookDto,
  MarkVerifiedDto,
  ParticipantVerificationDto,
  ProgressDto,
  RecordVerificationDto,
  SignCasebookDto,
  UndoVerificationDto,
} from './dto/verification.dto';
import { VerificationService } from './verification.service';

/**
 * Who reads verification and sign-off: the clinical roles within their sites. Never a blinded
 * assessor (the records listed include arm-revealing ones) nor the admin (no clinical data).
 */
const READERS: Role[] = ['monitor', 'statistician', 'investigator', 'coordinator', 'site_staff'];

@ApiTags('verification')
@ApiBearerAuth()
@Controller()
export class VerificationController {
  constructor(
    private readonly verification: VerificationService,
    private readonly casebook: CasebookService,
  ) {}

  /**
   * Source-data verification of a participant: each of its records (visit logs, assessments,
   * adverse events, screening record, consent, arm-B drug, transplant phases) at its current
   * version, verified or not, and the change that cleared an earlier verification.
   */
  @Get('participants/:id/verification')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: ParticipantVerificationDto })
  ofParticipant(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantVerificationDto> {
    return this.verification.ofParticipant(id, actor);
  }

  /**
   * The monitor marks the version of a record they checked against the source as verified; a
   * later change of the record clears the mark (audited). Marking the verified version again
   * changes nothing.
   */
  @Post('participants/:id/verification')
  @HttpCode(200)
  @Roles('monitor')
  @ApiErrors(400, 404, {
    409: 'SDV_STALE_VERSION: the record changed since the version given (errors[0].params.currentVersion); nothing is marked',
  })
  @ApiOkResponse({ type: RecordVerificationDto })
  mark(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: MarkVerifiedDto,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVerificationDto> {
    return this.verification.mark(id, body, actor);
  }

  /** The monitor withdraws their mark of a record (e.g. marked by mistake), with a reason. */
  @Post('participants/:id/verification/undo')
  @HttpCode(200)
  @Roles('monitor')
  @ApiErrors(400, 404, { 409: 'SDV_NOT_VERIFIED: the record is not marked verified' })
  @ApiOkResponse({ type: RecordVerificationDto })
  undo(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UndoVerificationDto,
    @CurrentActor() actor: Actor,
  ): Promise<RecordVerificationDto> {
    return this.verification.undo(id, body, actor);
  }

  /** Progress of source-data verification per site and per participant, within your sites. */
  @Get('verification/progress')
  @Roles('monitor', 'statistician', 'investigator', 'coordinator')
  @ApiErrors(400)
  @ApiOkResponse({ type: ProgressDto })
  progress(@CurrentActor() actor: Actor): Promise<ProgressDto> {
    return this.verification.progress(actor);
  }

  /** The casebook's sign-off: whether it can be signed, and every signature with its manifest. */
  @Get('participants/:id/casebook-signature')
  @Roles(...READERS)
  @ApiErrors(400, 404)
  @ApiOkResponse({ type: CasebookDto })
  casebookSignature(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentActor() actor: Actor,
  ): Promise<CasebookDto> {
    return this.casebook.get(id, actor);
  }

  /**
   * The investigator signs the participant's casebook at the end of follow-up (21 CFR 11.50:
   * printed name, time and meaning kept with it; 11.200: the password again). A later change of
   * any of the participant's records voids the signature; sign again then.
   */
  @Post('participants/:id/casebook-signature')
  @HttpCode(200)
  @Roles('investigator')
  @ApiErrors(400, 404, {
    401: 'SIGNATURE_PASSWORD_INVALID / SIGNING_ASSERTION_INVALID: nothing was signed',
    409: 'CASEBOOK_FOLLOW_UP_NOT_ENDED: follow-up has not ended; CASEBOOK_ALREADY_SIGNED: signed and unchanged since',
    429: 'SIGNATURE_LOCKED: signing is locked after repeated wrong passwords (until errors[0].params.lockedUntil); TOO_MANY_REQUESTS: too many attempts',
  })
  @ApiOkResponse({ type: CasebookDto })
  signCasebook(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SignCasebookDto,
    @CurrentActor() actor: Actor,
  ): Promise<CasebookDto> {
    return this.casebook.sign(id, body, actor);
  }
}
