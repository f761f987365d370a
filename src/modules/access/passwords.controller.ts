import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public, Roles } from 'src/common/context/access.decorators';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { ApiErrors } from 'src/common/errors/api-errors';
import { LoginResponseDto } from './dto/login.dto';
import { toSessionResponse } from './sessions.mapper';
import {
  ChangePasswordDto,
  ForgotPasswordDto,
  PasswordMessageDto,
  ResetPasswordDto,
} from './dto/password.dto';
import { PasswordResetThrottlerGuard } from './password-reset-throttler.guard';
import { PasswordThrottlerGuard } from './password-throttler.guard';
import { AllowDuringEnrolment } from 'src/common/context/access.decorators';
import { AllowedBeforePasswordChange } from './password-change.decorator';
import { PasswordsService } from './passwords.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

const FORGOT_ANSWER =
  'If an active account has this e-mail address, a link to choose a new password is on its way. Check your e-mail.';

@ApiTags('auth')
@Controller('auth')
@NotClinicalWrite()
export class PasswordsController {
  constructor(private readonly passwords: PasswordsService) {}

  /**
   * Changes the own password (the current one required). Every other session of the account ends;
   * the answer is a fresh session to go on with. Also the way out of a temporary password.
   */
  @Post('password')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowedBeforePasswordChange()
  @AllowDuringEnrolment()
  @UseGuards(PasswordThrottlerGuard)
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors({
    400: 'VALIDATION_FAILED; CURRENT_PASSWORD_INCORRECT (currentPassword); PASSWORD_POLICY, PASSWORD_REUSED (newPassword)',
    429: 'TOO_MANY_REQUESTS: too many attempts; retry after Retry-After',
  })
  async change(
    @Body() dto: ChangePasswordDto,
    @CurrentActor() actor: Actor,
  ): Promise<LoginResponseDto> {
    return toSessionResponse(
      await this.passwords.changeOwn(actor, dto.currentPassword, dto.newPassword),
    );
  }

  /**
   * Forgotten password: e-mails a single-use link to choose a new one, valid for
   * PASSWORD_RESET_TTL_MINUTES. Always the same 202, whether or not an active account has the address.
   */
  @Post('password/forgot')
  @Public()
  @UseGuards(PasswordResetThrottlerGuard)
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PasswordMessageDto })
  @ApiErrors(400, { 429: 'TOO_MANY_REQUESTS: too many requests; retry after Retry-After' })
  async forgot(@Body() dto: ForgotPasswordDto): Promise<PasswordMessageDto> {
    await this.passwords.forgot(dto.email);
    return { message: FORGOT_ANSWER };
  }

  /**
   * Chooses a new password with the token of an e-mailed link: once, before it expires. Every
   * session of the account ends; sign in with the new password.
   */
  @Post('password/reset')
  @Public()
  @UseGuards(PasswordResetThrottlerGuard)
  @HttpCode(200)
  @ApiOkResponse({ type: PasswordMessageDto })
  @ApiErrors({
    400: 'VALIDATION_FAILED; RESET_TOKEN_INVALID (unknown, used, replaced or expired); PASSWORD_POLICY, PASSWORD_REUSED (newPassword)',
    429: 'TOO_MANY_REQUESTS: too many attempts; retry after Retry-After',
  })
  async reset(@Body() dto: ResetPasswordDto): Promise<PasswordMessageDto> {
    await this.passwords.resetWithToken(dto.token, dto.newPassword);
    return { message: 'Your password was changed. Sign in with the new password.' };
  }
}
