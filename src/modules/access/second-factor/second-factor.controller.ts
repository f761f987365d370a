import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AllowDuringEnrolment,
  CurrentActor,
  Public,
  Roles,
} from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import { NoBody, NoBodyDoc } from 'src/common/validation/no-body';
import { AuthService } from 'src/modules/access/auth.service';
import { LoginResponseDto } from 'src/modules/access/dto/login.dto';
import { toSessionResponse } from 'src/modules/access/sessions.mapper';
import { UsersService } from 'src/modules/access/users.service';
import { SecondFactorSignIn } from './second-factor-sign-in.service';
import { SecondFactorThrottlerGuard } from './second-factor-throttler.guard';
import {
  ConfirmedEnrolmentDto,
  RecoveryCodesDto,
  RemoveSecondFactorDto,
  ResetSecondFactorDto,
  SecondFactorCodeDto,
  SecondFactorEnrolmentDto,
  SecondFactorPolicyDto,
  SecondFactorSignInDto,
  SecondFactorStatusDto,
} from './second-factor.dto';
import { SecondFactorService } from './second-factor.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

const WRONG_CODE = 'SECOND_FACTOR_CODE_INVALID: the code is not right or was used already';

@ApiTags('auth')
@Controller('auth')
@NotClinicalWrite()
export class SecondFactorController {
  constructor(
    private readonly factors: SecondFactorService,
    private readonly signIn: SecondFactorSignIn,
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /** The sign-in's second step: the challenge of POST /auth/login with a code of the app or a recovery code. */
  @Post('login/second-factor')
  @Public()
  @UseGuards(SecondFactorThrottlerGuard)
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(400, {
    401: 'SECOND_FACTOR_INVALID: wrong or used code; SECOND_FACTOR_CHALLENGE_INVALID: sign in again',
    429: 'TOO_MANY_REQUESTS: too many attempts, retry after Retry-After; SECOND_FACTOR_LOCKED: too many wrong app codes in a row, app codes pause (errors[0].params.minutes), a recovery code still works',
  })
  async completeSignIn(@Body() dto: SecondFactorSignInDto): Promise<LoginResponseDto> {
    return toSessionResponse(
      await this.signIn.complete(dto.challenge, { code: dto.code, recoveryCode: dto.recoveryCode }),
    );
  }

  /** Whether the own account has a second factor, and whether its roles require one. */
  @Get('second-factor')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowDuringEnrolment()
  @ApiOkResponse({ type: SecondFactorStatusDto })
  async status(@CurrentActor() actor: Actor): Promise<SecondFactorStatusDto> {
    return this.factors.status(actor);
  }

  /**
   * Starts setting up the own second factor: a new secret for an authenticator app (QR code from
   * otpauthUrl), shown this once; confirm it with a code. Starting again replaces an unconfirmed one.
   */
  @Post('second-factor/enrolment')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowDuringEnrolment()
  @NoBodyDoc()
  @ApiCreatedResponse({ type: SecondFactorEnrolmentDto })
  @ApiErrors(400, { 409: 'SECOND_FACTOR_ALREADY_ENROLLED: remove the current one first' })
  async startEnrolment(
    @CurrentActor() actor: Actor,
    @Body(NoBody) _body: unknown,
  ): Promise<SecondFactorEnrolmentDto> {
    return this.factors.startEnrolment(actor);
  }

  /**
   * Confirms the set-up with the app's current code: answers the recovery codes, shown this once,
   * and a new session in the same role (without the set-up restriction).
   */
  @Post('second-factor/enrolment/confirm')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowDuringEnrolment()
  @HttpCode(200)
  @ApiOkResponse({ type: ConfirmedEnrolmentDto })
  @ApiErrors({ 400: WRONG_CODE, 409: 'SECOND_FACTOR_NOT_PENDING: start the set-up first' })
  async confirmEnrolment(
    @CurrentActor() actor: Actor,
    @Body() dto: SecondFactorCodeDto,
  ): Promise<ConfirmedEnrolmentDto> {
    const recoveryCodes = await this.factors.confirmEnrolment(actor, dto.code);
    return { recoveryCodes, session: toSessionResponse(await this.auth.reissue(actor)) };
  }

  /** Removes the own second factor (password and a current code), unless one of the account's roles requires it. */
  @Delete('second-factor')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors({
    400: `${WRONG_CODE}; SECOND_FACTOR_PASSWORD_INVALID`,
    409: 'SECOND_FACTOR_REQUIRED_BY_ROLE or SECOND_FACTOR_NOT_ENROLLED',
  })
  async remove(@CurrentActor() actor: Actor, @Body() dto: RemoveSecondFactorDto): Promise<void> {
    await this.factors.remove(actor, dto.password, dto.code);
  }

  /** New recovery codes for a current code; the earlier ones stop working. Shown this once. */
  @Post('second-factor/recovery-codes')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiErrors({ 400: WRONG_CODE, 409: 'SECOND_FACTOR_NOT_ENROLLED' })
  async regenerate(
    @CurrentActor() actor: Actor,
    @Body() dto: SecondFactorCodeDto,
  ): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.factors.regenerateRecoveryCodes(actor, dto.code) };
  }

  /** The roles whose sign-in requires a second factor. */
  @Get('second-factor/policy')
  @ApiBearerAuth()
  @Roles('admin')
  @ApiOkResponse({ type: SecondFactorPolicyDto })
  async policy(): Promise<SecondFactorPolicyDto> {
    return this.factors.policy();
  }

  /**
   * Sets the roles whose sign-in requires a second factor. Someone acting in such a role without
   * one gets, at the next sign-in, a session that may only set it up.
   */
  @Put('second-factor/policy')
  @ApiBearerAuth()
  @Roles('admin')
  @ApiOkResponse({ type: SecondFactorPolicyDto })
  @ApiErrors(400)
  async setPolicy(
    @CurrentActor() actor: Actor,
    @Body() dto: SecondFactorPolicyDto,
  ): Promise<SecondFactorPolicyDto> {
    return this.factors.setPolicy(actor, dto.roles);
  }
}

/** An admin's part of other users' second factors. */
@ApiTags('admin: users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
@NotClinicalWrite()
export class SecondFactorAdminController {
  constructor(private readonly factors: SecondFactorService) {}

  /**
   * Removes another user's second factor (lost phone and recovery codes), with a reason (audited).
   * They sign in with the password alone, or set it up again where their role requires it.
   */
  @Delete(':id/second-factor')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404, {
    409: 'SECOND_FACTOR_NOT_ENROLLED; SECOND_FACTOR_SELF_RESET: another admin must',
  })
  async reset(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResetSecondFactorDto,
  ): Promise<void> {
    await this.factors.reset(actor, id, dto.reason);
  }
}
