import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from 'src/common/context/request-context';
import { ROLES } from 'src/common/context/roles';
import { CurrentActor, Public, Roles } from 'src/common/context/access.decorators';
import { ApiErrors } from 'src/common/errors/api-errors';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { LoginResponseDto } from './dto/login.dto';
import {
  SetSigningPasswordDto,
  SigningAssertionResponseDto,
  SigningOptionsResponseDto,
  SsoCallbackDto,
  SsoConfigResponseDto,
  SsoReauthDto,
  SsoRedirectResponseDto,
  SsoStartDto,
} from './dto/sso.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { SigningService } from './signing.service';
import { SecondFactorChallengeDto } from './second-factor/second-factor.dto';
import { toSessionResponse } from './sessions.mapper';
import { SsoService } from './sso.service';
import { NotClinicalWrite } from 'src/common/context/write-lock.decorators';

/** The cookie that binds a started sign-in to the browser (holds the state; httpOnly, Lax). */
export const SSO_STATE_COOKIE = 'ram_ms_sso_state';
const COOKIE_PATH = '/auth/sso';

/** One cookie's value from the Cookie header (no parser is mounted for the API). */
function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

@ApiTags('auth')
@Controller('auth')
@NotClinicalWrite()
export class SsoController {
  constructor(
    private readonly sso: SsoService,
    private readonly signing: SigningService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether sign-in with the hospital account (single sign-on) is offered; no secrets. */
  @Get('sso/config')
  @Public()
  @ApiOkResponse({ type: SsoConfigResponseDto })
  ssoConfig(): SsoConfigResponseDto {
    return { enabled: this.sso.enabled };
  }

  /**
   * Starts a sign-in at the hospital's identity provider: answers the URL to send the browser to
   * and sets an httpOnly cookie binding the request to this browser.
   */
  @Post('sso/start')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOkResponse({ type: SsoRedirectResponseDto })
  @ApiErrors(400, {
    404: 'SSO_DISABLED: single sign-on is not configured',
    429: 'TOO_MANY_REQUESTS: too many sign-in attempts; retry after Retry-After',
    503: 'SSO_PROVIDER_UNAVAILABLE: the provider cannot be reached',
  })
  async start(
    @Body() dto: SsoStartDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SsoRedirectResponseDto> {
    const { authorizationUrl, state } = await this.sso.startSignIn(dto.role);
    res.cookie(SSO_STATE_COOKIE, state, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.OIDC_REDIRECT_URL.startsWith('https://'),
      path: COOKIE_PATH,
      maxAge: this.config.OIDC_STATE_TTL_SECONDS * 1000,
    });
    return { authorizationUrl };
  }

  /**
   * Finishes a sign-in with the provider's answer (code and state from the redirect to the page):
   * the account whose e-mail the provider vouches for, acting in the role asked for at the start.
   */
  @Post('sso/callback')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiExtraModels(LoginResponseDto, SecondFactorChallengeDto)
  @ApiOkResponse({
    description: 'A session, or (second factor set up) the challenge of the second step',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(LoginResponseDto) },
        { $ref: getSchemaPath(SecondFactorChallengeDto) },
      ],
    },
  })
  @ApiErrors(400, {
    401: 'SSO_CODE_REJECTED, SSO_TOKEN_INVALID: the provider refused the code, or its answer failed the checks',
    403: 'SSO_NO_ACCOUNT, SSO_EMAIL_UNVERIFIED, SSO_SUBJECT_MISMATCH, ROLE_NOT_ALLOWED',
    404: 'SSO_DISABLED: single sign-on is not configured',
    429: 'TOO_MANY_REQUESTS: too many sign-in attempts; retry after Retry-After',
    503: 'SSO_PROVIDER_UNAVAILABLE: the provider cannot be reached',
  })
  async callback(
    @Body() dto: SsoCallbackDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponseDto | SecondFactorChallengeDto> {
    const cookie = cookieValue(req, SSO_STATE_COOKIE);
    res.clearCookie(SSO_STATE_COOKIE, { path: COOKIE_PATH });
    const result = await this.sso.completeSignIn(dto, cookie);
    return 'challenge' in result ? result : toSessionResponse(result);
  }

  /**
   * Starts a fresh authentication of the signed-in user at the provider (prompt=login,
   * max_age=0), for an electronic signature or for setting a signing password.
   */
  @Post('sso/reauth')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @HttpCode(200)
  @ApiOkResponse({ type: SsoRedirectResponseDto })
  @ApiErrors(400, {
    404: 'SSO_DISABLED: single sign-on is not configured',
    503: 'SSO_PROVIDER_UNAVAILABLE: the provider cannot be reached',
  })
  async reauth(
    @Body() dto: SsoReauthDto,
    @CurrentActor() actor: Actor,
  ): Promise<SsoRedirectResponseDto> {
    return this.sso.startReauth(actor, dto.purpose);
  }

  /**
   * Finishes a fresh authentication with the provider's answer: a signing assertion, to present
   * once (within minutes) with the signature or the new signing password.
   */
  @Post('sso/reauth/callback')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @HttpCode(200)
  @ApiOkResponse({ type: SigningAssertionResponseDto })
  @ApiErrors(400, {
    401: 'SSO_REAUTH_NOT_FRESH, SSO_CODE_REJECTED, SSO_TOKEN_INVALID',
    403: 'SSO_REAUTH_OTHER_USER: the provider authenticated someone else',
    404: 'SSO_DISABLED: single sign-on is not configured',
    503: 'SSO_PROVIDER_UNAVAILABLE: the provider cannot be reached',
  })
  async reauthCallback(
    @Body() dto: SsoCallbackDto,
    @CurrentActor() actor: Actor,
  ): Promise<SigningAssertionResponseDto> {
    return this.sso.completeReauth(actor, dto);
  }

  /** How the signed-in user can sign electronically (the signature dialog offers these). */
  @Get('signing-options')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @ApiOkResponse({ type: SigningOptionsResponseDto })
  async signingOptions(@CurrentActor() actor: Actor): Promise<SigningOptionsResponseDto> {
    return this.signing.options(actor);
  }

  /**
   * Sets the signing password: a password for electronic signatures only (21 CFR 11.200), e.g.
   * for an account that signs in through the hospital. Needs the account's password or a fresh
   * re-authentication at the hospital (signingAssertion of purpose signing_password).
   */
  @Post('signing-password')
  @ApiBearerAuth()
  @Roles(...ROLES)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The signing password is set' })
  @ApiErrors(400, {
    401: 'SIGNING_PASSWORD_PROOF_INVALID: the password or the assertion is not right',
  })
  async setSigningPassword(
    @Body() dto: SetSigningPasswordDto,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.signing.setSigningPassword(actor, dto);
  }
}
